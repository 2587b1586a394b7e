"""Reading the text of uploaded files for search: at commit (Celery runs eagerly here), by
the periodic sweep for files left pending, and harmlessly twice."""

from datetime import timedelta

import sqlalchemy as sa

from meetings.access.principal import ANONYMOUS
from meetings.core.models import utcnow
from meetings.documents import reading
from meetings.documents.models import DocumentFile, TextStatus
from meetings.documents.services import Upload, add_file
from meetings.documents.storage import get_storage
from meetings.extensions import db
from meetings.search.query import SearchFilter, search_documents
from tests import factories
from tests.documents import samples

BROKEN_PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog"


def found(text: str) -> list[str]:
    return [d.title for d in search_documents(ANONYMOUS, SearchFilter(text=text), 1, 10).items]


def file_of(document) -> DocumentFile:
    return db.session.scalars(
        sa.select(DocumentFile).where(DocumentFile.document_id == document.id)
    ).one()


def left_pending(row: DocumentFile, age: timedelta) -> None:
    """As if the hand-over to the worker was lost `age` ago."""
    row.text, row.text_status, row.text_error = "", TextStatus.PENDING, ""
    row.uploaded_at = utcnow() - age
    db.session.commit()


def test_an_upload_is_read_when_its_transaction_commits(app):
    document = factories.document(title="Plan")
    pdf = samples.pdf_with_text("Mangrove restoration in the Mekong delta")

    row = add_file(document, Upload("plan.pdf", pdf, "en"))
    assert row.text_status is TextStatus.PENDING
    assert found("mangrove") == []
    db.session.commit()

    db.session.refresh(row)
    assert (row.text_status, row.text, row.text_error) == (
        TextStatus.DONE,
        "Mangrove restoration in the Mekong delta",
        "",
    )
    assert found("mangrove mekong") == ["Plan"]


def test_an_upload_rolled_back_is_not_read(app):
    document = factories.document(title="Plan")
    add_file(document, Upload("plan.txt", b"Mangrove restoration", "en"))
    db.session.rollback()

    assert db.session.scalar(sa.select(sa.func.count()).select_from(DocumentFile)) == 0
    assert found("mangrove") == []


def test_words_of_a_docx_become_searchable(app):
    data = samples.docx_with_text("Chair's summary", "Dust and sandstorms")
    factories.document(title="Summary", upload=("summary.docx", data, "en"))
    assert found("sandstorm") == ["Summary"]


def test_a_file_not_read_is_marked_failed_and_stays_listed_and_downloadable(app, client):
    meeting = factories.meeting(title="Forum")
    document = factories.document(
        meeting=meeting, title="Broken statement", upload=("statement.pdf", BROKEN_PDF, "en")
    )
    row = file_of(document)

    assert row.text_status is TextStatus.FAILED
    assert row.text_error.startswith("Not a readable PDF: ")
    assert row.text == ""
    assert found("broken statement") == ["Broken statement"]
    download = client.get(f"/documents/{document.id}/files/{row.id}/statement.pdf")
    assert (download.status_code, download.data) == (200, BROKEN_PDF)
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Broken statement" in page and f"/files/{row.id}/statement.pdf" in page


def test_a_file_missing_from_storage_is_marked_failed(app):
    document = factories.document(upload=("a.txt", b"Mangrove", "en"))
    row = file_of(document)
    left_pending(row, timedelta(minutes=5))
    get_storage().delete(row.storage_key)

    assert reading.read_files([row.id]) == {"done": 0, "failed": 1, "skipped": 0}
    db.session.refresh(row)
    assert row.text_status is TextStatus.FAILED
    assert "No such file" in row.text_error


def test_read_pending_reads_files_left_pending_and_leaves_fresh_ones(app):
    stale = factories.document(title="Stale", upload=("a.txt", b"Seagrass meadows", "en"))
    fresh = factories.document(title="Fresh", upload=("b.txt", b"Seagrass survey", "en"))
    left_pending(file_of(stale), timedelta(minutes=5))
    left_pending(file_of(fresh), timedelta(seconds=10))
    assert found("seagrass") == []

    assert reading.read_pending() == {"done": 1, "failed": 0, "skipped": 0}

    assert file_of(stale).text_status is TextStatus.DONE
    assert file_of(fresh).text_status is TextStatus.PENDING
    assert found("seagrass") == ["Stale"]


def test_read_pending_reads_a_batch_at_a_time(app):
    rows = []
    for n in range(reading.BATCH + 3):
        document = factories.document(upload=(f"{n}.txt", f"Note {n}".encode(), "en"))
        rows.append(file_of(document))
    for row in rows:
        left_pending(row, timedelta(minutes=5))

    assert reading.read_pending()["done"] == reading.BATCH
    assert reading.read_pending()["done"] == 3
    assert reading.read_pending() == {"done": 0, "failed": 0, "skipped": 0}


def test_read_pending_leaves_files_whose_text_is_not_read(app):
    document = factories.document(upload=("photo.png", samples.png(), "en"))
    row = file_of(document)
    assert row.text_status is TextStatus.NONE
    row.uploaded_at = utcnow() - timedelta(hours=1)
    db.session.commit()

    assert reading.read_pending() == {"done": 0, "failed": 0, "skipped": 0}


def test_a_file_read_twice_is_harmless(app):
    document = factories.document(title="Plan", upload=("a.txt", b"Coral reefs", "en"))
    row = file_of(document)
    left_pending(row, timedelta(minutes=5))

    assert reading.read_files([row.id, row.id]) == {"done": 1, "failed": 0, "skipped": 1}
    assert reading.read_files([row.id]) == {"done": 0, "failed": 0, "skipped": 1}

    db.session.refresh(row)
    assert (row.text_status, row.text) == (TextStatus.DONE, "Coral reefs")
    assert found("coral") == ["Plan"]


def test_a_file_read_again_after_a_lost_answer_gets_the_same_words(app):
    """A worker read the file but its answer was lost: the sweep reads it again."""
    document = factories.document(title="Plan", upload=("a.txt", b"Coral reefs", "en"))
    row = file_of(document)
    words_before = row.text
    left_pending(row, timedelta(minutes=5))

    reading.read_pending()

    assert file_of(document).text == words_before
    assert found("coral reefs") == ["Plan"]

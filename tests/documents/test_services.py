"""Documents through their services: the rules a secretariat meets when recording papers."""

import os
from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from meetings.bodies.services import delete_body
from meetings.core.validation import DomainValidationError
from meetings.documents import services
from meetings.documents.models import Document, DocumentFile, DocumentStatus, TextStatus
from meetings.documents.services import Upload
from meetings.extensions import db
from meetings.schedule.services import delete_meeting
from tests import factories
from tests.documents import samples


def stored_files(app) -> list[str]:
    root = Path(app.config["DOCUMENT_STORAGE_PATH"])
    return sorted(p.name for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.fixture
def held(app):
    body = factories.body()
    return factories.meeting(body, start="2025-09-02", end="2025-09-05", status="held")


def errors_of(call) -> dict[str, list[str]]:
    with pytest.raises(DomainValidationError) as caught:
        call()
    db.session.rollback()
    return caught.value.errors


def test_a_document_with_its_first_file_is_stored_by_content(app, held):
    pdf = samples.pdf_with_text("Joint Statement on marine plastics")
    doc = factories.document(
        meeting=held,
        type="joint_statement",
        symbol="AJMDEC/3/JS",
        title="Joint Statement",
        status="adopted",
        upload=("statement.pdf", pdf, "en"),
    )
    (file,) = doc.files
    assert (file.language, file.revision, file.kind, file.size) == ("en", 1, "pdf", len(pdf))
    assert file.filename == "statement.pdf"
    assert stored_files(app) == [file.storage_key]
    assert doc.adopted_at == held  # adopted where it was tabled, the meeting having been held
    db.session.refresh(file)
    assert file.text_status is TextStatus.DONE
    assert "marine plastics" in file.text


def test_a_revision_never_replaces_the_earlier_one(app, held):
    doc = factories.document(meeting=held, upload=("note.txt", b"First text", "en"))
    services.add_file(doc, Upload("note.txt", b"Second text", "en", note="typo fixed"))
    services.add_file(doc, Upload("note-zh.txt", "中文文本".encode(), "zh"))
    db.session.commit()
    assert [(f.language, f.revision) for f in doc.files] == [("en", 2), ("en", 1), ("zh", 1)]
    assert [(f.language, f.revision) for f in doc.current_files] == [("en", 2), ("zh", 1)]
    assert len(stored_files(app)) == 3


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (Upload("empty.pdf", b"", "en"), "is empty"),
        (Upload("page.html", b"<html><body>hi</body></html>", "en"), "HTML"),
        (Upload("report.docx", samples.xlsx(), "en"), "Excel"),
        (Upload("report.pdf", samples.pdf(), "xx"), "Choose one of"),
    ],
)
def test_refused_uploads_leave_neither_record_nor_file(app, held, upload, message):
    doc = factories.document(meeting=held)
    errors = errors_of(lambda: services.add_file(doc, upload))
    assert message in " ".join(m for ms in errors.values() for m in ms)
    assert db.session.scalar(sa.select(sa.func.count(DocumentFile.id))) == 0
    assert stored_files(app) == []


def test_a_file_over_the_limit_is_refused(app, held):
    app.config["DOCUMENT_MAX_BYTES"] = 1000
    doc = factories.document(meeting=held)
    errors = errors_of(lambda: services.add_file(doc, Upload("a.txt", b"x" * 1001, "en")))
    assert "larger than" in errors["file"][0]


def test_a_new_document_with_a_refused_file_is_not_created(app, held):
    errors = errors_of(
        lambda: factories.document(meeting=held, title="Agenda", upload=("a.svg", b"<svg/>", "en"))
    )
    assert "file" in errors
    assert db.session.scalar(sa.select(sa.func.count(Document.id))) == 0
    assert stored_files(app) == []


def test_a_file_stored_by_a_transaction_that_rolls_back_is_removed(app, held):
    doc = factories.document(meeting=held)
    services.add_file(doc, Upload("a.txt", b"Kept only if committed", "en"))
    assert len(stored_files(app)) == 1
    db.session.rollback()
    assert stored_files(app) == []


def test_rolling_back_keeps_a_file_another_record_already_uses(app, held):
    doc = factories.document(meeting=held, upload=("a.txt", b"Same bytes", "en"))
    other = factories.document(meeting=held, title="Copy")
    services.add_file(other, Upload("copy.txt", b"Same bytes", "en"))
    db.session.rollback()
    assert stored_files(app) == [doc.files[0].storage_key]


def test_a_symbol_is_unique_whatever_its_case(app, held):
    factories.document(meeting=held, symbol="NEASPEC/NFP-2/1", title="Background")
    errors = errors_of(lambda: factories.document(meeting=held, symbol="neaspec/nfp-2/1"))
    assert errors["symbol"] == ["neaspec/nfp-2/1 is already the symbol of “Background”."]


def test_adopted_at_a_meeting_that_has_not_happened_is_refused(app, held):
    future = factories.meeting(
        held.body, number=9, start=(date.today() + timedelta(days=30)).isoformat()
    )
    doc = factories.document(meeting=held, status="for_comment", type="report")
    errors = errors_of(lambda: services.mark_adopted(doc, future.id))
    assert "has not taken place" in errors["adopted_at_id"][0]
    cancelled = factories.meeting(held.body, number=8, start="2024-05-01", status="cancelled")
    errors = errors_of(lambda: services.mark_adopted(doc, cancelled.id))
    assert "has not taken place" in errors["adopted_at_id"][0]
    db.session.refresh(doc)
    assert doc.status is DocumentStatus.FOR_COMMENT


def test_adopted_later_than_tabled_but_not_before(app, held):
    later = factories.meeting(held.body, number=4, start="2025-11-10", status="held")
    earlier = factories.meeting(held.body, number=2, start="2024-03-01", status="held")
    doc = factories.document(meeting=held, status="for_comment", type="strategic_plan")
    services.mark_adopted(doc, later.id)
    db.session.commit()
    assert (doc.status, doc.adopted_at) == (DocumentStatus.ADOPTED, later)
    errors = errors_of(lambda: services.mark_adopted(doc, earlier.id))
    assert "tabled at" in errors["adopted_at_id"][0]


def test_adopted_at_a_meeting_of_another_mechanism_is_refused(app, held):
    elsewhere = factories.meeting(factories.body(), start="2025-01-01", status="held")
    doc = factories.document(meeting=held, status="for_comment")
    errors = errors_of(lambda: services.mark_adopted(doc, elsewhere.id))
    assert "Choose a meeting of" in errors["adopted_at_id"][0]


def test_adoption_needs_a_meeting_or_date_when_none_can_be_inferred(app):
    body = factories.body()
    errors = errors_of(lambda: factories.document(body, status="adopted", type="action_plan"))
    assert "at which meeting" in errors["adopted_at_id"][0]
    doc = factories.document(body, status="adopted", type="action_plan", adopted_on="2011")
    assert (doc.adopted_on, doc.adopted_on_date.label) == (date(2011, 1, 1), "2011")


def test_superseding_sets_the_status_and_refuses_cycles(app, held):
    old = factories.document(meeting=held, title="SPACE", type="strategic_plan", status="adopted")
    new = factories.document(meeting=held, title="SPACE 2025", type="strategic_plan")
    services.update_document(old, superseded_by_id=new.id)
    db.session.commit()
    assert (old.status, old.superseded_by, new.supersedes) == (
        DocumentStatus.SUPERSEDED,
        new,
        [old],
    )
    errors = errors_of(lambda: services.update_document(new, superseded_by_id=old.id))
    assert errors["superseded_by_id"] == ["That document is itself superseded by this one."]
    errors = errors_of(lambda: services.update_document(new, status="superseded"))
    assert errors["superseded_by_id"] == ["Say which document supersedes it."]


def test_annexes_belong_to_one_parent_without_loops(app, held):
    statement = factories.document(meeting=held, title="Joint Statement", type="joint_statement")
    annex = factories.document(meeting=held, title="SPACE 2025", parent_id=statement.id)
    assert statement.annexes == [annex]
    errors = errors_of(lambda: services.update_document(statement, parent_id=annex.id))
    assert errors["parent_id"] == ["That document is already an annex of this one."]
    errors = errors_of(lambda: services.delete_document(statement))
    assert "SPACE 2025" in errors["annexes"][0]


def test_deleting_hides_but_keeps_rows_files_and_frees_the_symbol(app, held):
    doc = factories.document(meeting=held, symbol="X/1", upload=("a.txt", b"words", "en"))
    services.delete_document(doc)
    db.session.commit()
    assert doc.deleted_at is not None and doc.symbol is None
    assert len(stored_files(app)) == 1
    factories.document(meeting=held, symbol="X/1", title="Corrected")


def test_a_meeting_or_body_with_documents_is_not_deleted(app, held):
    factories.document(meeting=held)
    errors = errors_of(lambda: delete_meeting(held))
    assert "1 document(s)" in errors["documents"][0]
    empty_body = factories.body()
    factories.document(empty_body, title="Action Plan 2011-2013")
    errors = errors_of(lambda: delete_body(empty_body))
    assert "still has documents (1)" in errors["documents"][0]


def test_the_session_must_be_of_the_tabled_meeting(app, held):
    other = factories.meeting(held.body, number=7, start="2025-10-01", status="held")
    closed = factories.session(other, day=date(2025, 10, 1))
    errors = errors_of(lambda: factories.document(meeting=held, session_id=closed.id))
    assert "session" in errors["session_id"][0]


def test_participants_visibility_needs_a_meeting(app):
    errors = errors_of(lambda: factories.document(factories.body(), visibility="participants"))
    assert "visibility" in errors


def test_storage_is_outside_the_web_root(app):
    static = Path(app.static_folder).resolve()
    storage = Path(app.config["DOCUMENT_STORAGE_PATH"]).resolve()
    assert static not in storage.parents and storage != static
    assert os.path.commonpath([static, storage]) != str(static)

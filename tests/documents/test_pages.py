"""The document pages as a person uses them: add, upload, read, download, adopt, delete."""

import io
import re
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from meetings.audit.models import AuditAction, AuditEntry
from meetings.documents.files import ALLOWED_TEXT
from meetings.documents.forms import CHOOSE_AGAIN
from meetings.documents.models import Document, DocumentFile, DocumentStatus
from meetings.documents.services import Upload, add_file
from meetings.extensions import db
from tests import factories
from tests.conftest import sign_in
from tests.documents import samples
from tests.pages import field_errors
from tests.test_query_counts import count_queries

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def som():
    """A body of a mechanism, with a meeting that was held and one still to come."""
    mech = factories.mechanism(short_name="NEASPEC")
    body = factories.body(mech, short_name="NFP", name="NEASPEC NFP Meeting")
    held = factories.meeting(
        body, number=2, title="2nd NFP Meeting", start="2020-08-06", end="", status="held"
    )
    coming = factories.meeting(body, number=9, title="9th NFP Meeting", start="2099-08", end="")
    return mech, body, held, coming


def stored_files(app) -> list[Path]:
    root = Path(app.config["DOCUMENT_STORAGE_PATH"])
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def document_form(meeting, **changes) -> dict:
    data = {
        "type": "working",
        "symbol": "NEASPEC/NFP-2/1",
        "title": "Strategic Plan 2021-2025",
        "description": "Background to the plan.",
        "status": "issued",
        "visibility": "",
        "meeting_id": str(meeting.id),
        "session_id": "",
        "adopted_at_id": "",
        "adopted_on": "",
        "parent_id": "",
        "position": "",
        "superseded_by_id": "",
        "source": "seeds/004",
        "language": "en",
        "note": "",
    }
    data.update(changes)
    return data


def with_file(data: dict, filename: str, content: bytes) -> dict:
    return {**data, "file": (io.BytesIO(content), filename)}


def links_of(html: str, document: Document) -> list[str]:
    return re.findall(rf'href="(/documents/{document.id}/files/\d+/[^"]+)"', html)


def test_create_document_with_file(client, som):
    mech, _body, held, _coming = som
    sign_in(client, factories.secretariat_of(mech))
    form = client.get(f"/meetings/{held.id}/documents/new").text
    assert f'<option selected value="{held.id}">' in form
    assert 'enctype="multipart/form-data"' in form
    pdf = samples.pdf_with_text("Strategic Plan")
    data = with_file(document_form(held), "Plan.pdf", pdf)
    response = client.post(f"/meetings/{held.id}/documents/new", data=data)
    document = db.session.scalars(sa.select(Document)).one()
    assert response.headers["Location"] == f"/documents/{document.id}"
    page = client.get(response.headers["Location"]).text
    assert "“Strategic Plan 2021-2025” added." in page
    assert "NEASPEC/NFP-2/1" in page and "2nd NFP Meeting" in page
    [current, history] = links_of(page, document)
    assert current == history == f"/documents/{document.id}/files/{document.files[0].id}/Plan.pdf"
    assert client.get(current).data == pdf


@pytest.mark.parametrize(
    ("changes", "upload", "message"),
    [
        (
            {"symbol": "neaspec/nfp-2/1"},
            ("Plan.pdf", samples.pdf()),
            "neaspec/nfp-2/1 is already the symbol of “Earlier plan”.",
        ),
        (
            {},
            ("Plan.pdf", samples.HTML),
            "“Plan.pdf” is an HTML page, which is not allowed. " + ALLOWED_TEXT,
        ),
        ({}, ("Plan.pdf", b""), "“Plan.pdf” is empty."),
    ],
    ids=["duplicate-symbol", "html", "empty"],
)
def test_create_refused_saves_nothing_and_keeps_the_input(
    app, client, som, changes, upload, message
):
    mech, body, held, _coming = som
    factories.document(body, symbol="NEASPEC/NFP-2/1", title="Earlier plan")
    sign_in(client, factories.secretariat_of(mech))
    data = with_file(document_form(held, **changes), *upload)
    response = client.post(f"/meetings/{held.id}/documents/new", data=data)
    assert response.status_code == 200
    assert message in field_errors(response.text)
    assert field_errors(response.text)[-1] == CHOOSE_AGAIN
    assert 'value="Strategic Plan 2021-2025"' in response.text
    assert "Background to the plan.</textarea>" in response.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Document)) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DocumentFile)) == 0
    assert stored_files(app) == []


def test_adopted_at_a_future_meeting_is_refused(app, client, som):
    mech, _body, held, coming = som
    sign_in(client, factories.secretariat_of(mech))
    data = document_form(held, status="adopted", adopted_at_id=str(coming.id))
    response = client.post(
        f"/meetings/{held.id}/documents/new", data=with_file(data, "Plan.pdf", samples.pdf())
    )
    [error, again] = field_errors(response.text)
    assert error.startswith("9th NFP Meeting has not taken place (August 2099, confirmed)")
    assert again == CHOOSE_AGAIN
    assert f'<option selected value="{coming.id}">' in response.text
    assert db.session.scalars(sa.select(Document)).all() == []
    assert stored_files(app) == []


def test_second_revision_keeps_the_first_downloadable(app, client, som):
    _mech, body, held, _coming = som
    first, second = samples.pdf_with_text("First"), samples.pdf_with_text("Second")
    document = factories.document(body, meeting=held, upload=("Plan.pdf", first))
    sign_in(client, factories.manager_of(body, name="Ms Officer"))
    form = client.get(f"/documents/{document.id}/files/new").text
    assert "English (revision 1)" in form
    data = {
        "language": "en",
        "note": "Corrected paragraph 12",
        "file": (io.BytesIO(second), "P.pdf"),
    }
    response = client.post(f"/documents/{document.id}/files/new", data=data, follow_redirects=True)
    assert "English revision 2 uploaded" in response.text
    history = response.text.split('id="history"')[1]
    assert re.findall(r"Revision (\d)", history) == ["2", "1"]
    assert "Corrected paragraph 12" in history and "by Ms Officer" in history
    new, old = re.findall(r'href="(/documents/[^"]+)"[^>]*>Revision', history)
    assert (client.get(new).data, client.get(old).data) == (second, first)
    data = {"language": "zh", "note": "", "file": (io.BytesIO(samples.docx()), "声明.docx")}
    response = client.post(f"/documents/{document.id}/files/new", data=data, follow_redirects=True)
    assert "Chinese version added." in response.text
    public = app.test_client().get(f"/documents/{document.id}").text
    assert "Corrected paragraph 12" in public and "by Ms Officer" not in public


def test_meeting_page_lists_documents_by_type_and_language(client, som):
    _mech, body, held, _coming = som
    later = factories.meeting(body, number=3, title="3rd NFP Meeting", start="2021-08", end="")
    statement = factories.document(
        body,
        meeting=held,
        type="joint_statement",
        title="Joint Statement",
        status="adopted",
        upload=("Statement.pdf", samples.pdf()),
    )
    add_file(statement, Upload("声明.docx", samples.docx(), "zh"))
    factories.document(
        body,
        meeting=held,
        type="annex",
        title="SPACE 2025",
        parent_id=statement.id,
        status="adopted",
    )
    factories.document(body, meeting=held, type="provisional_agenda", title="Provisional agenda")
    factories.document(
        body,
        meeting=held,
        title="Tabled here, adopted later",
        status="adopted",
        adopted_at_id=later.id,
        type="report",
    )
    db.session.commit()
    section = client.get(f"/meetings/{held.id}").text.split('id="documents"')[1]
    headings = re.findall(r"<h3>(.*?)</h3>", section)
    assert headings == ["Provisional agenda", "Joint statement", "Report of the meeting"]
    statement_item = section.partition("Joint Statement</a>")[2].split("<h3>")[0]
    assert re.findall(r'hreflang="(\w+)">(\w+)</a>', statement_item)[:2] == [
        ("en", "English"),
        ("zh", "Chinese"),
    ]
    assert "(PDF, " in statement_item and "(DOCX, " in statement_item
    assert 'class="doc-annexes"' in statement_item and "SPACE 2025" in statement_item
    later_section = client.get(f"/meetings/{later.id}").text.split('id="documents"')[1]
    assert "Tabled here, adopted later" in later_section
    assert "Adopted here; tabled at" in later_section and "2nd NFP Meeting" in later_section


def test_draft_is_seen_by_the_body_staff_only(app, client, som):
    mech, body, held, _coming = som
    draft = factories.document(body, meeting=held, title="Draft report", status="draft")
    url = f"/documents/{draft.id}"
    assert client.get(url).status_code == 404
    assert "Draft report" not in client.get(f"/meetings/{held.id}").text
    sign_in(client, factories.delegate_of(mech))
    assert client.get(url).status_code == 404
    manager = app.test_client()
    sign_in(manager, factories.manager_of(body))
    page = manager.get(url).text
    assert "Draft report" in page and f'href="/documents/{draft.id}/edit"' in page
    assert "Draft report" in manager.get(f"/meetings/{held.id}").text


def test_document_of_a_closed_session_is_hidden_from_delegates(app, client, som):
    mech, body, held, _coming = som
    closed = factories.session(
        held, title="Senior officials", visibility="secretariat", day=date(2020, 8, 6)
    )
    document = factories.document(body, meeting=held, session_id=closed.id, title="Room paper")
    sign_in(client, factories.delegate_of(mech))
    assert client.get(f"/documents/{document.id}").status_code == 404
    assert "Room paper" not in client.get(f"/meetings/{held.id}").text
    staff = app.test_client()
    sign_in(staff, factories.secretariat_of(mech))
    assert "Senior officials" in staff.get(f"/documents/{document.id}").text


def test_download_headers(app, client, som):
    mech, body, held, _coming = som
    docx, pdf = samples.docx(), samples.pdf()
    public = factories.document(body, meeting=held, upload=("Note <1>.docx", docx))
    members = factories.document(
        body, meeting=held, visibility="members", upload=("Members.pdf", pdf)
    )
    url = links_of(client.get(f"/documents/{public.id}").text, public)[0]
    response = client.get(url)
    assert response.headers["Content-Type"] == DOCX
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=\"Note 1.docx\"; filename*=UTF-8''Note%20%3C1%3E.docx"
    )
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "public, no-cache"
    etag = response.headers["ETag"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert (again.status_code, again.data) == (304, b"")
    assert client.get(url.replace("/Note", "/Other")).data == docx
    other_file = members.files[0].id
    assert client.get(f"/documents/{public.id}/files/{other_file}/x.pdf").status_code == 404
    member_url = f"/documents/{members.id}/files/{other_file}/Members.pdf"
    assert client.get(member_url).status_code == 404
    sign_in(client, factories.delegate_of(mech))
    response = client.get(member_url)
    assert response.headers["Content-Disposition"].startswith("inline;")
    assert response.headers["Cache-Control"] == "private"
    assert response.data == pdf


def test_delete_hides_the_document_and_keeps_its_audit_trail(app, client, som):
    mech, body, held, _coming = som
    document = factories.document(
        body, meeting=held, title="Obsolete note", upload=("Note.pdf", samples.pdf())
    )
    file_url = f"/documents/{document.id}/files/{document.files[0].id}/Note.pdf"
    audit_before = db.session.scalars(
        sa.select(AuditEntry)
        .where(AuditEntry.entity_type == "document", AuditEntry.entity_id == document.id)
        .order_by(AuditEntry.id)
    ).all()
    assert audit_before[0].action is AuditAction.CREATE
    sign_in(client, factories.secretariat_of(mech))
    confirm = client.get(f"/documents/{document.id}/delete").text
    assert "Delete “Obsolete note”?" in confirm
    response = client.post(f"/documents/{document.id}/delete")
    assert response.headers["Location"] == f"/meetings/{held.id}"
    assert "“Obsolete note” deleted." in client.get(response.headers["Location"]).text
    for url in (f"/documents/{document.id}", file_url, f"/documents/{document.id}/edit"):
        assert client.get(url).status_code == 404
    assert "Obsolete note" not in client.get(f"/meetings/{held.id}").text
    entries = db.session.scalars(
        sa.select(AuditEntry)
        .where(AuditEntry.entity_type == "document", AuditEntry.entity_id == document.id)
        .order_by(AuditEntry.id)
    ).all()
    assert [e.id for e in entries[:-1]] == [e.id for e in audit_before]
    assert entries[-1].action is AuditAction.UPDATE and "deleted_at" in entries[-1].changes
    assert stored_files(app) != []


def test_delete_refused_while_annexes_remain(client, som):
    mech, body, held, _coming = som
    parent = factories.document(body, meeting=held, title="Joint Statement")
    factories.document(body, meeting=held, title="Annex I", symbol="A-1", parent_id=parent.id)
    sign_in(client, factories.secretariat_of(mech))
    response = client.post(f"/documents/{parent.id}/delete")
    assert response.status_code == 200
    assert "Delete or detach its annexes first: A-1." in response.text
    assert client.get(f"/documents/{parent.id}").status_code == 200


def test_staff_pages_refuse_other_people(app, client, som):
    mech, body, held, _coming = som
    document = factories.document(body, meeting=held, title="Public note")
    draft = factories.document(body, meeting=held, title="Draft note", status="draft")
    sign_in(client, factories.delegate_of(mech))
    for action in ("edit", "files/new", "adopt", "delete"):
        assert client.get(f"/documents/{document.id}/{action}").status_code == 403
        assert client.post(f"/documents/{document.id}/{action}").status_code == 403
        assert client.get(f"/documents/{draft.id}/{action}").status_code == 404
    assert client.get(f"/meetings/{held.id}/documents/new").status_code == 403
    assert client.get(f"/bodies/{body.slug}/documents/new").status_code == 403
    assert "Add a document" not in client.get(f"/meetings/{held.id}").text
    page = client.get(f"/documents/{document.id}").text
    assert f"/documents/{document.id}/edit" not in page
    anonymous = app.test_client().get(f"/documents/{document.id}/edit")
    assert anonymous.status_code == 302 and "/sign-in" in anonymous.headers["Location"]


def test_edit_keeps_values_and_saves(client, som):
    mech, body, held, _coming = som
    document = factories.document(
        body, meeting=held, title="Old title", symbol="X/1", adopted_on="2020-08", status="adopted"
    )
    sign_in(client, factories.secretariat_of(mech))
    form = client.get(f"/documents/{document.id}/edit").text
    assert 'value="Old title"' in form and 'value="2020-08"' in form
    assert 'name="file"' not in form
    data = document_form(held, symbol="X/1", title="New title", status="adopted")
    data.update(adopted_on="2020-08")
    response = client.post(f"/documents/{document.id}/edit", data=data)
    assert response.headers["Location"] == f"/documents/{document.id}"
    page = client.get(f"/documents/{document.id}").text
    assert "New title" in page and "August 2020" in page


def test_mark_adopted_at_a_later_meeting(client, som):
    mech, body, held, _coming = som
    later = factories.meeting(body, number=3, title="3rd NFP Meeting", start="2021-08", end="")
    document = factories.document(body, meeting=held, type="strategic_plan", status="for_comment")
    sign_in(client, factories.secretariat_of(mech))
    form = client.get(f"/documents/{document.id}/adopt").text
    assert f'<option selected value="{held.id}">' in form
    response = client.post(f"/documents/{document.id}/adopt", data={"adopted_at_id": later.id})
    assert response.headers["Location"] == f"/documents/{document.id}"
    page = client.get(f"/documents/{document.id}").text
    assert "Adopted at" in page and "3rd NFP Meeting" in page
    assert db.session.get(Document, document.id).status is DocumentStatus.ADOPTED


def test_body_page_lists_documents_not_tied_to_a_meeting(client, som):
    _mech, body, held, _coming = som
    factories.document(body, title="Rules of procedure", type="information")
    factories.document(body, meeting=held, title="Tabled report", type="report")
    page = client.get(f"/bodies/{body.slug}").text.split('id="documents"')[1]
    assert "Rules of procedure" in page and "Tabled report" not in page
    assert f'href="/bodies/{body.slug}/documents"' in page
    everything = client.get(f"/bodies/{body.slug}/documents").text
    assert everything.index("2nd NFP Meeting") < everything.index("Tabled report")
    assert everything.index("Not tied to a meeting") < everything.index("Rules of procedure")


def _add_documents(body, meeting, start: int, stop: int) -> None:
    """Per n: a document with a file and an annex, one adopted here but tabled at an earlier
    meeting of its own, and one of the body alone."""
    for n in range(start, stop):
        parent = factories.document(
            body,
            meeting=meeting,
            type=["agenda", "report", "joint_statement"][n % 3],
            symbol=f"DOC/{n}",
            upload=(f"D{n}.pdf", samples.pdf_with_text(f"Document {n}")),
        )
        factories.document(body, meeting=meeting, type="annex", parent_id=parent.id, title=f"A{n}")
        earlier = factories.meeting(
            body, number=100 + n, title=f"Earlier {n}", start="2019", end=""
        )
        factories.document(
            body, meeting=earlier, title=f"Adopted {n}", status="adopted", adopted_at_id=meeting.id
        )
        factories.document(body, title=f"Body note {n}", upload=(f"B{n}.txt", samples.TEXT))


def _count(client, urls: list[str]) -> tuple[dict[str, int], str]:
    counts, texts = {}, []
    for url in urls:
        with count_queries() as statements:
            response = client.get(url)
        assert response.status_code == 200, url
        counts[url], texts = len(statements), [*texts, response.text]
    return counts, "".join(texts)


@pytest.mark.parametrize("who", ["anonymous", "secretariat"])
def test_meeting_page_query_count_does_not_grow(client, som, who):
    mech, body, held, _coming = som
    if who == "secretariat":
        sign_in(client, factories.secretariat_of(mech))
    urls = [f"/meetings/{held.id}", f"/bodies/{body.slug}", f"/bodies/{body.slug}/documents"]
    _add_documents(body, held, 0, 2)
    small, _ = _count(client, urls)
    _add_documents(body, held, 2, 20)
    large, text = _count(client, urls)
    assert large == small
    assert all(name in text for name in ("DOC/19", "A19", "Earlier 19", "Body note 19"))


def test_a_request_far_over_the_limit_gets_a_page_that_says_so(app, client):
    meeting = factories.meeting(status="held", start="2025-09-02")
    document = factories.document(meeting=meeting)
    sign_in(client, factories.secretariat_of(meeting.body.mechanism))
    # The body announces its size, as browsers do; it is refused before being read.
    response = client.post(
        f"/documents/{document.id}/files/new",
        data={"language": "en", "file": (io.BytesIO(b"x" * 100), "huge.txt")},
        environ_overrides={"CONTENT_LENGTH": str(app.config["MAX_CONTENT_LENGTH"] + 1)},
    )
    assert response.status_code == 413
    assert "larger than this site accepts (20 MB for a file)" in response.text
    assert document.files == []

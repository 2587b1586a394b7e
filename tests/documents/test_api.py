"""/api/v1/documents: who sees which documents, writes by the body's staff, uploads and
downloads of files by language and revision."""

import io
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from meetings.documents.models import Document, DocumentFile
from tests import factories
from tests.api.test_write_api import bearer
from tests.conftest import sign_in
from tests.documents import samples
from tests.test_query_counts import count_queries

URL = "/api/v1/documents"


@pytest.fixture
def mech(app):
    return factories.mechanism(short_name="NEASPEC")


@pytest.fixture
def body(mech):
    return factories.body(mech)


@pytest.fixture
def meeting(body):
    return factories.meeting(body, number=23, start="2025-09-02", end="2025-09-05", status="held")


@pytest.fixture
def staff(mech):
    return bearer(factories.secretariat_of(mech))


@pytest.fixture
def delegate(mech):
    return bearer(factories.delegate_of(mech))


def count(db, model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def titles(response) -> list[str]:
    return sorted(d["title"] for d in response.json["items"])


def upload(client, document_id, headers, data, filename="report.pdf", **form):
    fields = {"file": (io.BytesIO(data), filename), **form}
    return client.post(
        f"{URL}/{document_id}/files",
        data=fields,
        headers=headers,
        content_type="multipart/form-data",
    )


def stored_files(app) -> list[Path]:
    root = Path(app.config["DOCUMENT_STORAGE_PATH"])
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


# Reading


def test_anonymous_list_shows_public_non_draft_documents_only(client, meeting):
    factories.document(meeting=meeting, title="Agenda", type="agenda")
    factories.document(meeting=meeting, title="Draft report", type="report", status="draft")
    factories.document(meeting=meeting, title="Internal note", visibility="secretariat")
    closed = factories.session(
        meeting, title="Closed", day=date(2025, 9, 2), visibility="secretariat"
    )
    factories.document(meeting=meeting, title="Closed-session note", session_id=closed.id)
    response = client.get(URL)
    assert response.status_code == 200
    assert titles(response) == ["Agenda"]
    assert (response.json["total"], response.json["page"], response.json["next"]) == (1, 1, None)


def test_staff_token_sees_drafts_and_restricted_documents(client, meeting, staff):
    factories.document(meeting=meeting, title="Agenda", type="agenda")
    factories.document(meeting=meeting, title="Draft report", type="report", status="draft")
    factories.document(meeting=meeting, title="Internal note", visibility="secretariat")
    response = client.get(URL, headers=staff)
    assert titles(response) == ["Agenda", "Draft report", "Internal note"]


def test_session_cookie_reads_as_its_person(client, body, meeting):
    factories.document(meeting=meeting, title="Draft report", type="report", status="draft")
    sign_in(client, factories.manager_of(body))
    assert titles(client.get(URL)) == ["Draft report"]


def test_list_filters_by_meeting_type_status_and_year(client, body, meeting, staff):
    other = factories.meeting(body, number=22, start="2024-10-01", end="2024-10-02")
    factories.document(meeting=meeting, title="Agenda", type="agenda")
    factories.document(meeting=meeting, title="Report", type="report", status="for_comment")
    factories.document(meeting=other, title="Old agenda", type="agenda")
    by_meeting = client.get(URL, query_string={"meeting": meeting.id})
    assert titles(by_meeting) == ["Agenda", "Report"]
    both = client.get(URL, query_string={"meeting": meeting.id, "type": "report"})
    assert titles(both) == ["Report"]
    repeated = client.get(URL, query_string=[("type", "agenda"), ("type", "report")])
    assert titles(repeated) == ["Agenda", "Old agenda", "Report"]
    assert titles(client.get(URL, query_string={"status": "for_comment"})) == ["Report"]
    assert titles(client.get(URL, query_string={"year": 2024})) == ["Old agenda"]
    assert titles(client.get(URL, query_string={"body": body.slug, "q": "old"})) == ["Old agenda"]


def test_list_pages_keep_the_filters(client, meeting):
    for n in range(3):
        factories.document(meeting=meeting, title=f"Note {n}")
    response = client.get(URL, query_string={"page_size": 2, "meeting": meeting.id})
    data = response.json
    assert (len(data["items"]), data["total"]) == (2, 3)
    assert data["next"] == f"http://meetings.test{URL}?page_size=2&meeting={meeting.id}&page=2"
    assert len(client.get(data["next"]).json["items"]) == 1


@pytest.mark.parametrize(
    ("args", "name"),
    [
        ({"colour": "red"}, "colour"),
        ({"type": "minutes"}, "type"),
        ({"language": "xx"}, "language"),
        ({"body": "nowhere"}, "body"),
        ({"mechanism": "nowhere"}, "mechanism"),
        ({"meeting": 999}, "meeting"),
    ],
)
def test_bad_query_arguments_are_a_422_naming_them(client, meeting, args, name):
    response = client.get(URL, query_string=args)
    assert response.status_code == 422
    assert list(response.json["errors"]["query"]) == [name]


def test_document_detail_shows_links_files_and_revisions(client, body, meeting, staff):
    successor = factories.document(meeting=meeting, title="Revised plan", symbol="P/2")
    plan = factories.document(
        meeting=meeting,
        title="Work plan",
        type="work_plan",
        symbol="P/1",
        superseded_by_id=successor.id,
        upload=("plan.pdf", samples.pdf()),
    )
    annex = factories.document(meeting=meeting, title="Annex I", type="annex", parent_id=plan.id)
    factories.document(meeting=meeting, title="Draft annex", status="draft", parent_id=plan.id)
    upload(client, plan.id, staff, samples.pdf() + b"\n", filename="plan v2.pdf")
    upload(client, plan.id, staff, samples.TEXT, filename="plan.txt", language="zh")

    data = client.get(f"{URL}/{plan.id}").json
    assert (data["status"], data["symbol"], data["body"]["slug"]) == (
        "superseded",
        "P/1",
        body.slug,
    )
    assert data["mechanism"]["short_name"] == "NEASPEC"
    assert data["meeting"] == {
        "id": meeting.id,
        "title": meeting.title,
        "url": f"http://meetings.test/meetings/{meeting.id}",
    }
    assert data["superseded_by"]["symbol"] == "P/2"
    assert [a["title"] for a in data["annexes"]] == [annex.title]
    assert [(f["language"], f["revision"]) for f in data["files"]] == [("en", 2), ("zh", 1)]
    assert [(f["language"], f["revision"]) for f in data["revisions"]] == [
        ("en", 2),
        ("en", 1),
        ("zh", 1),
    ]
    first = data["revisions"][1]
    assert (first["filename"], first["kind"], first["size"]) == (
        "plan.pdf",
        "pdf",
        len(samples.pdf()),
    )
    assert (
        first["download_url"] == f"http://meetings.test{URL}/{plan.id}/files/{first['id']}/content"
    )
    assert [d["title"] for d in client.get(f"{URL}/{successor.id}").json["supersedes"]] == [
        "Work plan"
    ]
    staff_view = client.get(f"{URL}/{plan.id}", headers=staff).json
    assert [a["title"] for a in staff_view["annexes"]] == ["Annex I", "Draft annex"]


def test_adoption_is_given_to_its_precision(client, body):
    declaration = factories.document(
        body, title="Declaration", type="declaration", status="adopted", adopted_on="2019-09"
    )
    data = client.get(f"{URL}/{declaration.id}").json
    assert (data["adopted_on"], data["adopted_on_precision"], data["adopted_at"]) == (
        "2019-09",
        "month",
        None,
    )
    assert (data["meeting"], data["year"]) == (None, 2019)


def test_adopted_at_a_meeting_names_it(client, meeting):
    report = factories.document(
        meeting=meeting, title="Report", type="report", status="adopted", adopted_at_id=meeting.id
    )
    data = client.get(f"{URL}/{report.id}").json
    assert data["adopted_at"]["id"] == meeting.id
    assert (data["adopted_on"], data["year"]) == (None, 2025)


def test_delegate_gets_404_on_a_draft_and_403_on_create(client, db, body, meeting, delegate):
    draft = factories.document(meeting=meeting, title="Draft report", status="draft")
    assert client.get(f"{URL}/{draft.id}", headers=delegate).status_code == 404
    new = {"body_id": body.id, "type": "agenda", "title": "Agenda"}
    assert client.post(URL, json=new, headers=delegate).status_code == 403
    assert (
        client.patch(f"{URL}/{draft.id}", json={"title": "X"}, headers=delegate).status_code == 404
    )
    assert count(db, Document) == 1


def test_missing_or_deleted_document_is_a_404(client, meeting, staff):
    gone = factories.document(meeting=meeting, title="Old")
    assert client.delete(f"{URL}/{gone.id}", headers=staff).status_code == 204
    assert client.get(f"{URL}/{gone.id}", headers=staff).status_code == 404
    assert client.get(f"{URL}/99999").status_code == 404


# Writing


def test_staff_create_patch_and_delete_a_document(client, db, body, meeting, staff):
    new = {
        "body_id": body.id,
        "meeting_id": meeting.id,
        "type": "report",
        "symbol": "NEASPEC/SOM-23/3",
        "title": "Report of the meeting",
        "status": "for_comment",
    }
    response = client.post(URL, json=new, headers=staff)
    assert response.status_code == 201
    data = response.json
    location = response.headers["Location"]
    assert location == f"http://meetings.test{URL}/{data['id']}"
    assert (data["status"], data["meeting"]["id"], data["files"]) == ("for_comment", meeting.id, [])

    response = client.patch(
        location, json={"status": "adopted", "adopted_at_id": meeting.id}, headers=staff
    )
    assert response.status_code == 200
    data = response.json
    assert (data["status"], data["adopted_at"]["id"], data["symbol"], data["title"]) == (
        "adopted",
        meeting.id,
        "NEASPEC/SOM-23/3",
        "Report of the meeting",
    )

    response = client.delete(location, headers=staff)
    assert (response.status_code, response.data) == (204, b"")
    assert client.get(location).status_code == 404
    assert db.session.get(Document, data["id"]).deleted_at is not None


def test_body_manager_creates_documents_of_their_body_only(client, db, body, mech):
    manager = bearer(factories.manager_of(body))
    other = factories.body(mech, slug="other", short_name="WG")
    new = {"type": "agenda", "title": "Agenda", "status": "issued"}
    assert client.post(URL, json={**new, "body_id": body.id}, headers=manager).status_code == 201
    assert client.post(URL, json={**new, "body_id": other.id}, headers=manager).status_code == 403
    assert count(db, Document) == 1


def test_duplicate_symbol_is_a_422_naming_symbol_and_nothing_is_saved(client, db, body, staff):
    factories.document(body, title="Agenda", symbol="SOM-23/1")
    new = {"body_id": body.id, "type": "report", "title": "Report", "symbol": "som-23/1"}
    response = client.post(URL, json=new, headers=staff)
    assert response.status_code == 422
    assert list(response.json["errors"]["json"]) == ["symbol"]
    assert count(db, Document) == 1


def test_input_errors_name_the_fields(client, db, body, meeting, staff):
    bad = {"body_id": body.id, "type": "memo", "title": "", "colour": "red"}
    response = client.post(URL, json=bad, headers=staff)
    assert response.status_code == 422
    assert set(response.json["errors"]["json"]) == {"type", "colour"}
    bad = {"body_id": body.id, "type": "report", "title": "R", "status": "adopted"}
    response = client.post(URL, json=bad, headers=staff)
    assert (response.status_code, list(response.json["errors"]["json"])) == (422, ["adopted_at_id"])
    assert count(db, Document) == 0


def test_unknown_or_hidden_body_is_a_422_naming_body_id(client, db, mech, staff):
    hidden = factories.body(factories.mechanism(visibility="secretariat"))
    for body_id in (hidden.id, 99999):
        new = {"body_id": body_id, "type": "agenda", "title": "Agenda"}
        response = client.post(URL, json=new, headers=staff)
        assert (response.status_code, list(response.json["errors"]["json"])) == (422, ["body_id"])


def test_links_to_documents_the_writer_may_not_see_are_a_422(client, db, mech, body):
    hidden_body = factories.body(mech, visibility="secretariat")
    hidden = factories.document(hidden_body, title="Secret plan")
    manager = bearer(factories.manager_of(body))
    new = {"body_id": body.id, "type": "annex", "title": "Annex", "parent_id": hidden.id}
    response = client.post(URL, json=new, headers=manager)
    assert (response.status_code, list(response.json["errors"]["json"])) == (422, ["parent_id"])


def test_patch_keeps_fields_left_out(client, meeting, staff):
    doc = factories.document(meeting=meeting, title="Agenda", type="agenda", symbol="A/1")
    response = client.patch(f"{URL}/{doc.id}", json={"description": "Annotated"}, headers=staff)
    data = response.json
    assert (data["title"], data["type"], data["symbol"], data["description"]) == (
        "Agenda",
        "agenda",
        "A/1",
        "Annotated",
    )
    assert data["meeting"]["id"] == meeting.id


def test_a_document_with_annexes_is_not_deleted(client, db, meeting, staff):
    plan = factories.document(meeting=meeting, title="Plan")
    factories.document(meeting=meeting, title="Annex", type="annex", parent_id=plan.id)
    response = client.delete(f"{URL}/{plan.id}", headers=staff)
    assert response.status_code == 409
    assert db.session.get(Document, plan.id).deleted_at is None


def test_read_token_cannot_write(client, db, body, meeting, mech):
    reader = bearer(factories.secretariat_of(mech), scope="read")
    doc = factories.document(meeting=meeting, title="Agenda")
    new = {"body_id": body.id, "type": "agenda", "title": "Another"}
    assert client.get(f"{URL}/{doc.id}", headers=reader).status_code == 200
    assert client.post(URL, json=new, headers=reader).status_code == 403
    assert client.patch(f"{URL}/{doc.id}", json={"title": "X"}, headers=reader).status_code == 403
    assert client.delete(f"{URL}/{doc.id}", headers=reader).status_code == 403
    assert upload(client, doc.id, reader, samples.pdf()).status_code == 403
    assert (count(db, Document), count(db, DocumentFile)) == (1, 0)


def test_anonymous_writes_are_a_401(client, db, body, meeting):
    doc = factories.document(meeting=meeting, title="Agenda")
    new = {"body_id": body.id, "type": "agenda", "title": "Another"}
    assert client.post(URL, json=new).status_code == 401
    assert client.delete(f"{URL}/{doc.id}").status_code == 401
    assert upload(client, doc.id, {}, samples.pdf()).status_code == 401


# Files


def test_upload_and_second_revision_both_download(app, client, db, meeting, staff):
    doc = factories.document(meeting=meeting, title="Agenda")
    first, second = samples.pdf(), samples.pdf_with_text("Provisional agenda")
    response = upload(client, doc.id, staff, first, note="As circulated")
    assert response.status_code == 201
    data = response.json
    assert (data["language"], data["revision"], data["note"], data["size"]) == (
        "en",
        1,
        "As circulated",
        len(first),
    )
    assert response.headers["Location"] == data["download_url"]
    response = upload(client, doc.id, staff, second, filename="agenda.pdf")
    assert (response.status_code, response.json["revision"]) == (201, 2)
    assert client.get(data["download_url"]).data == first
    assert client.get(response.headers["Location"]).data == second
    assert len(stored_files(app)) == 2


def test_html_upload_is_a_422_naming_file_and_nothing_is_stored(app, client, db, meeting, staff):
    doc = factories.document(meeting=meeting, title="Agenda")
    response = upload(client, doc.id, staff, samples.HTML, filename="agenda.pdf")
    assert response.status_code == 422
    assert list(response.json["errors"]) == ["files"]
    [message] = response.json["errors"]["files"]["file"]
    assert message.startswith("“agenda.pdf” is")
    assert count(db, DocumentFile) == 0
    assert stored_files(app) == []


@pytest.mark.parametrize(
    ("data", "filename", "start"),
    [
        (b"", "empty.pdf", "“empty.pdf” is empty."),
        (samples.EXE, "setup.pdf", "“setup.pdf” is"),
        (samples.SVG, "logo.svg", "“logo.svg” is"),
        (samples.png(), "photo.pdf", "The content of “photo.pdf” does not match"),
    ],
)
def test_refused_files_say_why(app, client, db, meeting, staff, data, filename, start):
    doc = factories.document(meeting=meeting, title="Agenda")
    response = upload(client, doc.id, staff, data, filename=filename)
    assert response.status_code == 422
    assert response.json["errors"]["files"]["file"][0].startswith(start)
    assert (count(db, DocumentFile), stored_files(app)) == (0, [])


def test_too_large_file_is_refused(app, client, db, meeting, staff):
    app.config["DOCUMENT_MAX_BYTES"] = 1024
    doc = factories.document(meeting=meeting, title="Agenda")
    response = upload(client, doc.id, staff, samples.TEXT * 100, filename="minutes.txt")
    assert response.status_code == 422
    assert "larger than" in response.json["errors"]["files"]["file"][0]
    assert count(db, DocumentFile) == 0


def test_bad_language_or_missing_file_is_a_422_naming_it(client, db, meeting, staff):
    doc = factories.document(meeting=meeting, title="Agenda")
    response = upload(client, doc.id, staff, samples.pdf(), language="xx")
    assert (response.status_code, response.json["errors"]) == (
        422,
        {"form": {"language": response.json["errors"]["form"]["language"]}},
    )
    assert response.json["errors"]["form"]["language"][0].startswith("Choose one of: en")
    response = client.post(
        f"{URL}/{doc.id}/files",
        data={"language": "en"},
        headers=staff,
        content_type="multipart/form-data",
    )
    assert (response.status_code, list(response.json["errors"]["files"])) == (422, ["file"])
    assert count(db, DocumentFile) == 0


def test_download_headers_etag_and_304(client, meeting, staff):
    doc = factories.document(meeting=meeting, title="Agenda")
    pdf = upload(client, doc.id, staff, samples.pdf(), filename="agenda.pdf").json
    budget = samples.xlsx()  # made once: openpyxl stamps the time into each workbook
    xlsx = upload(client, doc.id, staff, budget, filename="budget.xlsx", language="ru")
    response = client.get(pdf["download_url"])
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"].startswith('inline; filename="agenda.pdf"')
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    etag = response.headers["ETag"]
    again = client.get(pdf["download_url"], headers={"If-None-Match": etag})
    assert (again.status_code, again.data, again.headers["ETag"]) == (304, b"", etag)
    response = client.get(xlsx.headers["Location"])
    assert response.headers["Content-Disposition"].startswith('attachment; filename="budget.xlsx"')
    assert response.data == budget


def test_download_of_a_hidden_document_or_another_documents_file_is_a_404(client, meeting, staff):
    draft = factories.document(meeting=meeting, title="Draft", status="draft")
    other = factories.document(meeting=meeting, title="Agenda")
    url = upload(client, draft.id, staff, samples.pdf()).json["download_url"]
    assert client.get(url, headers=staff).status_code == 200
    assert client.get(url).status_code == 404
    file_id = url.split("/")[-2]
    assert client.get(f"{URL}/{other.id}/files/{file_id}/content").status_code == 404


def _grow_documents(mech, n: int) -> None:
    """n bodies of the mechanism, each with a held meeting, an adopted report with a file and
    two annexes."""
    for _ in range(n):
        held = factories.meeting(factories.body(mech), start="2024-05-01", status="held")
        report = factories.document(
            meeting=held,
            title="Report",
            type="report",
            status="adopted",
            adopted_at_id=held.id,
            upload=("report.txt", samples.TEXT),
        )
        for _ in range(2):
            factories.document(meeting=held, title="Annex", type="annex", parent_id=report.id)


def _statements(client, urls: list[str]) -> list[int]:
    counts = []
    for url in urls:
        with count_queries() as statements:
            assert client.get(url).status_code == 200, url
        counts.append(len(statements))
    return counts


def test_list_and_search_query_counts_do_not_grow(client, mech):
    urls = [URL, f"{URL}?q=report", "/api/v1/search?q=report"]
    _grow_documents(mech, 1)
    few = _statements(client, urls)
    _grow_documents(mech, 4)
    assert _statements(client, urls) == few

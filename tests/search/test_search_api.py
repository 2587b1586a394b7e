"""/api/v1/search: documents by the words of their files, meetings by place, as each may see."""

import pytest

from tests import factories
from tests.api.test_write_api import bearer
from tests.conftest import sign_in
from tests.documents import samples

URL = "/api/v1/search"


@pytest.fixture
def mech(app):
    return factories.mechanism(short_name="NEASPEC")


@pytest.fixture
def body(mech):
    return factories.body(mech)


@pytest.fixture
def meeting(body):
    return factories.meeting(
        body, number=23, start="2025-09-02", end="2025-09-05", city="Ulaanbaatar", status="held"
    )


def found(response) -> tuple[list[str], list[str]]:
    """Titles of the documents and of the meetings found."""
    assert response.status_code == 200
    data = response.json
    return (
        [d["title"] for d in data["documents"]["items"]],
        [m["title"] for m in data["meetings"]["items"]],
    )


def test_finds_a_document_by_a_word_of_its_pdf(client, meeting):
    pdf = samples.pdf_with_text("Transboundary dust and sandstorms in the region")
    factories.document(meeting=meeting, title="Information note", upload=("note.pdf", pdf))
    factories.document(meeting=meeting, title="Agenda", type="agenda")
    data = client.get(URL, query_string={"q": "sandstorm"}).json
    assert [d["title"] for d in data["documents"]["items"]] == ["Information note"]
    assert data["documents"]["items"][0]["files"][0]["filename"] == "note.pdf"
    assert (data["documents"]["total"], data["meetings"]["total"]) == (1, 0)


def test_finds_a_meeting_by_its_city(client, meeting, body):
    factories.meeting(body, number=22, start="2024-10-01", end="2024-10-02", city="Incheon")
    data = client.get(URL, query_string={"q": "ulaanbaatar"}).json
    assert [m["id"] for m in data["meetings"]["items"]] == [meeting.id]
    assert data["meetings"]["items"][0]["city"] == "Ulaanbaatar"
    assert data["documents"] == {
        "items": [],
        "page": 1,
        "page_size": 50,
        "total": 0,
        "next": None,
        "previous": None,
    }


def test_documents_only_filters_leave_meetings_out(client, meeting):
    factories.document(meeting=meeting, title="Ulaanbaatar declaration", type="declaration")
    assert found(client.get(URL, query_string={"q": "ulaanbaatar"})) == (
        ["Ulaanbaatar declaration"],
        [meeting.title],
    )
    for args in ({"type": "declaration"}, {"status": "issued"}):
        response = client.get(URL, query_string={"q": "ulaanbaatar", **args})
        assert found(response) == (["Ulaanbaatar declaration"], [])
    assert found(client.get(URL, query_string={"q": "ulaanbaatar", "language": "en"})) == ([], [])
    assert found(client.get(URL, query_string={"q": "ulaanbaatar", "type": "report"})) == ([], [])


def test_filters_by_mechanism_body_and_year(client, mech, body, meeting):
    other = factories.body(factories.mechanism(), slug="other-som")
    factories.meeting(other, number=5, start="2025-06-01", end="2025-06-02", city="Ulaanbaatar")
    factories.document(meeting=meeting, title="Report", type="report")
    assert len(found(client.get(URL, query_string={"q": "ulaanbaatar"}))[1]) == 2
    by_mechanism = client.get(URL, query_string={"q": "ulaanbaatar", "mechanism": mech.slug})
    assert found(by_mechanism)[1] == [meeting.title]
    assert found(client.get(URL, query_string={"body": body.slug, "year": 2025})) == (
        ["Report"],
        [meeting.title],
    )
    assert found(client.get(URL, query_string={"body": body.slug, "year": 2024})) == ([], [])


def test_anonymous_finds_public_things_only(client, mech, body, meeting):
    factories.document(meeting=meeting, title="Dust report", type="report")
    factories.document(meeting=meeting, title="Dust draft", type="report", status="draft")
    factories.document(meeting=meeting, title="Dust memo", visibility="secretariat")
    hidden = factories.meeting(
        body, number=24, start="2026-09-01", city="Ulaanbaatar", visibility="secretariat"
    )
    assert found(client.get(URL, query_string={"q": "dust"}))[0] == ["Dust report"]
    assert found(client.get(URL, query_string={"q": "ulaanbaatar"}))[1] == [meeting.title]

    staff = bearer(factories.secretariat_of(mech))
    documents = found(client.get(URL, query_string={"q": "dust"}, headers=staff))[0]
    assert sorted(documents) == ["Dust draft", "Dust memo", "Dust report"]
    meetings = found(client.get(URL, query_string={"q": "ulaanbaatar"}, headers=staff))[1]
    assert meetings == [hidden.title, meeting.title]

    delegate = bearer(factories.delegate_of(mech), scope="read")
    assert found(client.get(URL, query_string={"q": "dust"}, headers=delegate))[0] == [
        "Dust report"
    ]


def test_session_cookie_searches_as_its_person(client, body, meeting):
    factories.document(meeting=meeting, title="Dust draft", type="report", status="draft")
    assert found(client.get(URL, query_string={"q": "dust"}))[0] == []
    sign_in(client, factories.manager_of(body))
    assert found(client.get(URL, query_string={"q": "dust"}))[0] == ["Dust draft"]


def test_pages_of_both_lists(client, body, meeting):
    for n in range(3):
        factories.document(meeting=meeting, title=f"Ulaanbaatar note {n}")
    data = client.get(URL, query_string={"q": "ulaanbaatar", "page_size": 2}).json
    assert (len(data["documents"]["items"]), data["documents"]["total"]) == (2, 3)
    assert (
        data["documents"]["next"] == f"http://meetings.test{URL}?q=ulaanbaatar&page_size=2&page=2"
    )
    assert (data["meetings"]["total"], data["meetings"]["next"]) == (1, None)
    following = client.get(data["documents"]["next"]).json
    assert (len(following["documents"]["items"]), following["meetings"]["items"]) == (1, [])


@pytest.mark.parametrize(
    ("args", "name"),
    [
        ({"per_page": 5}, "per_page"),
        ({"meeting": 1}, "meeting"),
        ({"year": "last"}, "year"),
        ({"body": "nowhere"}, "body"),
    ],
)
def test_bad_arguments_are_a_422_naming_them(client, meeting, args, name):
    response = client.get(URL, query_string=args)
    assert response.status_code == 422
    assert list(response.json["errors"]["query"]) == [name]

"""One rule for personal data (policies.can_see_personal_data), everywhere it is shown.

Email, job title, organisation and country of a registered person go to the person, the NFP
of their delegation in the meeting's mechanism, the mechanism's secretariat and
administrators. Everyone else who may see a list (a body's managers) sees names, categories,
delegations and statuses, and is told why the rest is missing.
"""

import contextlib
import csv
import io
import re
import zlib
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook

from meetings.access import policies
from meetings.access.principal import ANONYMOUS, Principal, principal_for
from meetings.accounts.services import grant_role
from meetings.extensions import db as _db
from meetings.participants.models import Participant
from meetings.registrations import exports, services
from meetings.registrations.models import Registration
from tests import factories
from tests.api.test_write_api import bearer
from tests.conftest import sign_in
from tests.test_query_counts import count_queries

NOTE = policies.PERSONAL_DATA_NOTE
PEOPLE = {
    # name: (email, title, organisation, fields)
    "Tanaka Head": (
        "tanaka@jp.example",
        "Director",
        "Ministry of Environment JP",
        {"category": "delegation", "delegation_country": "JP", "delegation_role": "head"},
    ),
    "Lee Head": (
        "lee@kr.example",
        "Deputy Director",
        "Ministry of Environment KR",
        {"category": "delegation", "delegation_country": "KR", "delegation_role": "head"},
    ),
    "Green Person": (
        "green@ngo.example",
        "Campaigner",
        "Green Earth Society",
        {"category": "ngo", "country_code": "TH"},
    ),
}
EMAILS = {name: values[0] for name, values in PEOPLE.items()}
ORGANISATIONS = {name: values[2] for name, values in PEOPLE.items()}


def _register(meeting, name: str, email: str, title: str, organisation: str, **fields):
    new = services.register(
        meeting,
        source="secretariat",
        name=name,
        email=email,
        title=title,
        organisation=organisation,
        **fields,
    )
    return new.registration


@pytest.fixture
def world(db):
    """A meeting with a JP and a KR head of delegation and an NGO person, and one user of
    each kind: who sees what differs by role, not by page."""
    mech = factories.mechanism(member_states="CN JP KR")
    body = factories.body(mech)
    meeting = factories.meeting(body, title="SOM-7")
    services.save_settings(
        meeting,
        opens_at=datetime(2026, 1, 1, tzinfo=UTC),
        closes_at=datetime(2026, 8, 1, tzinfo=UTC),
        categories=["delegation", "ngo", "observer"],
        needs_approval=False,
    )
    for name, (email, title, organisation, fields) in PEOPLE.items():
        _register(meeting, name, email, title, organisation, **fields)
    manager_nfp = factories.manager_of(body)
    grant_role(manager_nfp, role="nfp", mechanism_id=mech.id, country_code="JP")
    other = factories.mechanism(slug="other-mech")
    users = {
        "secretariat": factories.secretariat_of(mech),
        "admin": factories.admin(),
        "manager": factories.manager_of(body),
        "manager and NFP of JP": manager_nfp,
        "NFP of JP": factories.nfp_of(mech, "JP"),
        "NFP of JP elsewhere": factories.nfp_of(other, "JP"),
        "secretariat elsewhere": factories.secretariat_of(other),
        "the NGO person": factories.user(email="green@ngo.example"),
    }
    _db.session.commit()
    return meeting, users


# What each kind of user sees of the three people: the email where personal data show.
SHOWN = {
    "secretariat": {"Tanaka Head", "Lee Head", "Green Person"},
    "admin": {"Tanaka Head", "Lee Head", "Green Person"},
    "manager": set(),
    "manager and NFP of JP": {"Tanaka Head"},
    "NFP of JP": {"Tanaka Head"},
    "NFP of JP elsewhere": set(),
    "secretariat elsewhere": set(),
    "the NGO person": {"Green Person"},
}


def _registrations(meeting) -> dict[str, Registration]:
    rows = _db.session.query(Registration).filter_by(meeting_id=meeting.id)
    return {r.name: r for r in rows}


# The policy itself


@pytest.mark.parametrize("who", list(SHOWN))
def test_the_policy_decides_by_role(world, who):
    meeting, users = world
    p = principal_for(users[who])
    seen = {
        name for name, r in _registrations(meeting).items() if policies.can_see_personal_data(p, r)
    }
    assert seen == SHOWN[who]
    assert policies.can_see_all_personal_data(p, meeting) is (who in ("secretariat", "admin"))


def test_the_public_sees_no_personal_data(world):
    meeting, _ = world
    registrations = _registrations(meeting).values()
    assert not any(policies.can_see_personal_data(ANONYMOUS, r) for r in registrations)
    assert not policies.can_see_all_personal_data(ANONYMOUS, meeting)


def test_the_person_is_matched_by_account_or_by_their_email(world):
    meeting, _ = world
    green = _registrations(meeting)["Green Person"]
    green.user_id = factories.user(email="renamed@example.org").id
    by_account = Principal(user_id=green.user_id, email="renamed@example.org")
    by_email = Principal(user_id=99999, email="GREEN@ngo.example")
    stranger = Principal(user_id=99998, email="someone@example.org")
    assert policies.can_see_personal_data(by_account, green, meeting)
    assert policies.can_see_personal_data(by_email, green, meeting)
    assert not policies.can_see_personal_data(stranger, green, meeting)
    assert not policies.can_see_personal_data(Principal(email="green@ngo.example"), green)


# The participants list: page, CSV, XLSX, PDF


def _client_of(app, users, who):
    client = app.test_client()
    sign_in(client, users[who])
    return client


def _csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def _xlsx(data: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(data)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _pdf_text(data: bytes) -> str:
    """The text of a PDF written with the core (Latin-1) fonts: its strings, in order."""
    text = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        with contextlib.suppress(zlib.error):  # uncompressed streams stay as they are
            stream = zlib.decompress(stream)
        for raw in re.findall(rb"\(((?:\\.|[^\\)])*)\)\s*Tj", stream):
            text.append(re.sub(rb"\\(.)", rb"\1", raw).decode("latin-1"))
    return " ".join(" ".join(text).split())


@pytest.fixture
def core_fonts(monkeypatch, tmp_path):
    """PDFs in Helvetica, whose text stays readable in the file (no font subset)."""
    monkeypatch.setattr(exports, "FONT_DIR", tmp_path)


def _list_names(rows) -> list[str]:
    return [row[1] for row in rows[1:]]


@pytest.mark.parametrize("who", ["secretariat", "admin"])
def test_secretariat_and_admins_see_everyones_contact_details(app, world, who, core_fonts):
    meeting, users = world
    client = _client_of(app, users, who)
    url = f"/meetings/{meeting.id}/participants-list"
    page = client.get(url).text
    for name in PEOPLE:
        assert EMAILS[name] in page and ORGANISATIONS[name] in page
    assert NOTE not in page and "Not shown" not in page
    rows = _csv(client.get(url + ".csv").data)
    by_name = {row[1]: row for row in rows[1:]}
    assert by_name["Green Person"][2:5] == ["Campaigner", "Green Earth Society", "Thailand"]
    assert by_name["Green Person"][7] == "green@ngo.example"
    assert exports.HIDDEN_CELL not in {cell for row in rows for cell in row}
    sheet = _xlsx(client.get(url + ".xlsx").data)
    assert {row[7] for row in sheet[1:]} == set(EMAILS.values())
    text = _pdf_text(client.get(url + ".pdf").data)
    assert all(email in text for email in EMAILS.values())
    assert "Green Earth Society" in text and "National Focal Points only" not in text


def test_a_body_manager_sees_names_but_no_contact_details(app, world, core_fonts):
    meeting, users = world
    client = _client_of(app, users, "manager")
    url = f"/meetings/{meeting.id}/participants-list"
    page = client.get(url).text
    assert all(name in page for name in PEOPLE)
    assert NOTE in page
    assert not any(email in page for email in EMAILS.values())
    assert not any(org in page for org in ORGANISATIONS.values())
    assert "Director" not in page and ">Email<" not in page

    rows = _csv(client.get(url + ".csv").data)
    assert rows[0] == exports.COLUMNS
    assert sorted(_list_names(rows)) == sorted(PEOPLE)
    for row in rows[1:]:
        assert (row[2], row[3], row[4], row[7]) == (exports.HIDDEN_CELL,) * 4
        assert row[5] in ("Member-state delegation", "Non-governmental organisation")
    assert [row[0] for row in rows[1:]][:2] == ["Japan", "Republic of Korea"]

    sheet = _xlsx(client.get(url + ".xlsx").data)
    cells = {str(cell) for row in sheet for cell in row}
    assert not cells & set(EMAILS.values()) and not cells & set(ORGANISATIONS.values())
    assert exports.HIDDEN_CELL in cells

    text = _pdf_text(client.get(url + ".pdf").data)
    assert all(name in text for name in PEOPLE)
    assert NOTE in text
    assert not any(email in text for email in EMAILS.values())
    assert not any(org in text for org in ORGANISATIONS.values())


def test_a_manager_who_is_also_an_nfp_sees_their_delegation_only(app, world, core_fonts):
    meeting, users = world
    client = _client_of(app, users, "manager and NFP of JP")
    url = f"/meetings/{meeting.id}/participants-list"
    page = client.get(url).text
    assert "tanaka@jp.example" in page and "Ministry of Environment JP" in page
    assert "lee@kr.example" not in page and "Green Earth Society" not in page
    assert NOTE in page and "Not shown to you" in page
    by_name = {row[1]: row for row in _csv(client.get(url + ".csv").data)[1:]}
    assert by_name["Tanaka Head"][7] == "tanaka@jp.example"
    assert by_name["Lee Head"][7] == by_name["Green Person"][3] == exports.HIDDEN_CELL
    sheet = {row[1]: row for row in _xlsx(client.get(url + ".xlsx").data)[1:]}
    assert (sheet["Tanaka Head"][7], sheet["Lee Head"][7]) == (
        "tanaka@jp.example",
        exports.HIDDEN_CELL,
    )
    text = _pdf_text(client.get(url + ".pdf").data)
    assert "tanaka@jp.example" in text and NOTE in text
    assert "lee@kr.example" not in text and "Green Earth Society" not in text


def test_an_nfp_and_the_person_see_the_details_of_what_they_are_shown(app, world, core_fonts):
    meeting, users = world
    url = f"/meetings/{meeting.id}/participants-list"
    for who, name in (("NFP of JP", "Tanaka Head"), ("the NGO person", "Green Person")):
        client = _client_of(app, users, who)
        page = client.get(url).text
        assert EMAILS[name] in page and ORGANISATIONS[name] in page and NOTE not in page
        rows = _csv(client.get(url + ".csv").data)
        assert [(row[1], row[7]) for row in rows[1:]] == [(name, EMAILS[name])]
        sheet = _xlsx(client.get(url + ".xlsx").data)
        assert [(row[1], row[7]) for row in sheet[1:]] == [(name, EMAILS[name])]
        text = _pdf_text(client.get(url + ".pdf").data)
        assert EMAILS[name] in text and NOTE not in text


@pytest.mark.parametrize("who", ["NFP of JP elsewhere", "secretariat elsewhere"])
def test_roles_in_another_mechanism_see_no_list(app, world, who):
    meeting, users = world
    client = _client_of(app, users, who)
    for suffix in ("", ".csv", ".xlsx", ".pdf"):
        assert client.get(f"/meetings/{meeting.id}/participants-list{suffix}").status_code == 403


def test_exports_hide_personal_data_unless_told_otherwise(world, core_fonts):
    """Called without the rule, the export functions show no one's personal data."""
    from meetings.registrations.participants_list import group_participants

    meeting, _ = world
    groups = group_participants(_registrations(meeting).values())
    rows = exports.table_rows(groups)
    assert not {cell for row in rows for cell in row} & set(EMAILS.values())
    text = _pdf_text(exports.list_pdf(meeting, groups, compress=False))
    assert NOTE in text and "tanaka@jp.example" not in text


def test_shown_cells_are_still_neutralised(app, world):
    meeting, users = world
    _register(meeting, "=1+1", "formula@example.org", "@SUM(A1)", "-5 Org", category="ngo")
    _db.session.commit()
    client = _client_of(app, users, "secretariat")
    data = client.get(f"/meetings/{meeting.id}/participants-list.xlsx").data
    row = next(r for r in _xlsx(data) if r[1] == "'=1+1")
    assert (row[2], row[3], row[7]) == ("'@SUM(A1)", "'-5 Org", "formula@example.org")


# Badges


def test_badges_show_organisations_to_the_secretariat_only(app, world, core_fonts):
    meeting, users = world
    url = f"/meetings/{meeting.id}/badges.pdf"
    text = _pdf_text(_client_of(app, users, "secretariat").get(url).data)
    assert "Green Earth Society" in text and "Japan" in text
    assert "secretariat and National Focal Points only" not in text
    text = _pdf_text(_client_of(app, users, "manager").get(url).data)
    assert "Green Person" in text and "Japan" in text and "Republic of Korea" in text
    assert "Green Earth Society" not in text
    assert exports.BADGE_NOTE in text


# The staff's registrations page


def test_the_registrations_page_follows_the_rule(app, world):
    meeting, users = world
    url = f"/meetings/{meeting.id}/registrations"
    for who in ("secretariat", "manager", "manager and NFP of JP"):
        page = _client_of(app, users, who).get(url).text
        shown = SHOWN[who]
        for name in PEOPLE:
            assert name in page
            assert (EMAILS[name] in page) is (name in shown), (who, name)
            assert (ORGANISATIONS[name] in page) is (name in shown), (who, name)
        assert (NOTE in page) is (shown != set(PEOPLE))
        assert ("Confirmed" in page) and ("Member-state delegation" in page)
    manager_page = _client_of(app, users, "manager").get(url).text
    assert ">Email<" not in manager_page and "Republic of Korea" in manager_page


def test_the_nfp_nomination_page_shows_their_delegation(app, world):
    meeting, users = world
    page = _client_of(app, users, "NFP of JP").get(f"/meetings/{meeting.id}/nominate").text
    assert "tanaka@jp.example" in page and "lee@kr.example" not in page and NOTE not in page


# The participants page (accounts taking part in the meeting)


def test_the_participants_page_shows_emails_to_the_secretariat_only(app, world):
    meeting, users = world
    person = factories.user(email="participant@example.org", name="Pat Participant")
    _db.session.add(Participant(meeting_id=meeting.id, user_id=person.id))
    _db.session.commit()
    url = f"/meetings/{meeting.id}/participants"
    page = _client_of(app, users, "secretariat").get(url).text
    assert "participant@example.org" in page and NOTE not in page
    page = _client_of(app, users, "manager").get(url).text
    assert "Pat Participant" in page and NOTE in page
    assert "participant@example.org" not in page


# The API


def _api_items(client, meeting, headers) -> dict[str, dict]:
    response = client.get(f"/api/v1/meetings/{meeting.id}/registrations", headers=headers)
    assert response.status_code == 200
    return {item["name"]: item for item in response.json["items"]}


PERSONAL_FIELDS = ("email", "title", "organisation", "country_code")


@pytest.mark.parametrize(
    "who", ["secretariat", "admin", "manager", "manager and NFP of JP", "NFP of JP"]
)
def test_the_api_follows_the_same_rule(client, world, who):
    meeting, users = world
    items = _api_items(client, meeting, bearer(users[who]))
    for name, item in items.items():
        shown = name in SHOWN[who]
        assert (item["email"] == EMAILS[name]) is shown
        if not shown:
            assert [item[f] for f in PERSONAL_FIELDS] == [None] * 4
        assert item["category"] and item["status"] == "confirmed"
    if who != "NFP of JP":
        assert set(items) == set(PEOPLE)


def test_the_api_shows_the_person_their_own_registration(client, world):
    meeting, users = world
    headers = bearer(users["the NGO person"])
    items = _api_items(client, meeting, headers)
    assert [(i["email"], i["organisation"], i["country_code"]) for i in items.values()] == [
        ("green@ngo.example", "Green Earth Society", "TH")
    ]
    one = client.get(f"/api/v1/registrations/{_registrations(meeting)['Green Person'].id}")
    assert one.status_code == 404  # the public
    read = client.get(
        f"/api/v1/registrations/{_registrations(meeting)['Green Person'].id}", headers=headers
    )
    assert read.json["email"] == "green@ngo.example"


# Query counts: the rule reads no rows


def _count(client, url) -> int:
    _db.session.expire_all()  # as a new request finds it: nothing loaded yet
    with count_queries() as statements:
        assert client.get(url).status_code == 200, url
    return len(statements)


def test_pages_and_exports_run_as_many_statements_for_more_people(app, world):
    meeting, users = world
    client = _client_of(app, users, "manager and NFP of JP")
    base = f"/meetings/{meeting.id}"
    urls = [
        f"{base}/registrations",
        f"{base}/participants-list",
        f"{base}/participants-list.csv",
        f"{base}/participants-list.xlsx",
        f"/api/v1/meetings/{meeting.id}/registrations",
    ]
    small = [_count(client, url) for url in urls]
    for n in range(6):
        country = ("JP", "KR", "CN")[n % 3]
        _register(
            meeting,
            f"More {n}",
            f"more{n}@example.org",
            "Officer",
            "Ministry",
            category="delegation",
            delegation_country=country,
        )
    _db.session.commit()
    assert [_count(client, url) for url in urls] == small

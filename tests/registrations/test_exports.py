"""The list of participants: grouping, who sees which entries, CSV, XLSX and PDF, badges."""

import csv
import io
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook

from meetings.extensions import db
from meetings.registrations import services
from meetings.registrations.exports import list_pdf, neutralise
from meetings.registrations.models import Registration
from meetings.registrations.participants_list import group_participants
from tests import factories
from tests.conftest import sign_in

ALL = ["delegation", "secretariat", "observer", "ngo", "media", "international_organisation"]


def _meeting(**fields):
    meeting = factories.meeting(title="SOM-24 of M", **fields)
    services.save_settings(
        meeting,
        opens_at=datetime(2026, 1, 1, tzinfo=UTC),
        closes_at=datetime(2026, 8, 1, tzinfo=UTC),
        categories=ALL,
        needs_approval=False,
    )
    return meeting


def _add(meeting, name, category="delegation", **fields):
    email = fields.pop("email", name.lower().replace(" ", ".") + "@example.org")
    new = services.register(
        meeting, source="secretariat", name=name, email=email, category=category, **fields
    )
    return new.registration


def _populated():
    """KR, JP and CN delegations (out of order), a secretariat member, an NGO and media."""
    meeting = _meeting()
    _add(meeting, "Media Person", "media")
    _add(meeting, "Kim Adviser", delegation_country="KR", delegation_role="adviser")
    _add(meeting, "Lee Head", delegation_country="KR", delegation_role="head")
    _add(meeting, "Sato Delegate", delegation_country="JP", delegation_role="delegate")
    _add(meeting, "Abe Delegate", delegation_country="JP", delegation_role="delegate")
    _add(meeting, "Tanaka Head", delegation_country="JP", delegation_role="head")
    _add(meeting, "Wang Delegate", delegation_country="CN")
    _add(meeting, "Green NGO", "ngo", organisation="Green Earth")
    _add(meeting, "Sec Officer", "secretariat", organisation="ESCAP")
    db.session.commit()
    return meeting


def _names(groups):
    return [(g.heading, [r.name for r in g.registrations]) for g in groups]


def test_groups_follow_the_conventional_order(db):
    meeting = _populated()
    registrations = db.session.query(Registration).filter_by(meeting_id=meeting.id)
    assert _names(group_participants(registrations)) == [
        ("China", ["Wang Delegate"]),
        ("Japan", ["Tanaka Head", "Abe Delegate", "Sato Delegate"]),
        ("Republic of Korea", ["Lee Head", "Kim Adviser"]),
        ("Secretariat", ["Sec Officer"]),
        ("Non-governmental organisations", ["Green NGO"]),
        ("Media", ["Media Person"]),
    ]


def test_list_shows_confirmed_only_and_marks_attendance(client, db):
    meeting = _populated()
    pending = _add(meeting, "Pending Person", "observer")
    services.decline(pending)
    attended = db.session.query(Registration).filter_by(name="Lee Head").one()
    services.mark_attendance(attended, True)
    db.session.commit()
    sign_in(client, factories.secretariat_of(meeting.body.mechanism))
    page = client.get(f"/meetings/{meeting.id}/participants-list").get_data(as_text=True)
    assert "Pending Person" not in page
    assert page.index("China") < page.index("Japan") < page.index("Secretariat")
    assert page.count(">Attended</span>") == 1


def test_nfp_sees_only_their_delegation_on_the_page_and_in_exports(client, db):
    meeting = _populated()
    sign_in(client, factories.nfp_of(meeting.body.mechanism, "JP"))
    page = client.get(f"/meetings/{meeting.id}/participants-list").get_data(as_text=True)
    assert ("Tanaka Head" in page, "Lee Head" in page, "Sec Officer" in page) == (
        True,
        False,
        False,
    )
    rows = _csv(client.get(f"/meetings/{meeting.id}/participants-list.csv").data)
    assert [row[1] for row in rows[1:]] == ["Tanaka Head", "Abe Delegate", "Sato Delegate"]
    book = load_workbook(
        io.BytesIO(client.get(f"/meetings/{meeting.id}/participants-list.xlsx").data)
    )
    names = [row[1] for row in book.active.iter_rows(min_row=2, values_only=True)]
    assert names == ["Tanaka Head", "Abe Delegate", "Sato Delegate"]


def test_nfp_of_another_mechanism_and_delegate_are_refused(client, db):
    meeting = _populated()
    sign_in(client, factories.delegate_of(meeting.body.mechanism))
    for suffix in ("", ".csv", ".xlsx", ".pdf"):
        assert client.get(f"/meetings/{meeting.id}/participants-list{suffix}").status_code == 403
    assert client.get(f"/meetings/{meeting.id}/badges.pdf").status_code == 403


def test_a_registered_person_sees_only_their_own_entry(client, db):
    meeting = _populated()
    person = factories.user(email="sato.delegate@example.org")
    sign_in(client, person)
    rows = _csv(client.get(f"/meetings/{meeting.id}/participants-list.csv").data)
    assert [row[1] for row in rows[1:]] == ["Sato Delegate"]


def test_unseen_meeting_is_not_found(client, db):
    meeting = _meeting(visibility="secretariat")
    sign_in(client, factories.nfp_of(meeting.body.mechanism, "JP"))
    assert client.get(f"/meetings/{meeting.id}/participants-list").status_code == 404


def _csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_csv_has_every_column_and_neutralises_formulas(client, db):
    meeting = _meeting()
    _add(meeting, '=HYPERLINK("http://x")', "ngo", organisation="+Org", title="@SUM(A1)")
    _add(meeting, "Nguyễn Thị Lan", delegation_country="JP", organisation="-1")
    db.session.commit()
    sign_in(client, factories.secretariat_of(meeting.body.mechanism))
    response = client.get(f"/meetings/{meeting.id}/participants-list.csv")
    assert response.headers["Content-Disposition"].startswith("attachment")
    rows = _csv(response.data)
    assert rows[0][:4] == ["Group", "Name", "Title", "Organisation"]
    assert rows[1][:4] == ["Japan", "Nguyễn Thị Lan", "", "'-1"]
    assert rows[2][1:4] == ['\'=HYPERLINK("http://x")', "'@SUM(A1)", "'+Org"]


# The secretariat sees the organisation (a body manager would not: see test_personal_data_rule).
def test_xlsx_cells_are_text_and_neutralised(client, db):
    meeting = _meeting()
    _add(meeting, "=1+1", "ngo", organisation="-5 Org")
    db.session.commit()
    sign_in(client, factories.secretariat_of(meeting.body.mechanism))
    data = client.get(f"/meetings/{meeting.id}/participants-list.xlsx").data
    sheet = load_workbook(io.BytesIO(data)).active
    row = [c for c in next(sheet.iter_rows(min_row=2))]
    assert (row[1].value, row[1].data_type, row[3].value) == ("'=1+1", "s", "'-5 Org")


@pytest.mark.parametrize("value", ["=A", "+A", "-A", "@A", "\tA", "\rA"])
def test_neutralise_prefixes_formula_starts(value):
    assert neutralise(value) == "'" + value
    assert neutralise("Plain " + value) == "Plain " + value


def test_pdf_list_has_the_title_meeting_and_delegations(client, db):
    meeting = _populated()
    groups = group_participants(db.session.query(Registration).filter_by(meeting_id=meeting.id))
    data = list_pdf(meeting, groups, compress=False)
    assert data.startswith(b"%PDF")
    assert b"/Title" in data
    sign_in(client, factories.secretariat_of(meeting.body.mechanism))
    response = client.get(f"/meetings/{meeting.id}/participants-list.pdf")
    assert (response.status_code, response.mimetype) == (200, "application/pdf")
    assert response.data.startswith(b"%PDF") and b"/Count 1" in response.data


def test_badges_make_one_per_confirmed_participant_eight_per_page(client, db):
    meeting = _meeting()
    for n in range(9):
        _add(meeting, f"Person {n}", "ngo", organisation="Org")
    db.session.commit()
    sign_in(client, factories.secretariat_of(meeting.body.mechanism))
    response = client.get(f"/meetings/{meeting.id}/badges.pdf")
    assert response.data.startswith(b"%PDF")
    assert b"/Count 2" in response.data

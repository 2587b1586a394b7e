"""The participants page: body staff list accounts; participants see what is theirs."""

from datetime import time

import pytest
import sqlalchemy as sa

from meetings.audit.models import AuditAction, AuditEntry
from meetings.participants.models import Participant
from tests import factories
from tests.conftest import sign_in
from tests.pages import field_errors


@pytest.fixture
def setting(app):
    """A mechanism, its body, a meeting, the body's manager and a delegate."""
    mech = factories.mechanism()
    body = factories.body(mech)
    meeting = factories.meeting(body, title="SOM-25")
    return mech, body, meeting


def _as(app, user):
    client = app.test_client()
    sign_in(client, user)
    return client


def _participants(db, meeting) -> list[str]:
    stmt = sa.select(Participant).where(Participant.meeting_id == meeting.id)
    return sorted(p.user.email for p in db.session.scalars(stmt))


def test_manager_adds_and_removes_a_participant(app, db, setting):
    _, body, meeting = setting
    factories.user(email="delegate@example.org", name="A. Delegate")
    client = _as(app, factories.manager_of(body))
    url = f"/meetings/{meeting.id}/participants"
    response = client.post(url, data={"email": " Delegate@Example.org "})
    assert (response.status_code, response.headers["Location"]) == (302, url)
    assert _participants(db, meeting) == ["delegate@example.org"]
    page = client.get(url).text
    assert "A. Delegate" in page and "1 participant" in page
    participant = db.session.scalars(sa.select(Participant)).one()
    response = client.post(f"/participants/{participant.id}/remove")
    assert (response.status_code, response.headers["Location"]) == (302, url)
    assert _participants(db, meeting) == []
    assert "No participants yet." in client.get(url).text


def test_adding_and_removing_is_audited_in_the_mechanism(app, db, setting):
    mech, body, meeting = setting
    person = factories.user(email="delegate@example.org")
    manager = factories.manager_of(body, email="manager@example.org")
    _as(app, manager).post(f"/meetings/{meeting.id}/participants", data={"email": person.email})
    stmt = sa.select(AuditEntry).where(AuditEntry.entity_type == "participant")
    entry = db.session.scalars(stmt).one()
    assert (entry.action, entry.actor, entry.mechanism_id) == (
        AuditAction.CREATE,
        "manager@example.org",
        mech.id,
    )
    assert entry.changes["user_id"] == [None, person.id]
    assert entry.entity_label == "delegate@example.org"


def test_unknown_or_listed_email_is_a_field_error(app, db, setting):
    _, body, meeting = setting
    factories.user(email="delegate@example.org")
    client = _as(app, factories.manager_of(body))
    url = f"/meetings/{meeting.id}/participants"
    response = client.post(url, data={"email": "nobody@example.org"})
    assert response.status_code == 200
    assert field_errors(response.text) == ["No account has this email address."]
    assert 'value="nobody@example.org"' in response.text
    client.post(url, data={"email": "delegate@example.org"})
    again = client.post(url, data={"email": "delegate@example.org"})
    assert field_errors(again.text) == ["This person already takes part in the meeting."]
    assert _participants(db, meeting) == ["delegate@example.org"]


def test_only_body_staff_manage_participants(app, db, setting):
    mech, _, meeting = setting
    factories.user(email="delegate@example.org")
    url = f"/meetings/{meeting.id}/participants"
    for person in (factories.delegate_of(mech), factories.nfp_of(mech, "JP")):
        client = _as(app, person)
        assert client.get(url).status_code == 403
        assert client.post(url, data={"email": "delegate@example.org"}).status_code == 403
        assert "Participants</a>" not in client.get(f"/meetings/{meeting.id}").text
    assert _participants(db, meeting) == []
    refused = sa.select(AuditEntry).where(AuditEntry.action == AuditAction.REFUSED)
    assert len(db.session.scalars(refused).all()) == 2


def test_staff_see_the_link_on_the_meeting_page(app, setting):
    mech, _, meeting = setting
    page = _as(app, factories.secretariat_of(mech)).get(f"/meetings/{meeting.id}").text
    assert f'href="/meetings/{meeting.id}/participants"' in page


def test_removing_needs_staff_of_that_meeting(app, db, setting):
    mech, body, meeting = setting
    person = factories.user(email="delegate@example.org")
    factories.manager_of(body)
    db.session.add(Participant(meeting_id=meeting.id, user_id=person.id))
    db.session.commit()
    participant_id = db.session.scalar(sa.select(Participant.id))
    other_manager = factories.manager_of(factories.body(mech))
    response = _as(app, other_manager).post(f"/participants/{participant_id}/remove")
    assert response.status_code == 403
    assert _participants(db, meeting) == ["delegate@example.org"]
    assert _as(app, other_manager).post("/participants/999999/remove").status_code == 404


def test_a_meeting_one_may_not_see_is_not_found(app, setting):
    mech, body, _ = setting
    hidden = factories.meeting(body, title="Closed", visibility="secretariat")
    client = _as(app, factories.delegate_of(mech))
    assert client.get(f"/meetings/{hidden.id}/participants").status_code == 404
    assert client.get("/meetings/999999/participants").status_code == 404


def test_participants_only_meeting_is_visible_to_its_participants(app, setting):
    mech, body, _ = setting
    closed = factories.meeting(body, title="Closed session", visibility="participants")
    participant = factories.delegate_of(mech, email="in@example.org")
    outsider = factories.delegate_of(mech, email="out@example.org")
    staff = _as(app, factories.manager_of(body))
    staff.post(f"/meetings/{closed.id}/participants", data={"email": "in@example.org"})
    assert _as(app, participant).get(f"/meetings/{closed.id}").status_code == 200
    assert _as(app, outsider).get(f"/meetings/{closed.id}").status_code == 404


def test_participants_only_session_is_in_the_timetable_of_participants(app, setting):
    mech, body, meeting = setting
    factories.session(meeting, title="Opening", start_time=time(9), end_time=time(10))
    factories.session(
        meeting,
        title="Heads of delegation",
        start_time=time(11),
        end_time=time(12),
        visibility="participants",
    )
    participant = factories.delegate_of(mech, email="in@example.org")
    outsider = factories.delegate_of(mech, email="out@example.org")
    staff = _as(app, factories.manager_of(body))
    staff.post(f"/meetings/{meeting.id}/participants", data={"email": "in@example.org"})
    inside = _as(app, participant).get(f"/meetings/{meeting.id}").text
    outside = _as(app, outsider).get(f"/meetings/{meeting.id}").text
    assert "Opening" in inside and "Heads of delegation" in inside
    assert "Opening" in outside and "Heads of delegation" not in outside


def test_anonymous_visitors_are_sent_to_sign_in(client, db, setting):
    meeting = setting[2]
    factories.user(email="delegate@example.org")
    url = f"/meetings/{meeting.id}/participants"
    assert client.get(url).headers["Location"].startswith("/sign-in?next=")
    assert client.post(url, data={"email": "delegate@example.org"}).status_code == 302
    assert _participants(db, meeting) == []

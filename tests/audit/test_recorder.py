"""Every create, change and delete of an audited record leaves one entry, in its transaction."""

import sqlalchemy as sa

from meetings.accounts.services import set_password
from meetings.audit.models import AuditAction, AuditEntry
from meetings.audit.recorder import Actor, acting_as
from meetings.schedule.models import Meeting
from meetings.schedule.services import delete_meeting, update_meeting
from tests import factories
from tests.conftest import sign_in


def _entries(db, **where) -> list[AuditEntry]:
    stmt = sa.select(AuditEntry).filter_by(**where).order_by(AuditEntry.id)
    return list(db.session.scalars(stmt))


def _edit_form(meeting: Meeting, **changes) -> dict:
    values = {
        "number": "",
        "title": meeting.title,
        "theme": "",
        "start": meeting.start.iso(),
        "end": meeting.end.iso(),
        "status": meeting.status.value,
        "format": meeting.format.value if meeting.format else "",
        "city": meeting.city,
        "country_code": meeting.country_code or "",
        "timezone": meeting.timezone,
        "venue": meeting.venue,
        "host": meeting.host,
        "held_with_id": "",
        "description": meeting.description,
        "visibility": "",
    }
    values.update(changes)
    return values


def test_creating_a_meeting_records_its_values(db):
    body = factories.body()
    meeting = factories.meeting(body, title="SOM-25", city="Incheon", country_code="KR")
    [entry] = _entries(db, entity_type="meeting", action=AuditAction.CREATE)
    assert (entry.entity_id, entry.entity_label, entry.mechanism_id) == (
        meeting.id,
        "SOM-25",
        body.mechanism_id,
    )
    assert entry.changes["title"] == [None, "SOM-25"]
    assert entry.changes["city"] == [None, "Incheon"]
    assert entry.changes["start_date"] == [None, "2026-09-02"]
    assert (entry.actor, entry.channel) == ("system", "cli")


def test_updating_records_old_and_new_values_of_changed_fields_only(db):
    meeting = factories.meeting(title="Old title", city="Langkawi")
    update_meeting(meeting, **{**_form_values(meeting), "title": "New title", "city": "Penang"})
    db.session.commit()
    [entry] = _entries(db, entity_type="meeting", action=AuditAction.UPDATE)
    assert entry.changes == {
        "title": ["Old title", "New title"],
        "city": ["Langkawi", "Penang"],
        "sequence": [0, 1],  # a new place: calendars must take the new version
    }
    assert entry.entity_label == "New title"


def test_changing_an_attribute_not_yet_loaded_keeps_its_old_value(db):
    meeting = factories.meeting(city="Langkawi")
    db.session.expire_all()
    meeting.city = "Penang"
    db.session.commit()
    [entry] = _entries(db, entity_type="meeting", action=AuditAction.UPDATE)
    assert entry.changes == {"city": ["Langkawi", "Penang"]}


def test_deleting_a_meeting_records_it_and_its_sessions_in_their_mechanism(db):
    meeting = factories.meeting(title="SOM-25")
    opening = factories.session(meeting, title="Opening")
    mechanism_id, meeting_id = meeting.body.mechanism_id, meeting.id
    db.session.expire_all()
    delete_meeting(db.session.get(Meeting, meeting_id))
    db.session.commit()
    deleted = _entries(db, action=AuditAction.DELETE)
    assert sorted((e.entity_type, e.entity_id, e.mechanism_id) for e in deleted) == [
        ("meeting", meeting_id, mechanism_id),
        ("session", opening.id, mechanism_id),
    ]
    [session_entry] = [e for e in deleted if e.entity_type == "session"]
    assert session_entry.changes["title"] == ["Opening", None]
    assert session_entry.entity_label == "Opening"


def test_secret_fields_are_masked(db):
    person = factories.user(email="nfp@example.org")
    set_password(person, "a long enough passphrase 42")
    db.session.commit()
    [entry] = _entries(db, entity_type="user_account", action=AuditAction.UPDATE)
    assert entry.changes["password_hash"] == ["(secret)", "(changed)"]
    assert entry.changes["session_nonce"] == ["(secret)", "(changed)"]
    assert "argon2" not in str(entry.changes)


def test_a_signed_in_web_edit_records_who_and_how(app, db):
    admin = factories.admin(email="chief@example.org")
    meeting = factories.meeting(title="Old title")
    client = app.test_client()
    sign_in(client, admin)
    response = client.post(f"/meetings/{meeting.id}/edit", data=_edit_form(meeting, title="New"))
    assert response.status_code == 302
    [entry] = _entries(db, entity_type="meeting", action=AuditAction.UPDATE)
    assert (entry.actor_id, entry.actor, entry.channel) == (admin.id, "chief@example.org", "web")
    assert entry.address == "127.0.0.1"
    assert entry.changes == {"title": ["Old title", "New"]}


def test_the_cli_says_who_acts(db):
    with acting_as(Actor(None, "seed loader", "cli")):
        factories.mechanism(short_name="NEASPEC")
    factories.mechanism(short_name="ACEF")
    entries = _entries(db, entity_type="mechanism")
    assert [(e.actor, e.channel, e.entity_label) for e in entries] == [
        ("seed loader", "cli", "NEASPEC"),
        ("system", "cli", "ACEF"),
    ]
    assert entries[0].mechanism_id == entries[0].entity_id


def test_a_request_that_never_checked_access_is_not_the_cli(app, db):
    environ = {"REMOTE_ADDR": "10.0.0.7"}
    with app.test_request_context("/invitations/accept", method="POST", environ_base=environ):
        factories.mechanism(short_name="NEASPEC")
    [entry] = _entries(db, entity_type="mechanism")
    assert (entry.actor, entry.channel, entry.address) == ("anonymous", "web", "10.0.0.7")


def test_an_account_deleting_itself_keeps_the_entry(db):
    person = factories.user(email="leaving@example.org")
    person_id = person.id
    with acting_as(Actor(person_id, "leaving@example.org", "cli")):
        db.session.delete(person)
        db.session.commit()
    [entry] = _entries(db, entity_type="user_account", action=AuditAction.DELETE)
    assert (entry.actor_id, entry.actor, entry.entity_id) == (
        None,
        "leaving@example.org",
        person_id,
    )


def test_a_rolled_back_change_leaves_no_entry(db):
    meeting = factories.meeting(title="Kept")
    before = len(_entries(db))
    meeting.title = "Dropped"
    db.session.flush()
    db.session.rollback()
    assert len(_entries(db)) == before
    assert db.session.get(Meeting, meeting.id).title == "Kept"


def test_a_refused_write_is_recorded_and_changes_nothing(app, db):
    meeting = factories.meeting(title="Kept")
    outsider = factories.secretariat_of(factories.mechanism(), email="other@example.org")
    client = app.test_client()
    sign_in(client, outsider)
    response = client.post(f"/meetings/{meeting.id}/edit", data=_edit_form(meeting, title="No"))
    assert response.status_code == 403
    [entry] = _entries(db, action=AuditAction.REFUSED)
    assert (entry.actor, entry.entity_type, entry.entity_id) == (
        "other@example.org",
        "meeting",
        meeting.id,
    )
    assert entry.mechanism_id == meeting.body.mechanism_id
    assert entry.changes["request"] == f"POST /meetings/{meeting.id}/edit"
    assert _entries(db, action=AuditAction.UPDATE) == []
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).title == "Kept"


def test_deleting_a_mechanism_keeps_its_entry_for_administrators(db):
    mechanism = factories.mechanism(short_name="GONE")
    mechanism_id = mechanism.id
    db.session.delete(mechanism)
    db.session.commit()
    [entry] = _entries(db, entity_type="mechanism", action=AuditAction.DELETE)
    assert (entry.entity_id, entry.entity_label, entry.mechanism_id) == (mechanism_id, "GONE", None)


def _form_values(meeting: Meeting) -> dict:
    return {
        "number": meeting.number,
        "title": meeting.title,
        "start": meeting.start,
        "end": meeting.end,
        "status": meeting.status.value,
        "format": meeting.format.value if meeting.format else "",
        "city": meeting.city,
        "country_code": meeting.country_code,
        "timezone": meeting.timezone,
        "venue": meeting.venue,
        "host": meeting.host,
        "description": meeting.description,
    }


def test_deleting_a_record_not_loaded_records_its_values(db):
    meeting = factories.meeting()
    opening = factories.session(meeting, title="Opening")
    db.session.expire_all()
    db.session.delete(opening)
    db.session.commit()
    [entry] = _entries(db, entity_type="session", action=AuditAction.DELETE)
    assert (entry.entity_label, entry.changes["title"]) == ("Opening", ["Opening", None])
    assert entry.mechanism_id == meeting.body.mechanism_id

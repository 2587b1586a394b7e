"""Change notices: participants are told what changed, old and new, once per change; a failure
to write one message is recorded and the others go out."""

from datetime import date, time

import sqlalchemy as sa

from meetings.core.models import utcnow
from meetings.extensions import db
from meetings.notifications import kinds
from meetings.notifications.dispatch import sweep
from meetings.notifications.kinds import Kind
from meetings.notifications.models import Notification, NotificationStatus
from meetings.notifications.planner import Planned, insert_planned
from meetings.registrations import services
from meetings.schedule.services import update_meeting, update_session
from tests import factories
from tests.notifications.test_reminders import _fields
from tests.registrations.support import open_meeting, person


def _register(meeting, n: int) -> None:
    services.register(meeting, source="secretariat", **person(n))
    db.session.commit()


def test_new_dates_and_venue_are_told_old_and_new(app, smtp_server):
    meeting = open_meeting()
    _register(meeting, 1)
    update_meeting(meeting, **_fields(meeting, start="2026-09-09", end="2026-09-11", venue="Hall"))
    db.session.commit()
    (message,) = smtp_server
    assert message["Subject"] == f"Changed: {meeting.title}"
    text = message.get_content()
    assert "Dates:\n    was: 2–5 September 2026\n    now: 9–11 September 2026" in text
    assert "Venue:\n    was: (not given)\n    now: Hall" in text
    # Saving again without a change tells no one anything.
    update_meeting(meeting, **_fields(meeting))
    db.session.commit()
    assert len(smtp_server) == 1, smtp_server[-1].get_content()


def test_a_moved_session_is_told_to_the_meetings_participants(app, smtp_server):
    meeting = open_meeting()
    opening = factories.session(meeting, title="Opening", day=date(2026, 9, 2))
    _register(meeting, 1)
    update_session(
        opening,
        title="Opening",
        kind="opening",
        day=date(2026, 9, 2),
        start_time=time(14, 0),
        end_time=time(15, 0),
        room="Hall A",
    )
    db.session.commit()
    (message,) = smtp_server
    assert message["Subject"] == "Session moved: Opening"
    assert (
        "Time:\n    was: Wed 02 Sep 2026, 09:00–10:30 (Asia/Kuala_Lumpur)\n"
        "    now: Wed 02 Sep 2026, 14:00–15:00 (Asia/Kuala_Lumpur)" in message.get_content()
    )


def test_a_message_that_cannot_be_written_fails_alone(app, smtp_server):
    def broken(row, context):
        raise LookupError("no such template variable")

    kinds.register(Kind(name="test_broken", label="Broken", description="", render=broken))
    try:
        meeting = open_meeting()
        now = utcnow()
        insert_planned(
            [
                Planned(key="broken:1", kind="test_broken", recipient="a@example.org", due_at=now),
                Planned(
                    key="no-address:1",
                    kind="registration_status",
                    recipient="",
                    due_at=now,
                    meeting_id=meeting.id,
                    payload={"event": "approved"},
                ),
                Planned(
                    key="fine:1",
                    kind="registration_status",
                    recipient="p1@example.org",
                    due_at=now,
                    meeting_id=meeting.id,
                    registration_id=_registration_id(meeting),
                    payload={"event": "approved"},
                ),
            ],
            now,
        )
        db.session.commit()
        sweep()
    finally:
        del kinds.KINDS["test_broken"]
    rows = {r.key: (r.status, r.reason) for r in db.session.scalars(sa.select(Notification))}
    assert rows["broken:1"] == (
        NotificationStatus.FAILED,
        "Could not write the message: no such template variable",
    )
    assert rows["no-address:1"] == (
        NotificationStatus.FAILED,
        "The person has no email address.",
    )
    assert rows["fine:1"][0] is NotificationStatus.QUEUED
    assert [m["Subject"] for m in smtp_server] == [f"Registration confirmed: {meeting.title}"]


def _registration_id(meeting) -> int:
    new = services.register(meeting, source="secretariat", **person(1))
    db.session.commit()
    return new.registration.id

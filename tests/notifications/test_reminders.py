"""Reminders with time frozen: planned once, sent once when due, following the meeting's dates,
never for a cancelled meeting, late (not never) when the worker was down."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
import time_machine

from meetings.extensions import db
from meetings.notifications.digest import send_digests
from meetings.notifications.dispatch import sweep
from meetings.notifications.models import Mode, Notification, NotificationStatus
from meetings.notifications.planner import plan
from meetings.notifications.preferences import set_mode
from meetings.registrations import services
from meetings.schedule.services import update_meeting
from tests import factories
from tests.registrations.support import open_meeting, person

# The meeting (factories.meeting) runs 2-5 Sep 2026 in Langkawi (Asia/Kuala_Lumpur, UTC+8):
# without a timetable it begins at 09:00 there, 01:00 UTC.
BEGINS = datetime(2026, 9, 2, 1, 0, tzinfo=UTC)
NOW = datetime(2026, 8, 1, 0, 0, tzinfo=UTC)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _register(meeting, n: int, **fields):
    new = services.register(meeting, source="secretariat", **person(n, **fields))
    db.session.commit()
    return new.registration


def _rows(kind: str | None = None) -> list[Notification]:
    query = sa.select(Notification).order_by(Notification.due_at, Notification.id)
    if kind:
        query = query.where(Notification.kind == kind)
    db.session.expire_all()
    return list(db.session.scalars(query))


def _subjects(messages) -> list[tuple[str, str]]:
    return [(m["To"], m["Subject"]) for m in messages]


def test_participant_is_reminded_14_days_and_1_day_before_once_each(app, clock, smtp_server):
    meeting = open_meeting(now=NOW)
    _register(meeting, 1)
    plan()
    assert [(r.due_at, r.status) for r in _rows("meeting_reminder")] == [
        (BEGINS - timedelta(days=14), NotificationStatus.PLANNED),
        (BEGINS - timedelta(days=1), NotificationStatus.PLANNED),
    ]
    clock.move_to(BEGINS - timedelta(days=14, minutes=1))
    sweep()
    assert smtp_server == []  # not due yet

    clock.move_to(BEGINS - timedelta(days=14) + timedelta(seconds=20))
    sweep()
    sweep()  # a second sweep, or a second beat, finds nothing more to send
    plan()  # nor does planning again add anything
    assert _subjects(smtp_server) == [
        ("p1@example.org", f"Reminder: {meeting.title} begins in 14 days")
    ]
    clock.move_to(BEGINS - timedelta(hours=23))
    sweep()
    assert _subjects(smtp_server)[1:] == [
        ("p1@example.org", f"Reminder: {meeting.title} begins tomorrow")
    ]
    assert {r.status for r in _rows("meeting_reminder")} == {NotificationStatus.QUEUED}


def test_the_reminder_gives_venue_time_and_the_readers_own_with_links(app, clock, smtp_server):
    meeting = open_meeting(now=NOW)
    factories.session(meeting, title="Opening", day=BEGINS.date())
    reader = factories.user(email="aiko@example.org")
    reader.timezone = "Europe/Paris"
    db.session.commit()
    new = services.register(meeting, source="secretariat", user=reader, **person(1))
    new.registration.email = "aiko@example.org"
    db.session.commit()
    plan()
    clock.move_to(BEGINS - timedelta(hours=23))
    sweep()
    (message,) = smtp_server
    text = message.get_content()
    assert "Wed 02 Sep 2026, 09:00 (Asia/Kuala_Lumpur, venue time)" in text
    assert "= Wed 02 Sep 2026, 03:00 (Europe/Paris, your time)" in text
    assert f"http://meetings.test/meetings/{meeting.id}" in text
    assert f"http://meetings.test/calendars/meetings/{meeting.id}.ics" in text
    assert message["List-Unsubscribe"].startswith(
        "<http://meetings.test/notifications/unsubscribe/"
    )
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_moved_meeting_cancels_the_old_plan_and_plans_the_new_dates(app, clock, smtp_server):
    meeting = open_meeting(now=NOW)
    _register(meeting, 1)
    plan()
    update_meeting(meeting, **_fields(meeting, start="2026-09-16", end="2026-09-18"))
    db.session.commit()
    smtp_server.clear()  # the change notice
    counts = plan()
    assert counts["cancelled"] == 2 and counts["added"] == 2
    later = BEGINS + timedelta(days=14)
    assert [(r.due_at, r.status) for r in _rows("meeting_reminder")] == [
        (BEGINS - timedelta(days=14), NotificationStatus.CANCELLED),
        (BEGINS - timedelta(days=1), NotificationStatus.CANCELLED),
        (later - timedelta(days=14), NotificationStatus.PLANNED),
        (later - timedelta(days=1), NotificationStatus.PLANNED),
    ]
    clock.move_to(BEGINS - timedelta(hours=23))  # the old "tomorrow": nothing
    sweep()
    assert smtp_server == []
    # Moved back: the first plan applies again, the second is cancelled; of the two
    # reminders now due, the nearer one alone is sent.
    update_meeting(meeting, **_fields(meeting, start="2026-09-02", end="2026-09-05"))
    db.session.commit()
    smtp_server.clear()
    assert plan() == {"added": 0, "moved": 0, "cancelled": 2, "replanned": 2}
    sweep()
    assert _subjects(smtp_server) == [
        ("p1@example.org", f"Reminder: {meeting.title} begins tomorrow")
    ]


def _fields(meeting, **changes) -> dict:
    values = {
        "title": meeting.title,
        "start": meeting.start.iso(),
        "end": meeting.end.iso(),
        "timezone": meeting.timezone,
        "city": meeting.city,
        "venue": meeting.venue,
        "country_code": meeting.country_code,
        "status": meeting.status.value,
        "format": meeting.format.value,
    }
    values.update(changes)
    return values


def test_cancelled_meeting_sends_no_see_you_tomorrow_but_a_cancellation(app, clock, smtp_server):
    meeting = open_meeting(now=NOW)
    _register(meeting, 1)
    _register(meeting, 2)
    plan()
    clock.move_to(BEGINS - timedelta(days=2))
    update_meeting(meeting, **_fields(meeting, status="cancelled"))
    db.session.commit()
    assert sorted(_subjects(smtp_server)) == [
        ("p1@example.org", f"Cancelled: {meeting.title}"),
        ("p2@example.org", f"Cancelled: {meeting.title}"),
    ]
    assert "Status:\n    was: Confirmed\n    now: Cancelled" in smtp_server[0].get_content()
    # Even before the planner runs again, the due reminder checks the meeting and stays quiet.
    clock.move_to(BEGINS - timedelta(hours=23))
    sweep()
    assert len(smtp_server) == 2
    reminders = _rows("meeting_reminder")
    assert [r.reason for r in reminders if r.due_at == BEGINS - timedelta(days=1)] == [
        "The meeting is cancelled.",
        "The meeting is cancelled.",
    ]


def test_worker_down_at_the_planned_time_sends_late_not_never(app, clock, smtp_server):
    meeting = open_meeting(now=NOW)
    _register(meeting, 1)
    plan()
    # Nothing ran from 14 days before until 10 days before: then the sweep catches up.
    clock.move_to(BEGINS - timedelta(days=10))
    sweep()
    assert _subjects(smtp_server) == [
        ("p1@example.org", f"Reminder: {meeting.title} begins in 10 days")
    ]


def test_reminders_already_past_when_a_person_registers_are_not_owed(app, clock, smtp_server):
    meeting = open_meeting(now=NOW)
    clock.move_to(BEGINS - timedelta(days=10))
    _register(meeting, 1)
    plan()
    assert [r.due_at for r in _rows("meeting_reminder")] == [BEGINS - timedelta(days=1)]


def test_body_sets_its_own_reminder_days(app, clock):
    meeting = open_meeting(now=NOW)
    meeting.body.reminder_days = [30, 7]
    db.session.commit()
    _register(meeting, 1)
    plan()
    assert [r.due_at for r in _rows("meeting_reminder")] == [
        BEGINS - timedelta(days=30),
        BEGINS - timedelta(days=7),
    ]


def test_withdrawn_registration_is_not_reminded(app, clock, smtp_server):
    meeting = open_meeting(now=NOW)
    registration = _register(meeting, 1)
    plan()
    services.cancel(registration)
    db.session.commit()
    clock.move_to(BEGINS - timedelta(days=13))
    sweep()
    assert smtp_server == []
    assert {
        r.reason for r in _rows("meeting_reminder") if r.status is NotificationStatus.SKIPPED
    } == {"The registration is no longer confirmed."}


def test_nfp_of_an_empty_delegation_is_reminded_before_registration_closes(app, clock, smtp_server):
    mech = factories.mechanism(member_states="JP KR")
    meeting = open_meeting(mech, now=NOW)  # closes 31 Aug, 00:00 UTC
    factories.nfp_of(mech, "JP", email="nfp-jp@example.org")
    factories.nfp_of(mech, "KR", email="nfp-kr@example.org")
    plan()
    # Korea nominates before the reminder falls due: only Japan's NFP is reminded.
    services.register(
        meeting,
        source="nomination",
        category="delegation",
        delegation_country="KR",
        **{k: v for k, v in person(5).items() if k != "category"},
    )
    db.session.commit()
    clock.move_to(datetime(2026, 8, 24, 0, 1, tzinfo=UTC))  # 7 days before closing
    sweep()
    assert _subjects(smtp_server) == [
        ("nfp-jp@example.org", f"No delegation nominated yet: {meeting.title}")
    ]
    assert "delegation of Japan" in smtp_server[0].get_content()
    kr = [r for r in _rows("nfp_empty_delegation") if r.recipient == "nfp-kr@example.org"]
    assert [(r.status, r.reason) for r in kr] == [
        (NotificationStatus.SKIPPED, "The delegation is no longer empty.")
    ]


def test_staff_are_told_of_registrations_awaiting_approval_when_the_meeting_is_near(
    app, clock, smtp_server
):
    mech = factories.mechanism()
    meeting = open_meeting(mech, now=NOW, needs_approval=True)
    staff = factories.secretariat_of(mech, email="sec@example.org")
    waiting = services.register(meeting, source="api", **person(1)).registration
    db.session.commit()
    assert waiting.status.value == "pending"
    plan()
    clock.move_to(BEGINS - timedelta(days=7))
    sweep()
    assert _subjects(smtp_server) == [
        (staff.email, f"1 registration awaits approval: {meeting.title}")
    ]


def test_digest_gathers_the_day_in_one_email_sent_once(app, clock, smtp_server):
    meeting = open_meeting(now=NOW)
    _register(meeting, 1)
    set_mode("p1@example.org", "meeting_reminder", Mode.DIGEST)
    db.session.commit()
    plan()
    clock.move_to(BEGINS - timedelta(days=14) + timedelta(minutes=1))  # 01:01 UTC
    sweep()
    assert smtp_server == []
    assert send_digests() == 0  # before 07:00 in the person's zone (UTC: no account)
    clock.move_to(BEGINS - timedelta(days=14) + timedelta(hours=7))
    assert send_digests() == 1
    assert send_digests() == 0
    (digest,) = smtp_server
    assert digest["Subject"] == "Your daily digest: 1 notification"
    assert f"Reminder: {meeting.title} begins in 14 days" in digest.get_content()
    assert {r.status for r in _rows("meeting_reminder") if r.message_db_id} == {
        NotificationStatus.DIGESTED
    }


def test_turned_off_reminders_are_recorded_not_sent(app, clock, smtp_server):
    meeting = open_meeting(now=NOW)
    _register(meeting, 1)
    set_mode("P1@example.org", "meeting_reminder", Mode.OFF)
    db.session.commit()
    plan()
    for due in (BEGINS - timedelta(days=14), BEGINS - timedelta(days=1)):
        clock.move_to(due)
        sweep()
    assert smtp_server == []
    assert [(r.status, r.reason) for r in _rows("meeting_reminder")] == [
        (NotificationStatus.SKIPPED, "Turned off by the recipient.")
    ] * 2


def test_the_zone_of_the_account_with_the_address_is_used_without_a_link(app, clock, smtp_server):
    """Registered by form before signing up: the account's zone still applies by address."""
    meeting = open_meeting(now=NOW)
    _register(meeting, 1)
    account = factories.user(email="p1@example.org")
    account.timezone = "America/New_York"
    db.session.commit()
    plan()
    clock.move_to(BEGINS - timedelta(hours=23))
    sweep()
    (message,) = smtp_server
    assert "= Tue 01 Sep 2026, 21:00 (America/New_York, your time)" in message.get_content()

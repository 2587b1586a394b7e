"""Reminders planned ahead: to participants before a meeting, to NFPs of an empty delegation
before registration closes, to staff when a meeting is near and registrations await approval.

Each is a kind (how it reads, whether it still applies when due) and a planner (which rows
should exist now). Whether it still applies is checked again when it is due, so a plan that
is a few minutes old never sends a wrong reminder: a cancelled meeting sends no "see you
tomorrow", a withdrawn registration no reminder, a filled delegation no "still empty".
"""

from datetime import datetime, time, timedelta

import sqlalchemy as sa
from flask import render_template
from sqlalchemy.orm import selectinload

from meetings.accounts.models import Role, RoleAssignment, User
from meetings.core.dates import DatePrecision
from meetings.core.models import utcnow
from meetings.core.timezones import in_zone, is_timezone, local_to_utc
from meetings.extensions import db
from meetings.mail import absolute_url
from meetings.notifications.kinds import Kind, Rendered, register
from meetings.notifications.models import Notification, NotificationStatus
from meetings.notifications.planner import Planned, planner
from meetings.notifications.recipients import recipient_zone
from meetings.registrations.models import (
    SEATED,
    Category,
    Registration,
    RegistrationSettings,
    RegistrationStatus,
)
from meetings.schedule.models import Meeting, MeetingStatus

# When a meeting without a timetable is taken to begin, in its venue's zone.
DEFAULT_START = time(9, 0)
# Meetings with these statuses are not reminded of.
NOT_HAPPENING = (MeetingStatus.CANCELLED, MeetingStatus.POSTPONED, MeetingStatus.HELD)
HORIZON_DAYS = 120  # the longest reminder a body may set, plus margin

MEETING_REMINDER = "meeting_reminder"
NFP_DELEGATION = "nfp_empty_delegation"
PENDING_APPROVALS = "pending_approvals"


def meeting_starts_at(meeting: Meeting) -> datetime | None:
    """The meeting's first moment in UTC; None when its dates are not known to the day."""
    if meeting.date_precision is not DatePrecision.DAY:
        return None
    firsts = [s.starts_at for s in meeting.sessions]
    if firsts:
        return min(firsts)
    return local_to_utc(meeting.start_date, DEFAULT_START, meeting.timezone)


def _no_longer(meeting: Meeting | None, key_date: str, now: datetime) -> str | None:
    """Why a reminder about `meeting` (planned for its start on key_date) is moot, or None."""
    if meeting is None:
        return "The meeting was deleted."
    if meeting.status in NOT_HAPPENING:
        return f"The meeting is {meeting.status.value}."
    if meeting.start_date.isoformat() != key_date:
        return "The meeting moved; a reminder for its new dates is planned."
    starts = meeting_starts_at(meeting)
    if starts is None:
        return "The meeting's dates are no longer known to the day."
    if now >= starts:
        return "Too late: the meeting has begun."
    return None


def _times(moment: datetime, venue_zone: str, reader_zone: str | None) -> dict:
    venue = in_zone(moment, venue_zone)
    reader = None
    if reader_zone and is_timezone(reader_zone) and reader_zone != venue_zone:
        reader = in_zone(moment, reader_zone)
    return {"venue": venue, "venue_zone": venue_zone, "reader": reader, "reader_zone": reader_zone}


def _reader_zone(row: Notification) -> str | None:
    return recipient_zone(row)


# -- Participants, before the meeting -----------------------------------------------------


def days_label(days: int) -> str:
    """ "today", "tomorrow", "in 14 days": when something falls, as a reminder says it."""
    if days <= 0:
        return "today"
    if days == 1:
        return "tomorrow"
    return f"in {days} days"


def render_meeting_reminder(row: Notification, _context: dict) -> Rendered:
    meeting = row.meeting
    starts = meeting_starts_at(meeting)
    when = days_label((in_zone(starts, meeting.timezone).date() - _today(meeting)).days)
    sessions = sorted(meeting.sessions, key=lambda s: s.starts_at)
    text = render_template(
        "notifications/emails/meeting_reminder.txt",
        meeting=meeting,
        when=when,
        first=_times(starts, meeting.timezone, _reader_zone(row)),
        sessions=[(s, _times(s.starts_at, meeting.timezone, _reader_zone(row))) for s in sessions],
        url=absolute_url("schedule.meeting_detail", meeting_id=meeting.id),
        ics_url=absolute_url("calendars.meeting_feed", meeting_id=meeting.id),
    )
    return Rendered(f"Reminder: {meeting.title} begins {when}", text)


def _today(meeting: Meeting):
    return in_zone(utcnow(), meeting.timezone).date()


def meeting_reminder_applies(row: Notification, now: datetime) -> str | None:
    key_date = row.key.rsplit(":", 1)[-1]
    moot = _no_longer(row.meeting, key_date, now)
    if moot:
        return moot
    registration = row.registration
    if registration is None or registration.status is not RegistrationStatus.CONFIRMED:
        return "The registration is no longer confirmed."
    if _nearer_reminder_due(row, now):
        return "Superseded: a nearer reminder for the same meeting is due too."
    return None


def _nearer_reminder_due(row: Notification, now: datetime) -> bool:
    """Caught up after a pause, the 14-day and 1-day reminders are both due: send one."""
    return db.session.scalar(
        sa.select(
            sa.exists().where(
                Notification.registration_id == row.registration_id,
                Notification.kind == MEETING_REMINDER,
                Notification.meeting_id == row.meeting_id,
                Notification.due_at > row.due_at,
                Notification.due_at <= now,
                Notification.status.in_((NotificationStatus.PLANNED, NotificationStatus.CLAIMED)),
            )
        )
    )


register(
    Kind(
        name=MEETING_REMINDER,
        label="Meeting reminders",
        description="Before each meeting you are registered for (the body sets the days: "
        "usually 14 days and 1 day before), with its times and calendar entry.",
        audience="Participants",
        render=render_meeting_reminder,
        still_applies=meeting_reminder_applies,
    )
)


def _upcoming(now: datetime, *options) -> list[Meeting]:
    return list(
        db.session.scalars(
            sa.select(Meeting)
            .where(
                Meeting.status.not_in(NOT_HAPPENING),
                Meeting.date_precision == DatePrecision.DAY,
                Meeting.start_date >= (now - timedelta(days=1)).date(),
                Meeting.start_date <= (now + timedelta(days=HORIZON_DAYS)).date(),
            )
            .options(selectinload(Meeting.sessions), selectinload(Meeting.body), *options)
        )
    )


@planner(MEETING_REMINDER)
def plan_meeting_reminders(now: datetime):
    meetings = {m.id: m for m in _upcoming(now)}
    if not meetings:
        return
    registrations = db.session.scalars(
        sa.select(Registration).where(
            Registration.meeting_id.in_(list(meetings)),
            Registration.status == RegistrationStatus.CONFIRMED,
        )
    )
    for registration in registrations:
        meeting = meetings[registration.meeting_id]
        starts = meeting_starts_at(meeting)
        if starts is None or starts <= now:
            continue
        for days in sorted(set(meeting.body.reminder_days or [])):
            due = starts - timedelta(days=days)
            # A reminder that fell due before the person registered is not owed to them.
            if due < registration.created_at:
                continue
            yield Planned(
                key=f"meeting-reminder:{meeting.id}:{registration.id}:{days}d:"
                f"{meeting.start_date.isoformat()}",
                kind=MEETING_REMINDER,
                recipient=registration.email,
                due_at=due,
                user_id=registration.user_id,
                meeting_id=meeting.id,
                registration_id=registration.id,
            )


# -- NFPs whose delegation is still empty, before registration closes ---------------------


def _delegation_count(meeting_id: int, country: str) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(Registration.id)).where(
            Registration.meeting_id == meeting_id,
            Registration.delegation_country == country,
            Registration.status.in_((*SEATED, RegistrationStatus.WAITLISTED)),
        )
    )


def render_nfp_delegation(row: Notification, _context: dict) -> Rendered:
    meeting = row.meeting
    settings = db.session.get(RegistrationSettings, meeting.id)
    country = row.payload.get("country", "")
    text = render_template(
        "notifications/emails/nfp_empty_delegation.txt",
        meeting=meeting,
        country=country,
        closes=_times(settings.closes_at, meeting.timezone, _reader_zone(row)),
        url=absolute_url("registrations.nominate", meeting_id=meeting.id),
    )
    return Rendered(f"No delegation nominated yet: {meeting.title}", text)


def nfp_delegation_applies(row: Notification, now: datetime) -> str | None:
    meeting = row.meeting
    if meeting is None or meeting.status in NOT_HAPPENING:
        return "The meeting is not taking place as planned."
    settings = db.session.get(RegistrationSettings, meeting.id)
    if settings is None or now >= settings.closes_at:
        return "Registration is closed."
    if _delegation_count(meeting.id, row.payload.get("country", "")):
        return "The delegation is no longer empty."
    return None


register(
    Kind(
        name=NFP_DELEGATION,
        label="Empty delegation reminders",
        description="To National Focal Points, when registration is about to close and no "
        "one of their member state's delegation is nominated.",
        audience="National Focal Points",
        render=render_nfp_delegation,
        still_applies=nfp_delegation_applies,
    )
)


@planner(NFP_DELEGATION)
def plan_nfp_reminders(now: datetime):
    settings_rows = db.session.scalars(
        sa.select(RegistrationSettings)
        .join(Meeting, Meeting.id == RegistrationSettings.meeting_id)
        .where(
            RegistrationSettings.closes_at > now,
            RegistrationSettings.closes_at <= now + timedelta(days=HORIZON_DAYS),
            Meeting.status.not_in(NOT_HAPPENING),
        )
        .options(selectinload(RegistrationSettings.meeting).selectinload(Meeting.body))
    ).all()
    settings_rows = [s for s in settings_rows if Category.DELEGATION.value in s.categories]
    if not settings_rows:
        return
    mechanisms = {s.meeting.body.mechanism_id for s in settings_rows}
    nfps = db.session.execute(
        sa.select(RoleAssignment.mechanism_id, RoleAssignment.country_code, User)
        .join(User, User.id == RoleAssignment.user_id)
        .where(
            RoleAssignment.role == Role.NFP,
            RoleAssignment.mechanism_id.in_(mechanisms),
            User.is_active,
        )
    ).all()
    filled = set(
        db.session.execute(
            sa.select(Registration.meeting_id, Registration.delegation_country)
            .where(
                Registration.meeting_id.in_([s.meeting_id for s in settings_rows]),
                Registration.delegation_country.is_not(None),
                Registration.status.in_((*SEATED, RegistrationStatus.WAITLISTED)),
            )
            .distinct()
        ).all()
    )
    for settings in settings_rows:
        meeting = settings.meeting
        due = settings.closes_at - timedelta(days=meeting.body.nfp_reminder_days)
        for mechanism_id, country, user in nfps:
            if mechanism_id != meeting.body.mechanism_id or (meeting.id, country) in filled:
                continue
            yield Planned(
                key=f"nfp-delegation:{meeting.id}:{country}:{user.id}:"
                f"{settings.closes_at:%Y%m%dT%H%M}",
                kind=NFP_DELEGATION,
                recipient=user.email,
                due_at=due,
                user_id=user.id,
                meeting_id=meeting.id,
                payload={"country": country},
            )


# -- Staff, when a meeting is near and registrations await approval ------------------------


def _pending_count(meeting_id: int) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(Registration.id)).where(
            Registration.meeting_id == meeting_id,
            Registration.status == RegistrationStatus.PENDING,
        )
    )


def render_pending_approvals(row: Notification, _context: dict) -> Rendered:
    meeting = row.meeting
    count = _pending_count(meeting.id)
    text = render_template(
        "notifications/emails/pending_approvals.txt",
        meeting=meeting,
        count=count,
        first=_times(meeting_starts_at(meeting), meeting.timezone, _reader_zone(row)),
        url=absolute_url("registrations.manage", meeting_id=meeting.id, status="pending"),
    )
    noun = "registration awaits" if count == 1 else "registrations await"
    return Rendered(f"{count} {noun} approval: {meeting.title}", text)


def pending_approvals_applies(row: Notification, now: datetime) -> str | None:
    key_date = row.key.rsplit(":", 1)[-1]
    moot = _no_longer(row.meeting, key_date, now)
    if moot:
        return moot
    if not _pending_count(row.meeting_id):
        return "No registration awaits approval any more."
    return None


register(
    Kind(
        name=PENDING_APPROVALS,
        label="Registrations awaiting approval",
        description="To the secretariat, when a meeting is near and registrations still "
        "await approval.",
        audience="Secretariat and body managers",
        render=render_pending_approvals,
        still_applies=pending_approvals_applies,
    )
)


@planner(PENDING_APPROVALS)
def plan_approval_reminders(now: datetime):
    pending = dict(
        db.session.execute(
            sa.select(Registration.meeting_id, sa.func.count(Registration.id))
            .where(Registration.status == RegistrationStatus.PENDING)
            .group_by(Registration.meeting_id)
        ).all()
    )
    if not pending:
        return
    meetings = [m for m in _upcoming(now) if m.id in pending]
    if not meetings:
        return
    mechanisms = {m.body.mechanism_id for m in meetings}
    bodies = {m.body_id for m in meetings}
    staff = db.session.execute(
        sa.select(RoleAssignment.role, RoleAssignment.mechanism_id, RoleAssignment.body_id, User)
        .join(User, User.id == RoleAssignment.user_id)
        .where(
            User.is_active,
            sa.or_(
                sa.and_(
                    RoleAssignment.role == Role.SECRETARIAT,
                    RoleAssignment.mechanism_id.in_(mechanisms),
                ),
                sa.and_(
                    RoleAssignment.role == Role.BODY_MANAGER, RoleAssignment.body_id.in_(bodies)
                ),
            ),
        )
    ).all()
    for meeting in meetings:
        starts = meeting_starts_at(meeting)
        if starts is None or starts <= now:
            continue
        due = starts - timedelta(days=meeting.body.approval_reminder_days)
        told: set[int] = set()
        for role, mechanism_id, body_id, user in staff:
            ours = (role is Role.SECRETARIAT and mechanism_id == meeting.body.mechanism_id) or (
                role is Role.BODY_MANAGER and body_id == meeting.body_id
            )
            if not ours or user.id in told:
                continue
            told.add(user.id)
            yield Planned(
                key=f"pending-approvals:{meeting.id}:{user.id}:{meeting.start_date.isoformat()}",
                kind=PENDING_APPROVALS,
                recipient=user.email,
                due_at=due,
                user_id=user.id,
                meeting_id=meeting.id,
            )

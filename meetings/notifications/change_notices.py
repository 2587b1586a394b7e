"""Tell registered participants when their meeting's time, place or status changes, or when
one of its sessions moves: what changed, old and new.

The schedule sends a signal inside the transaction of the change; the notices are written
as notifications due now in that same transaction (one statement for all participants) and
a sweep is asked for after the commit, so the request stays quick with many participants
and the notices exist exactly when the change does.
"""

from datetime import datetime

import sqlalchemy as sa
from flask import render_template

from meetings.core.models import utcnow
from meetings.extensions import db
from meetings.mail import absolute_url
from meetings.notifications.dispatch import sweep_after_commit
from meetings.notifications.kinds import Kind, Rendered, register
from meetings.notifications.models import Notification
from meetings.notifications.planner import Planned, insert_planned
from meetings.registrations.models import SEATED, Registration, RegistrationStatus
from meetings.schedule.models import Meeting, MeetingStatus, Session
from meetings.schedule.signals import meeting_rescheduled, session_rescheduled

MEETING_CHANGE = "meeting_change"
SESSION_CHANGE = "session_change"
TOLD = (*SEATED, RegistrationStatus.WAITLISTED)


def _active_registrations(meeting_id: int) -> list[tuple[int, str, int | None]]:
    return list(
        db.session.execute(
            sa.select(Registration.id, Registration.email, Registration.user_id).where(
                Registration.meeting_id == meeting_id, Registration.status.in_(TOLD)
            )
        ).all()
    )


def _plan_notices(kind: str, prefix: str, meeting_id: int, changes, extra: dict) -> None:
    now = utcnow()
    items = [
        Planned(
            key=f"{prefix}:{registration_id}",
            kind=kind,
            recipient=email,
            due_at=now,
            user_id=user_id,
            meeting_id=meeting_id,
            registration_id=registration_id,
            payload={"changes": [list(c) for c in changes], **extra},
        )
        for registration_id, email, user_id in _active_registrations(meeting_id)
    ]
    if items:
        insert_planned(items, now)
        sweep_after_commit()


@meeting_rescheduled.connect
def _meeting_changed(meeting: Meeting, changes: list[tuple[str, str, str]]) -> None:
    prefix = f"meeting-change:{meeting.id}:{meeting.sequence}"
    _plan_notices(MEETING_CHANGE, prefix, meeting.id, changes, {"sequence": meeting.sequence})


@session_rescheduled.connect
def _session_changed(session: Session, changes: list[tuple[str, str, str]]) -> None:
    prefix = f"session-change:{session.id}:{session.sequence}"
    extra = {"session_id": session.id, "session_title": session.title}
    _plan_notices(SESSION_CHANGE, prefix, session.meeting_id, changes, extra)


def _registration_applies(row: Notification, _now: datetime) -> str | None:
    if row.meeting is None:
        return "The meeting was deleted."
    registration = row.registration
    if registration is None or registration.status not in TOLD:
        return "The registration was withdrawn."
    return None


def _render(row: Notification, what: str, subject: str) -> Rendered:
    meeting = row.meeting
    text = render_template(
        "notifications/emails/change_notice.txt",
        meeting=meeting,
        what=what,
        changes=row.payload.get("changes", []),
        cancelled=meeting.status is MeetingStatus.CANCELLED,
        url=absolute_url("schedule.meeting_detail", meeting_id=meeting.id),
        ics_url=absolute_url("calendars.meeting_feed", meeting_id=meeting.id),
    )
    return Rendered(subject, text)


def render_meeting_change(row: Notification, _context: dict) -> Rendered:
    meeting = row.meeting
    statuses = [c for c in row.payload.get("changes", []) if c[0] == "Status"]
    if statuses and meeting.status is MeetingStatus.CANCELLED:
        return _render(row, meeting.title, f"Cancelled: {meeting.title}")
    return _render(row, meeting.title, f"Changed: {meeting.title}")


def render_session_change(row: Notification, _context: dict) -> Rendered:
    title = row.payload.get("session_title", "A session")
    return _render(row, f"{title} ({row.meeting.title})", f"Session moved: {title}")


register(
    Kind(
        name=MEETING_CHANGE,
        label="Meeting changes",
        description="When a meeting you are registered for changes its dates, place or "
        "status (postponed, cancelled): what changed, old and new.",
        audience="Participants",
        render=render_meeting_change,
        still_applies=_registration_applies,
    )
)
register(
    Kind(
        name=SESSION_CHANGE,
        label="Session changes",
        description="When a session of a meeting you are registered for moves to another "
        "time or room.",
        audience="Participants",
        render=render_session_change,
        still_applies=_registration_applies,
    )
)

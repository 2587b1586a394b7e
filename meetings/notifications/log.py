"""A meeting's notification log: what became of each notification, counted and paged in a
constant number of statements, for the staff page and the API alike."""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager

from meetings.core.timezones import in_zone
from meetings.extensions import db
from meetings.mail.models import MESSAGE_STATUS_LABELS, MessageStatus, OutgoingMessage
from meetings.notifications import kinds
from meetings.notifications.models import (
    NOTIFICATION_STATUS_LABELS,
    Notification,
    NotificationStatus,
)
from meetings.schedule.models import Meeting


class Outcome(StrEnum):
    """What became of a notification, as the log counts and filters it."""

    PLANNED = "planned"  # due later, or being prepared
    SENT = "sent"  # its email (alone or in a digest) was accepted by the mail server
    WAITING = "waiting"  # its email waits to be sent, or to be tried again
    FAILED = "failed"  # could not be written, or the mail server refused it
    SKIPPED = "skipped"  # not sent on purpose (turned off, no longer applies) or cancelled
    DIGEST = "digest"  # waits for the person's daily digest


OUTCOME_LABELS = {
    Outcome.PLANNED: "Planned",
    Outcome.SENT: "Sent",
    Outcome.WAITING: "Waiting to be sent",
    Outcome.FAILED: "Failed",
    Outcome.SKIPPED: "Not sent or cancelled",
    Outcome.DIGEST: "Waiting for the daily digest",
}

N, M = Notification, OutgoingMessage
S = NotificationStatus


def _outcome() -> sa.Case:
    """The outcome of each notification row, as SQL (over the notification and its email)."""
    return sa.case(
        (N.status.in_([S.PLANNED, S.CLAIMED]), Outcome.PLANNED.value),
        (N.status == S.DIGEST, Outcome.DIGEST.value),
        (N.status.in_([S.SKIPPED, S.CANCELLED]), Outcome.SKIPPED.value),
        (N.status == S.FAILED, Outcome.FAILED.value),
        (M.status == MessageStatus.SENT, Outcome.SENT.value),
        (M.status == MessageStatus.FAILED, Outcome.FAILED.value),
        else_=Outcome.WAITING.value,
    )


def _of_meeting(meeting_id: int) -> sa.Select:
    return sa.select(N).outerjoin(M, M.id == N.message_db_id).where(N.meeting_id == meeting_id)


def outcome_counts(meeting_id: int) -> dict[str, int]:
    """How many of the meeting's notifications have each outcome (one statement)."""
    each = _of_meeting(meeting_id).with_only_columns(_outcome().label("outcome")).subquery()
    counted = sa.select(each.c.outcome, sa.func.count()).group_by(each.c.outcome)
    found = {outcome: count for outcome, count in db.session.execute(counted)}
    return {o.value: found.get(o.value, 0) for o in Outcome}


@dataclass(frozen=True)
class LogRow:
    """A notification as the log shows it."""

    notification: Notification
    kind_label: str
    due_venue: datetime  # due_at in the venue's zone
    outcome: Outcome
    status_label: str  # what became of it
    detail: str  # when it was sent; the mail server's reason; the attempts so far
    can_retry: bool


def page_of_log(meeting: Meeting, outcome: Outcome | None, page: int, size: int) -> list[LogRow]:
    """The meeting's notifications, latest due first, with their emails (one statement)."""
    stmt = _of_meeting(meeting.id).options(contains_eager(N.message))
    if outcome is not None:
        stmt = stmt.where(_outcome() == outcome.value)
    stmt = stmt.order_by(N.due_at.desc(), N.id.desc()).limit(size).offset((page - 1) * size)
    return [_row(n, meeting) for n in db.session.scalars(stmt)]


def _row(n: Notification, meeting: Meeting) -> LogRow:
    kind = kinds.KINDS.get(n.kind)
    outcome, label, detail = _describe(n)
    return LogRow(
        notification=n,
        kind_label=kind.label if kind else n.kind,
        due_venue=in_zone(n.due_at, meeting.timezone),
        outcome=outcome,
        status_label=label,
        detail=detail,
        can_retry=retry_problem(n) is None,
    )


def _describe(n: Notification) -> tuple[Outcome, str, str]:
    """Outcome, status and detail; for a written notification, its email's."""
    if n.status in (S.QUEUED, S.DIGESTED):
        return _describe_message(n.message, digested=n.status is S.DIGESTED)
    outcome = {
        S.PLANNED: Outcome.PLANNED,
        S.CLAIMED: Outcome.PLANNED,
        S.DIGEST: Outcome.DIGEST,
        S.FAILED: Outcome.FAILED,
    }.get(n.status, Outcome.SKIPPED)
    return outcome, NOTIFICATION_STATUS_LABELS[n.status], ""


def _describe_message(m: OutgoingMessage | None, digested: bool) -> tuple[Outcome, str, str]:
    if m is None:
        return Outcome.WAITING, "Written", "The record of its email is gone."
    within = " in a daily digest" if digested else ""
    if m.status is MessageStatus.SENT:
        sent = f"{m.sent_at:%Y-%m-%d %H:%M} UTC" if m.sent_at else ""
        return Outcome.SENT, f"Sent{within}", sent
    if m.status is MessageStatus.FAILED:
        kept = "" if m.raw is not None else " Its copy is not kept: it carried a secret link."
        return Outcome.FAILED, f"Failed{within}", (m.last_error + kept).strip()
    tries = f"{m.attempts} attempt{'s' if m.attempts != 1 else ''} so far."
    last = f" Last: {m.last_error}" if m.last_error else ""
    return Outcome.WAITING, MESSAGE_STATUS_LABELS[m.status] + within, tries + last


def retry_problem(n: Notification) -> str | None:
    """Why the notification's email cannot be sent again, or None when it can."""
    m = n.message
    if m is None or n.status not in (S.QUEUED, S.DIGESTED):
        return "This notification has no email to send again."
    if m.status is not MessageStatus.FAILED:
        return "Its email has not failed: there is nothing to send again."
    if m.raw is None:
        return "Its email carried a secret link, so no copy is kept: the person asks for a new one."
    return None

"""Tell a person something: record it under its key, then write it as the person wants.

`notify` is what domains call for something that happened now (a registration approved, a
meeting moved); the planner calls `plan` for what falls due later (a reminder). Either way
the notification is a row under a unique key, and `process` turns a due row into an email
(or a digest entry, or a recorded "off") inside the caller's transaction, so the email
exists if and only if the change that caused it commits.
"""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import current_app
from jinja2 import TemplateError
from sqlalchemy.exc import IntegrityError

from meetings.core.models import utcnow
from meetings.extensions import db
from meetings.mail.sender import queue_message
from meetings.notifications import kinds, unsubscribe
from meetings.notifications.models import Mode, Notification, NotificationStatus
from meetings.notifications.preferences import Chosen, mode_for


def notify(
    kind_name: str,
    *,
    key: str,
    recipient: str | None,
    user_id: int | None = None,
    meeting_id: int | None = None,
    registration_id: int | None = None,
    payload: dict[str, Any] | None = None,
    context: dict[str, Any] | None = None,
) -> Notification | None:
    """Record and write now; None if the key was already used (it is told once).

    `payload` is stored with the row; `context` only reaches the writing of the message
    (a confirmation link's secret must not be kept in the database).
    """
    row = _add(
        Notification(
            key=key,
            kind=kind_name,
            recipient=(recipient or "").strip().lower(),
            user_id=user_id,
            meeting_id=meeting_id,
            registration_id=registration_id,
            payload=payload or {},
            due_at=utcnow(),
            status=NotificationStatus.CLAIMED,
        )
    )
    if row is not None:
        process(row, utcnow(), context or {})
    return row


def _add(row: Notification) -> Notification | None:
    exists = db.session.scalar(sa.select(Notification.id).where(Notification.key == row.key))
    if exists is not None:
        return None
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:  # the same key, written by someone else meanwhile
        return None
    return row


def process(
    row: Notification,
    now: datetime,
    context: dict[str, Any] | None = None,
    chosen: Chosen | None = None,
) -> None:
    """Settle one claimed notification: write its email, put it in the digest, or skip it.

    A failure to write it (no address, a template error) fails this row with its reason; it
    happens before anything is added, so the rest of a batch goes on.
    """
    kind = kinds.KINDS.get(row.kind)
    row.processed_at = now
    if kind is None:
        return _settle(row, NotificationStatus.FAILED, f"Unknown kind {row.kind!r}.")
    reason = kind.still_applies(row, now)
    if reason:
        return _settle(row, NotificationStatus.SKIPPED, reason)
    if not row.recipient:
        return _settle(row, NotificationStatus.FAILED, "The person has no email address.")
    mode = mode_for(row.recipient, row.kind, chosen)
    if mode is Mode.OFF:
        return _settle(row, NotificationStatus.SKIPPED, "Turned off by the recipient.")
    if mode is Mode.DIGEST:
        return _settle(row, NotificationStatus.DIGEST, "")
    try:
        rendered = kind.render(row, context or {})
    except (TemplateError, LookupError, TypeError, ValueError, AttributeError) as error:
        current_app.logger.exception("Could not write notification %s", row.key)
        return _settle(row, NotificationStatus.FAILED, f"Could not write the message: {error}")
    write(row, kind, rendered)


def write(row: Notification, kind: kinds.Kind, rendered: kinds.Rendered) -> None:
    """Put the written message in the outbox; it is inserted with the batch's commit."""
    footer = ""
    headers: dict[str, str] = {"X-Notification-Key": row.key}
    if not kind.mandatory:
        footer = (
            f"\n\n--\nYou receive this because of your {kind.label.lower()} setting."
            f"\nTo stop these emails: {unsubscribe.page_url(row.recipient, kind.name)}\n"
        )
        headers.update(unsubscribe.headers(row.recipient, kind.name))
    row.message = queue_message(
        row.recipient,
        rendered.subject,
        rendered.text + footer,
        kind=kind.name,
        key=row.key,
        meeting_id=row.meeting_id,
        sensitive=kind.sensitive,
        headers=headers,
    )
    row.status = NotificationStatus.QUEUED
    row.reason = ""


def _settle(row: Notification, status: NotificationStatus, reason: str) -> None:
    row.status = status
    row.reason = reason

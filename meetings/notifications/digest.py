"""The daily digest: what each person chose to receive once a day, in one email.

Checked every few minutes; a person's digest goes once their local time (their account's
zone, else UTC) passes NOTIFY_DIGEST_HOUR, once per local day: the digest's key
"digest:<address>:<date>" is unique, so two checks running at once send one digest, and
what arrives after today's digest waits for tomorrow's.
"""

from collections import defaultdict
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from jinja2 import TemplateError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from meetings.core.models import utcnow
from meetings.core.timezones import in_zone, is_timezone
from meetings.extensions import db
from meetings.mail.models import OutgoingMessage
from meetings.mail.sender import queue_message
from meetings.notifications import kinds, unsubscribe
from meetings.notifications.models import Notification, NotificationStatus
from meetings.notifications.recipients import recipient_zone


def send_digests(now: datetime | None = None) -> int:
    """Write today's digest for everyone whose hour has come; return how many were written."""
    now = now or utcnow()
    waiting = db.session.scalars(
        sa.select(Notification)
        .where(Notification.status == NotificationStatus.DIGEST)
        .options(selectinload(Notification.user), selectinload(Notification.meeting))
        .order_by(Notification.recipient, Notification.created_at, Notification.id)
    )
    by_person: dict[str, list[Notification]] = defaultdict(list)
    for row in waiting:
        by_person[row.recipient].append(row)
    written = 0
    for recipient, rows in by_person.items():
        key = _key_if_due(recipient, rows, now)
        if key is None:
            continue
        try:
            with db.session.begin_nested():
                written += _write(recipient, rows, key, now)
        except IntegrityError:
            continue  # another check wrote this digest meanwhile
    db.session.commit()
    return written


def _key_if_due(recipient: str, rows: list[Notification], now: datetime) -> str | None:
    zone = recipient_zone(rows[0])
    zone = zone if is_timezone(zone) else "UTC"
    local = in_zone(now, zone)
    if local.hour < current_app.config["NOTIFY_DIGEST_HOUR"]:
        return None
    key = f"digest:{recipient}:{local.date().isoformat()}"
    if db.session.scalar(sa.select(OutgoingMessage.id).where(OutgoingMessage.key == key)):
        return None
    return key


def _write(recipient: str, rows: list[Notification], key: str, now: datetime) -> int:
    parts = []
    for row in rows:
        kind = kinds.KINDS.get(row.kind)
        row.processed_at = now
        reason = kind.still_applies(row, now) if kind else f"Unknown kind {row.kind!r}."
        if reason:
            row.status, row.reason = NotificationStatus.SKIPPED, reason
            continue
        try:
            rendered = kind.render(row, {})
        except (TemplateError, LookupError, TypeError, ValueError, AttributeError) as error:
            row.status, row.reason = NotificationStatus.FAILED, f"Could not write it: {error}"
            continue
        parts.append((row, kind, rendered))
    if not parts:
        return 0
    lines = [
        f"{len(parts)} notification{'s' if len(parts) != 1 else ''} since your last digest.",
        "",
    ]
    for _row, kind, rendered in parts:
        lines += ["=" * 70, rendered.subject, "-" * 70, rendered.text.strip(), ""]
        lines.append(f"(Stop {kind.label.lower()}: {unsubscribe.page_url(recipient, kind.name)})")
        lines.append("")
    lines += ["--", f"Stop all optional emails: {unsubscribe.page_url(recipient, unsubscribe.ALL)}"]
    subject = f"Your daily digest: {len(parts)} notification{'s' if len(parts) != 1 else ''}"
    headers = {"X-Notification-Key": key, **unsubscribe.headers(recipient, unsubscribe.ALL)}
    message = queue_message(
        recipient,
        subject,
        "\n".join(lines),
        kind="digest",
        key=key,
        sensitive=False,
        headers=headers,
    )
    db.session.flush()
    for row, _kind, _rendered in parts:
        row.status, row.message_db_id, row.reason = NotificationStatus.DIGESTED, message.id, ""
    return 1

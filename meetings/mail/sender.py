"""Write each email into the outbox table, in the transaction of the change that causes it.

A message about a change (an invitation, a reset link) must not leave if the change does not
happen, and must not be lost once it did: it is a row committed with the change, and after
the commit it is handed to a Celery worker (delivery.py). If that hand-over fails (the
broker is down), the periodic sweep hands it over later; nothing waits in memory.
"""

from collections.abc import Mapping
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app

from meetings.core.after_commit import later, on_commit
from meetings.core.background import enqueue
from meetings.core.models import utcnow
from meetings.extensions import db
from meetings.mail.models import OutgoingMessage

DELIVER_TASK = "mail.deliver_messages"
BATCH = 100


def build_message(
    to: str,
    subject: str,
    text: str,
    html: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain=_sender_domain())
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(text)
    if html:
        message.add_alternative(html, subtype="html")
    return message


def _sender_domain() -> str:
    address = current_app.config["MAIL_DEFAULT_SENDER"].rstrip(">")
    return address.rpartition("@")[2] or "localhost"


def queue_message(
    to: str,
    subject: str,
    text: str,
    html: str | None = None,
    *,
    kind: str = "account",
    key: str | None = None,
    meeting_id: int | None = None,
    sensitive: bool = True,
    headers: Mapping[str, str] | None = None,
) -> OutgoingMessage:
    """Add the message to the outbox in the current transaction; it leaves after the commit."""
    message = build_message(to, subject, text, html, headers)
    now = utcnow()
    row = OutgoingMessage(
        created_at=now,
        next_attempt_at=now,
        enqueued_at=now,  # handed over right after the commit
        key=key,
        kind=kind,
        meeting_id=meeting_id,
        recipient=to,
        subject=subject[:300],
        message_id=message["Message-ID"],
        # RFC 5322's canonical form (CRLF line ends), as SMTP carries it.
        raw=message.as_bytes(policy=message.policy.clone(linesep="\r\n")),
        sensitive=sensitive,
    )
    db.session.add(row)
    hand_over_after_commit(row)
    return row


def send_email(to: str, subject: str, text: str, html: str | None = None) -> OutgoingMessage:
    """An account message (invitation, reset link): always sent, and its copy not kept."""
    return queue_message(to, subject, text, html)


def hand_over_after_commit(row: OutgoingMessage) -> None:
    """Give the message to a worker once the current transaction commits."""
    later(HAND_OVER, row)


def _hand_over(rows: list[OutgoingMessage]) -> None:
    ids = [row.id for row in rows if row.id is not None]
    for start in range(0, len(ids), BATCH):
        enqueue(DELIVER_TASK, ids[start : start + BATCH])


on_commit(HAND_OVER := "mail.hand_over", _hand_over)

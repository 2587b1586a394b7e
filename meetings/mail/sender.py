"""Queue messages on the database session; send them after its commit, drop them on rollback.

A message about a change (an invitation, a reset link) must not leave if the change does not
happen, and must not be lost once it did: so it waits for the commit. `deliver` is the
transport alone, so that a task can call it later.
"""

import smtplib
import ssl
import uuid
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

import sqlalchemy as sa
from flask import Flask, current_app
from sqlalchemy.orm import Session as OrmSession

from meetings.core.models import utcnow
from meetings.extensions import db

QUEUE_KEY = "mail_queue"


def build_message(to: str, subject: str, text: str, html: str | None = None) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain=_sender_domain())
    message.set_content(text)
    if html:
        message.add_alternative(html, subtype="html")
    return message


def _sender_domain() -> str:
    address = current_app.config["MAIL_DEFAULT_SENDER"].rstrip(">")
    return address.rpartition("@")[2] or "localhost"


def send_email(to: str, subject: str, text: str, html: str | None = None) -> EmailMessage:
    """Queue a message; it is sent when the current transaction commits."""
    message = build_message(to, subject, text, html)
    session = db.session()
    if not session.in_transaction():
        session.begin()  # so that a rollback, even with nothing else done, drops the message
    session.info.setdefault(QUEUE_KEY, []).append(message)
    return message


def deliver(message: EmailMessage) -> None:
    """Send now: by SMTP when MAIL_SERVER is set, else into the instance outbox folder."""
    config = current_app.config
    if config.get("MAIL_SERVER"):
        _send_smtp(message, config)
    else:
        _write_outbox(message, outbox_path())


def outbox_path() -> Path:
    folder = current_app.config.get("MAIL_OUTBOX") or "outbox"
    return Path(current_app.instance_path) / folder


def _send_smtp(message: EmailMessage, config) -> None:
    server, port = config["MAIL_SERVER"], int(config["MAIL_PORT"])
    with smtplib.SMTP(server, port, timeout=config.get("MAIL_TIMEOUT", 10)) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls(context=ssl.create_default_context())
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        smtp.send_message(message)


def _write_outbox(message: EmailMessage, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{utcnow():%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}.eml"
    path.write_bytes(message.as_bytes())
    return path


def _after_commit(session: OrmSession) -> None:
    for message in session.info.pop(QUEUE_KEY, []):
        try:
            deliver(message)
        except (OSError, smtplib.SMTPException):
            # The change is committed; a failed send must not turn it into an error page.
            current_app.logger.exception("Could not send mail to %s", message["To"])


def _discard(session: OrmSession, previous_transaction) -> None:
    if not previous_transaction.nested:
        session.info.pop(QUEUE_KEY, None)


def init_app(app: Flask) -> None:
    for name, listener in (("after_commit", _after_commit), ("after_soft_rollback", _discard)):
        if not sa.event.contains(db.session, name, listener):
            sa.event.listen(db.session, name, listener)

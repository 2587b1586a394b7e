"""Hand one message to the world: SMTP when MAIL_SERVER is set, else an .eml in the outbox.

A worker process keeps its SMTP connection open between messages (a batch of reminders
costs one connection, not one per message) and opens a new one when the old one broke. The
connection is kept per thread; a thread that ends (a request's, where tasks run eagerly)
closes its own.
"""

import smtplib
import ssl
import threading
import uuid
from pathlib import Path

from flask import current_app

from meetings.core.models import utcnow


class PermanentFailure(Exception):
    """The server refused the message for good (a 5xx reply): sending again cannot help."""


class TemporaryFailure(Exception):
    """The server was unreachable or asked to try later (a 4xx reply, a dropped connection)."""


class _Kept:
    """A thread's SMTP connection, closed when the thread ends and its locals go."""

    def __init__(self, smtp: smtplib.SMTP, where: tuple) -> None:
        self.smtp, self.where = smtp, where

    def __del__(self) -> None:
        self.smtp.close()


_local = threading.local()


def send_raw(raw: bytes, sender: str, recipient: str) -> None:
    """Send the bytes of one message; raise PermanentFailure or TemporaryFailure."""
    config = current_app.config
    if not config.get("MAIL_SERVER"):
        write_outbox(raw, outbox_path())
        return
    try:
        _send_smtp(raw, sender, recipient, config)
    except smtplib.SMTPRecipientsRefused as error:
        code, reply = next(iter(error.recipients.values()))
        _raise_for(code, reply, error)
    except smtplib.SMTPAuthenticationError as error:
        # A wrong password is the site's to fix; the message waits for it.
        raise TemporaryFailure(_describe(error.smtp_code, error.smtp_error)) from error
    except smtplib.SMTPResponseException as error:
        _raise_for(error.smtp_code, error.smtp_error, error)
    except (OSError, smtplib.SMTPException) as error:
        _close()
        raise TemporaryFailure(str(error) or type(error).__name__) from error


def _raise_for(code: int, reply: bytes | str, error: Exception) -> None:
    described = _describe(code, reply)
    if 500 <= code < 600:
        raise PermanentFailure(described) from error
    _close()
    raise TemporaryFailure(described) from error


def _describe(code: int, reply: bytes | str) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    return f"{code} {text}".strip()


def _send_smtp(raw: bytes, sender: str, recipient: str, config) -> None:
    smtp = _connection(config)
    try:
        smtp.sendmail(sender, [recipient], raw)
    except smtplib.SMTPServerDisconnected:
        # The kept connection timed out on the server's side: one fresh try.
        _close()
        _connection(config).sendmail(sender, [recipient], raw)
    except smtplib.SMTPRecipientsRefused:
        try:
            smtp.rset()  # ready for the next message on this connection
        except (OSError, smtplib.SMTPException):
            _close()
        raise


def _connection(config) -> smtplib.SMTP:
    where = (config["MAIL_SERVER"], int(config["MAIL_PORT"]), config.get("MAIL_USERNAME"))
    kept = getattr(_local, "kept", None)
    if kept is not None and kept.where == where:
        return kept.smtp
    _close()
    smtp = smtplib.SMTP(where[0], where[1], timeout=config.get("MAIL_TIMEOUT", 10))
    try:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls(context=ssl.create_default_context())
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
    except BaseException:
        smtp.close()
        raise
    _local.kept = _Kept(smtp, where)
    return smtp


def _close() -> None:
    kept = getattr(_local, "kept", None)
    _local.kept = None
    if kept is not None:
        try:
            kept.smtp.quit()
        except (OSError, smtplib.SMTPException):
            kept.smtp.close()


def outbox_path() -> Path:
    folder = current_app.config.get("MAIL_OUTBOX") or "outbox"
    return Path(current_app.instance_path) / folder


def write_outbox(raw: bytes, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{utcnow():%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}.eml"
    temporary = path.with_suffix(".part")
    temporary.write_bytes(raw)
    temporary.rename(path)  # readers never see half a file
    return path

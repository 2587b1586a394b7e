"""The outbox: a message is a row committed with its cause, and leaves after the commit."""

import email
import email.policy

import pytest
import sqlalchemy as sa

from meetings.extensions import db
from meetings.mail import send_email
from meetings.mail.models import MessageStatus, OutgoingMessage
from meetings.mail.transport import outbox_path


@pytest.fixture
def outbox(app):
    return outbox_path()


def _read(path):
    return email.message_from_bytes(path.read_bytes(), policy=email.policy.default)


def _rows():
    return db.session.scalars(sa.select(OutgoingMessage).order_by(OutgoingMessage.id)).all()


def test_without_smtp_server_the_message_is_an_eml_file(app, outbox):
    send_email("aiko@example.org", "Hello", "Plain words.")
    db.session.commit()
    (path,) = outbox.glob("*.eml")
    message = _read(path)
    assert (message["To"], message["Subject"]) == ("aiko@example.org", "Hello")
    assert message.get_content().strip() == "Plain words."
    assert "no-reply@localhost" in message["From"]


def test_mail_waits_for_the_commit(app, outbox):
    send_email("aiko@example.org", "After commit", "Text.", html="<p>Text.</p>")
    assert not outbox.exists() or list(outbox.glob("*.eml")) == []
    db.session.commit()
    (path,) = outbox.glob("*.eml")
    assert _read(path).get_body(preferencelist=("html",)).get_content().strip() == "<p>Text.</p>"


def test_mail_is_dropped_on_rollback(app, outbox):
    send_email("aiko@example.org", "Never", "Text.")
    db.session.rollback()
    db.session.commit()
    assert not outbox.exists() or list(outbox.glob("*.eml")) == []
    assert _rows() == []


def test_smtp_transport_sends_to_the_server_and_records_it(app, smtp_server):
    send_email("aiko@example.org", "By SMTP", "Text.")
    db.session.commit()
    assert [m["Subject"] for m in smtp_server] == ["By SMTP"]
    db.session.expire_all()
    (row,) = _rows()
    assert (row.status, row.attempts, row.recipient) == (MessageStatus.SENT, 1, "aiko@example.org")
    assert row.sent_at is not None
    assert row.raw is None  # an account message (a secret link) is not kept once sent

import email
import email.policy

import pytest

from meetings.extensions import db
from meetings.mail import deliver, send_email
from meetings.mail.sender import build_message, outbox_path


@pytest.fixture
def outbox(app):
    return outbox_path()


def _read(path):
    return email.message_from_bytes(path.read_bytes(), policy=email.policy.default)


def test_outbox_transport_writes_an_eml_file(app, outbox):
    with app.test_request_context():
        deliver(build_message("aiko@example.org", "Hello", "Plain words."))
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


def test_smtp_transport_sends_to_the_server(app, smtp_server):
    send_email("aiko@example.org", "By SMTP", "Text.")
    db.session.commit()
    assert [m["Subject"] for m in smtp_server] == ["By SMTP"]

"""Delivery: each outbox row sent once, retried with backoff while the SMTP server fails,
failed for good (with the server's reason) when it refuses, re-sent after a dead worker."""

import gc
import threading
import warnings
from datetime import timedelta

import pytest
import time_machine
from aiosmtpd.controller import Controller

from meetings.core.models import utcnow
from meetings.extensions import db
from meetings.mail import delivery, queue_message
from meetings.mail.delivery import deliver_batch, requeue_due
from meetings.mail.models import MessageStatus, OutgoingMessage
from meetings.mail.transport import send_raw
from tests.conftest import _Collector, _free_port


class _Refusing(_Collector):
    """Accepts mail, except for addresses starting with "nobody"."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("nobody"):
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"


@pytest.fixture
def refusing_server(app):
    handler = _Refusing()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
    yield handler.messages
    controller.stop()


def _queue(*recipients: str) -> list[int]:
    rows = [queue_message(r, f"To {r}", "Text.", kind="test", sensitive=False) for r in recipients]
    db.session.commit()
    return [r.id for r in rows]


def _row(message_id: int) -> OutgoingMessage:
    db.session.expire_all()
    return db.session.get(OutgoingMessage, message_id)


def test_a_refused_recipient_fails_with_the_reason_and_the_rest_goes_on(app, refusing_server):
    ids = _queue("aiko@example.org", "nobody@example.org", "bao@example.org")
    assert [m["To"] for m in refusing_server] == ["aiko@example.org", "bao@example.org"]
    refused = _row(ids[1])
    assert refused.status is MessageStatus.FAILED
    assert refused.last_error == "550 5.1.1 No such user here"
    assert refused.raw is not None  # kept: staff may send it again once the address is fixed


def test_an_unreachable_server_is_retried_with_backoff_until_it_answers(app, smtp_server):
    port = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = _free_port()  # nothing listens there
    (message_id,) = _queue("aiko@example.org")
    row = _row(message_id)
    assert (row.status, row.attempts) == (MessageStatus.QUEUED, 1)
    assert "refused" in row.last_error.lower()
    first_retry = row.next_attempt_at
    assert timedelta(seconds=29) < first_retry - utcnow() <= timedelta(seconds=30)

    assert requeue_due() == 0  # the backoff has not run out: nothing is handed over
    with time_machine.travel(first_retry + timedelta(seconds=61), tick=False):
        assert requeue_due() == 1  # still down: second attempt, twice the wait
        row = _row(message_id)
        assert row.attempts == 2
        assert row.next_attempt_at - utcnow() == timedelta(seconds=60)
        app.config["MAIL_PORT"] = port  # the server is back
    with time_machine.travel(row.next_attempt_at + timedelta(seconds=61), tick=False):
        assert requeue_due() == 1
    assert [m["To"] for m in smtp_server] == ["aiko@example.org"]
    assert (_row(message_id).status, _row(message_id).attempts) == (MessageStatus.SENT, 3)


def test_out_of_attempts_the_message_fails_saying_so(app):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=_free_port(), MAIL_MAX_ATTEMPTS=2)
    (message_id,) = _queue("aiko@example.org")
    with time_machine.travel(utcnow() + timedelta(hours=1), tick=False):
        requeue_due()
    row = _row(message_id)
    assert (row.status, row.attempts) == (MessageStatus.FAILED, 2)
    assert row.last_error.startswith("gave up after 2 attempts:")


def test_a_task_delivered_twice_sends_once(app, smtp_server):
    (message_id,) = _queue("aiko@example.org")
    assert deliver_batch([message_id, message_id]) == {
        "sent": 0,
        "failed": 0,
        "retry": 0,
        "skipped": 2,
        "given back": 0,
    }
    assert len(smtp_server) == 1


def test_a_batch_slower_than_half_its_lease_gives_the_rest_back(app, smtp_server):
    app.config["MAIL_LEASE_SECONDS"] = 0  # no time at all: everything is given back
    ids = _queue("aiko@example.org", "bao@example.org")
    assert smtp_server == []
    assert [(_row(i).status, _row(i).attempts) for i in ids] == [(MessageStatus.QUEUED, 0)] * 2
    app.config["MAIL_LEASE_SECONDS"] = 300
    assert requeue_due() == 2  # the next sweep hands them over, and they go
    assert sorted(m["To"] for m in smtp_server) == ["aiko@example.org", "bao@example.org"]


def test_a_message_left_sending_by_a_dead_worker_is_sent_again_after_its_lease(
    app, smtp_server, monkeypatch
):
    # The worker dies between the server's "250" and its own "sent" commit.
    monkeypatch.setattr(delivery, "_finish", lambda *args: None)
    (message_id,) = _queue("aiko@example.org")
    monkeypatch.undo()
    assert _row(message_id).status is MessageStatus.SENDING
    assert requeue_due() == 0  # within the lease: maybe still sending
    lease = app.config["MAIL_LEASE_SECONDS"]
    with time_machine.travel(utcnow() + timedelta(seconds=lease + 1), tick=False):
        assert requeue_due() == 1
    # One duplicate, recognisable as such: the same Message-ID.
    assert len(smtp_server) == 2
    assert smtp_server[0]["Message-ID"] == smtp_server[1]["Message-ID"]
    row = _row(message_id)
    assert (row.status, row.attempts) == (MessageStatus.SENT, 2)
    assert row.last_error == "The worker stopped while sending; sent again."


def test_messages_whose_hand_over_failed_are_handed_over_by_the_sweep(app, smtp_server):
    app.extensions["celery"].conf.task_always_eager = False
    app.extensions["celery"].conf.broker_url = "redis://127.0.0.1:1/0"  # no broker there
    try:
        (message_id,) = _queue("aiko@example.org")
    finally:
        app.extensions["celery"].conf.task_always_eager = True
    assert smtp_server == [] and _row(message_id).status is MessageStatus.QUEUED
    quiet = app.config["MAIL_REQUEUE_SECONDS"]
    assert requeue_due() == 0  # maybe still in the broker's hands
    with time_machine.travel(utcnow() + timedelta(seconds=quiet + 1), tick=False):
        assert requeue_due() == 1
    assert [m["To"] for m in smtp_server] == ["aiko@example.org"]


def test_a_thread_that_sent_mail_closes_its_connection_when_it_ends(app, smtp_server):
    """A request's thread (tasks run eagerly) keeps its SMTP connection like a worker; when
    the thread ends, the connection is closed, not left for the garbage collector."""

    def send() -> None:
        with app.app_context():
            send_raw(b"Subject: Hello\r\n\r\nText.\r\n", "site@example.org", "a@example.org")

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        thread = threading.Thread(target=send)
        thread.start()
        thread.join(timeout=10)
        gc.collect()
    assert [str(m["Subject"]) for m in smtp_server] == ["Hello"]
    assert [str(w.message)[:40] for w in caught if w.category is ResourceWarning] == []

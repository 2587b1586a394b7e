"""The hand-over to real Celery workers, each test with a worker of its own (issue 6).

- an approval made through the web app reaches the person through a worker without a beat
  (only the hand-over after the commit can bring it), on Redis and on RabbitMQ;
- what falls due while the broker is down, or no worker runs, arrives once both are back;
- the fault test of test_real_worker.py, on the other database (SQLite beside PostgreSQL).
"""

import time
from collections import Counter

import pytest

from meetings.extensions import db
from meetings.mail.models import MessageStatus
from meetings.registrations import services
from tests import factories
from tests.conftest import sign_in
from tests.registrations.support import person
from tests.workers.conftest import BACKENDS
from tests.workers.support import (
    RESULTS,
    close_app,
    confirmed_registrations,
    free_port,
    kill_mid_delivery,
    missing_message,
    outbox_rows,
    plan_due_reminders,
    site_app,
    upcoming_meeting,
    wait_settled,
    wait_until,
)

pytestmark = pytest.mark.broker

DELIVERY_TIMEOUT = 30


def _pending(meeting, numbers) -> list:
    """Registrations entered by the secretariat that await approval (nothing is mailed)."""
    made = [
        services.register(meeting, source="secretariat", **person(n)).registration for n in numbers
    ]
    db.session.commit()
    return made


def _signed_in(app, user_id: str):
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = user_id, True
    return client


@pytest.mark.parametrize("broker", ["redis", "amqp"], indirect=True)
def test_an_approval_reaches_the_person_through_the_worker(site, mailbox, start_worker):
    worker = start_worker(beat=False)
    meeting = upcoming_meeting(days=30, needs_approval=True)
    pending = _pending(meeting, (1, 2, 3))
    client = site.app.test_client()
    sign_in(client, factories.secretariat_of(meeting.body.mechanism))

    for registration in pending:
        assert client.post(f"/registrations/{registration.id}/approve").status_code == 302

    collector = mailbox.collector
    wait_until(
        lambda: all(collector.to(r.email) for r in pending),
        DELIVERY_TIMEOUT,
        lambda: f"approvals received: {[r.to for r in collector.received()]}",
        worker.log_tail,
    )
    wait_settled(3, DELIVERY_TIMEOUT, worker.log_tail)
    for registration in pending:
        (message,) = collector.to(registration.email)
        assert message.subject == "Registration confirmed: Reminded meeting"
        assert message.key.startswith(f"registration-status:{registration.id}:approved:")
        assert message.message_id.endswith("@localhost>")
    assert [(r.status, r.attempts) for r in outbox_rows()] == [(MessageStatus.SENT, 1)] * 3


def test_what_falls_due_while_the_broker_is_down_arrives_once_it_is_back(
    site, mailbox, start_worker
):
    meeting = upcoming_meeting(days=2, reminder_days=(14,), needs_approval=True)
    due = confirmed_registrations(meeting, [f"due{n}@example.org" for n in range(5)])
    keys = plan_due_reminders(meeting, due)
    first, second = _pending(meeting, (1, 2))
    staff = factories.secretariat_of(meeting.body.mechanism).get_id()

    # The broker is down: the hand-over fails, the staff's request still succeeds.
    down = site_app(site.database_url, f"redis://127.0.0.1:{free_port()}/15")
    try:
        started = time.monotonic()
        response = _signed_in(down, staff).post(f"/registrations/{first.id}/approve")
        failed_handover = time.monotonic() - started
        assert response.status_code == 302
        assert failed_handover < 3, "the request waited for the broker"
    finally:
        close_app(down)
    # The broker is up, no worker runs: the task waits in the broker.
    assert (
        _signed_in(site.app, staff).post(f"/registrations/{second.id}/approve").status_code == 302
    )
    assert [(r.recipient, r.status) for r in outbox_rows()] == [
        (first.email, MessageStatus.QUEUED),
        (second.email, MessageStatus.QUEUED),
    ]

    started = time.monotonic()
    worker = start_worker()
    collector = mailbox.collector
    wait_until(
        lambda: not collector.missing(keys) and all(collector.to(r.email) for r in (first, second)),
        DELIVERY_TIMEOUT,
        lambda: f"received {[r.to for r in collector.received()]}",
        worker.log_tail,
    )
    caught_up = time.monotonic() - started
    wait_settled(len(keys) + 2, DELIVERY_TIMEOUT, worker.log_tail)
    counts = collector.key_counts()
    assert {k: counts[k] for k in keys} == dict.fromkeys(keys, 1)
    assert [len(collector.to(r.email)) for r in (first, second)] == [1, 1]
    assert {r.status for r in outbox_rows()} == {MessageStatus.SENT}
    RESULTS.append(
        f"broker down ({site.backend}): the approval request answered after"
        f" {failed_handover:.1f} s (its hand-over failed); the 7 messages arrived"
        f" {caught_up:.1f} s after the worker was started, once each"
    )


@pytest.mark.skipif(len(BACKENDS) < 2, reason="one database: test_real_worker.py tests it")
@pytest.mark.parametrize("backend", BACKENDS[1:] or ["none"], indirect=True)
def test_a_killed_worker_loses_no_reminder_on_this_database_either(site, mailbox, start_worker):
    kill_mid_delivery(site.backend, mailbox, start_worker())


@pytest.mark.parametrize("broker", ["redis"], indirect=True)
def test_two_workers_each_with_a_beat_send_every_reminder_once(site, mailbox, start_worker):
    """Production runs one beat; a second one (two `worker -B` by mistake) does no harm: both
    sweep every second, and every due reminder still arrives exactly once."""
    reminders = 300
    meeting = upcoming_meeting(days=2, reminder_days=(14,))
    registrations = confirmed_registrations(
        meeting, [f"twice{n}@example.org" for n in range(reminders)]
    )
    keys = plan_due_reminders(meeting, registrations)
    first, second = start_worker(beat=True), start_worker(beat=True)
    assert first.running and second.running
    collector = mailbox.collector
    wait_until(
        lambda: not collector.missing(keys),
        90,
        missing_message(collector, keys),
        lambda: first.log_tail() + second.log_tail(),
    )
    wait_settled(reminders, 30, first.log_tail)
    time.sleep(3)  # three more sweeps by each beat: nothing more may arrive
    assert collector.key_counts() == Counter(dict.fromkeys(keys, 1))
    assert collector.total == reminders

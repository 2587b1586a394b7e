"""Reminders and notifications with a real Celery worker: on time, once, never lost (issue 6).

One worker, with its beat, serves this module's tests: `celery -A workers.worker worker -B`
as a subprocess on Redis (TEST_BROKER_URL) and the test database (PostgreSQL when
TEST_DATABASE_URL is set, else SQLite), sending to an SMTP server on loopback. Each test
asserts what people notice: the mail that arrives, and how many times. The hand-over after a
request (Redis and RabbitMQ), a broker that is down, and the fault test on the other database
are in test_handover.py, with workers of their own.
"""

import time
from collections import Counter

import pytest
import sqlalchemy as sa

from meetings.extensions import db
from meetings.mail.models import MessageStatus
from meetings.notifications.models import Notification, NotificationStatus
from tests.workers.support import (
    confirmed_registrations,
    kill_mid_delivery,
    missing_message,
    outbox_rows,
    plan_due_reminders,
    reminder_key,
    upcoming_meeting,
    wait_settled,
    wait_until,
)

pytestmark = pytest.mark.broker

# How long a test waits for mail that a worker sends within a few seconds.
DELIVERY_TIMEOUT = 30


def _exactly_once(collector, keys) -> None:
    counts = collector.key_counts()
    assert {k: counts[k] for k in keys} == dict.fromkeys(keys, 1)


def test_planned_reminders_are_sent_by_the_beat_once_each(shared):
    # The meeting is in 2 days: the 14-day reminder fell due 12 days ago, the 1-day one is
    # due tomorrow. Who registered a month ago is owed the first; who registered today is
    # not (it fell due before they registered).
    meeting = upcoming_meeting(days=2, reminder_days=(14, 1))
    owed = confirmed_registrations(meeting, [f"owed{n}@example.org" for n in range(5)])
    confirmed_registrations(meeting, ["late@example.org"], registered_days_ago=0)
    keys = [reminder_key(meeting, registration_id, 14) for registration_id, _ in owed]
    celery = shared.site.app.extensions["celery"]

    # The worker plans (as its beat does every NOTIFY_PLAN_SECONDS); its beat sweeps.
    celery.send_task("notifications.plan")
    collector = shared.mailbox.collector
    wait_until(
        lambda: not collector.missing(keys),
        DELIVERY_TIMEOUT,
        missing_message(collector, keys),
        shared.worker.log_tail,
    )
    # Planned again and swept again: nothing more is sent.
    celery.send_task("notifications.plan")
    time.sleep(2.5)
    wait_settled(len(keys), DELIVERY_TIMEOUT, shared.worker.log_tail)
    assert collector.key_counts() == Counter(dict.fromkeys(keys, 1))
    assert collector.to("late@example.org") == []
    assert {r.subject for r in collector.received()} == {
        "Reminder: Reminded meeting begins in 2 days"
    }
    db.session.rollback()
    statuses = Counter(
        (key.split(":")[3], status)
        for key, status in db.session.execute(sa.select(Notification.key, Notification.status))
    )
    # The 1-day reminders (the late registration's too) wait for tomorrow.
    assert statuses == {
        ("14d", NotificationStatus.QUEUED): 5,
        ("1d", NotificationStatus.PLANNED): 6,
    }


def test_mail_waits_for_the_smtp_server_with_backoff(shared):
    mailbox, worker = shared.mailbox, shared.worker
    mailbox.stop()  # its port now refuses connections
    meeting = upcoming_meeting(days=2, reminder_days=(14,))
    registrations = confirmed_registrations(meeting, [f"wait{n}@example.org" for n in range(3)])
    keys = plan_due_reminders(meeting, registrations)

    # Tried, refused, put back with a backoff (MAIL_RETRY_BASE_SECONDS=1: 1 s, 2 s, 4 s...).
    wait_until(
        lambda: len(rows := outbox_rows()) == 3 and min(r.attempts for r in rows) >= 2,
        DELIVERY_TIMEOUT,
        lambda: f"two attempts each: {outbox_rows()}",
        worker.log_tail,
        poll=0.2,
    )
    rows = outbox_rows()
    assert {r.status for r in rows} <= {MessageStatus.QUEUED, MessageStatus.SENDING}
    assert all("refused" in r.last_error.lower() for r in rows), rows
    assert mailbox.collector.total == 0

    mailbox.start()
    collector = mailbox.collector
    wait_until(
        lambda: not collector.missing(keys),
        DELIVERY_TIMEOUT,
        missing_message(collector, keys),
        worker.log_tail,
    )
    wait_settled(len(keys), DELIVERY_TIMEOUT, worker.log_tail)
    _exactly_once(collector, keys)
    rows = outbox_rows()
    assert {r.status for r in rows} == {MessageStatus.SENT}
    assert min(r.attempts for r in rows) >= 2


def test_a_refused_recipient_fails_that_message_and_the_batch_goes_on(shared):
    collector, worker = shared.mailbox.collector, shared.worker
    collector.refuse("nobody@example.org")
    meeting = upcoming_meeting(days=2, reminder_days=(14,))
    addresses = ["ana@example.org", "nobody@example.org", "ben@example.org", "chen@example.org"]
    keys = plan_due_reminders(meeting, confirmed_registrations(meeting, addresses))
    refused_key = keys[addresses.index("nobody@example.org")]
    good = [k for k in keys if k != refused_key]

    wait_settled(len(keys), DELIVERY_TIMEOUT, worker.log_tail)
    time.sleep(1.5)  # more sweeps: the failure is final, nothing is tried again
    _exactly_once(collector, good)
    assert collector.missing([refused_key]) == [refused_key]
    assert collector.refused() == {"nobody@example.org": 1}
    rows = outbox_rows()
    assert {r.key: (r.status, r.attempts) for r in rows} == {
        **dict.fromkeys(good, (MessageStatus.SENT, 1)),
        refused_key: (MessageStatus.FAILED, 1),
    }
    (failed,) = [r for r in rows if r.key == refused_key]
    assert failed.last_error == "550 5.1.1 no such user"
    # One task carried the four (one sweep wrote them): three sent, one failed.
    assert "'sent': 3, 'failed': 1, 'retry': 0" in worker.log_text()


def test_a_killed_worker_loses_no_reminder_and_resends_at_most_one_per_process(shared):
    kill_mid_delivery(shared.site.backend, shared.mailbox, shared.worker)

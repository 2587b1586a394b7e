"""10,000 due reminders planned, written and delivered by a real Celery worker (`make bench`).

A worker (`celery -A workers.worker worker`, BENCH_WORKER_CONCURRENCY processes, 2 unless
set) on the Redis broker of TEST_BROKER_URL (its database is emptied) and the database of
TEST_DATABASE_URL (PostgreSQL; SQLite without it) sends to an SMTP server on loopback. The
run prints, for 10,000 participants owed a reminder that is due:

- planned: the worker's `notifications.plan` task, until the 10,000 rows exist;
- written: from the first `notifications.sweep` (then one a second, as the beat sends
  them) until every reminder's email is written in the outbox;
- delivered: from the first sweep until the SMTP server has received the 10,000th reminder;

each as reminders per second. Skipped without TEST_BROKER_URL.
"""

import os
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_migrate import upgrade

from meetings.extensions import db
from meetings.mail.models import MessageStatus, OutgoingMessage
from meetings.notifications.models import Notification, NotificationStatus
from tests.conftest import _empty_tables, _migrated
from tests.workers.support import (
    Mailbox,
    Worker,
    close_app,
    confirmed_registrations,
    empty_broker,
    reminder_key,
    site_app,
    upcoming_meeting,
    wait_until,
    worker_env,
)

REMINDERS = 10_000
BROKER_URL = os.environ.get("TEST_BROKER_URL", "")
CONCURRENCY = int(os.environ.get("BENCH_WORKER_CONCURRENCY") or 2)
TIMEOUT = 900  # seconds for each phase, at most
RESULTS: dict[str, float | int | str] = {}


@dataclass
class Bench:
    app: Flask
    backend: str
    mailbox: Mailbox
    worker: Worker
    keys: list[str]


@pytest.fixture
def bench(database_urls, tmp_path) -> Iterator[Bench]:
    """The data (not timed), a loopback SMTP server and an idle worker without a beat."""
    if not BROKER_URL:
        pytest.skip("TEST_BROKER_URL is not set: no broker to run a real worker on")
    backend = "postgresql" if "postgresql" in database_urls else "sqlite"
    url = database_urls[backend]
    empty_broker(BROKER_URL)
    mailbox = Mailbox().start()
    app = site_app(url, BROKER_URL)
    # Production delays: a message is handed over again after a minute, not seconds.
    env = worker_env(url, BROKER_URL, mailbox.port, MAIL_REQUEUE_SECONDS=60, MAIL_LEASE_SECONDS=300)
    worker = Worker(env, tmp_path, beat=False, concurrency=CONCURRENCY)
    try:
        with app.app_context():
            if url not in _migrated:
                upgrade()
                _migrated.add(url)
            meeting = upcoming_meeting(days=2, reminder_days=(14,))
            people = [f"participant{n}@example.org" for n in range(REMINDERS)]
            registrations = confirmed_registrations(meeting, people)
            keys = [
                reminder_key(meeting, registration_id, 14) for registration_id, _ in registrations
            ]
            try:
                worker.start()
                yield Bench(app, backend, mailbox, worker, keys)
            finally:
                worker.stop()
                db.session.rollback()
                _empty_tables()
                db.session.remove()
    finally:
        close_app(app)
        mailbox.stop()
        empty_broker(BROKER_URL)


def _count(*where) -> int:
    db.session.rollback()  # see what the worker committed
    return db.session.scalar(sa.select(sa.func.count(Notification.id)).where(*where))


def test_reminders_planned_written_and_delivered(benchmark, bench):
    celery = bench.app.extensions["celery"]
    collector = bench.mailbox.collector
    timings: dict[str, float] = {}

    def run() -> None:
        started = time.perf_counter()
        celery.send_task("notifications.plan")
        wait_until(
            lambda: _count() >= REMINDERS,
            TIMEOUT,
            lambda: f"{REMINDERS} reminders planned ({_count()})",
            bench.worker.log_tail,
            poll=0.1,
        )
        timings["planned_s"] = time.perf_counter() - started

        sweeping = time.perf_counter()
        last_sweep = 0.0

        def delivered() -> bool:
            nonlocal last_sweep
            now = time.perf_counter()
            if now - last_sweep >= 1.0:  # what the beat does every NOTIFY_SWEEP_SECONDS
                celery.send_task("notifications.sweep")
                last_sweep = now
            if "written_s" not in timings and (
                _count(Notification.status == NotificationStatus.QUEUED) >= REMINDERS
            ):
                timings["written_s"] = now - sweeping
            return collector.total >= REMINDERS and not collector.missing(bench.keys)

        wait_until(
            delivered,
            TIMEOUT,
            lambda: f"{REMINDERS} reminders delivered ({collector.total} received)",
            bench.worker.log_tail,
            poll=0.1,
        )
        timings["delivered_s"] = time.perf_counter() - sweeping
        timings.setdefault("written_s", timings["delivered_s"])

    benchmark.pedantic(run, rounds=1, iterations=1, warmup_rounds=0)

    db.session.rollback()
    sent = db.session.scalar(
        sa.select(sa.func.count(OutgoingMessage.id)).where(
            OutgoingMessage.status == MessageStatus.SENT
        )
    )
    counts = collector.key_counts()
    assert sent == REMINDERS
    assert not collector.missing(bench.keys)
    planned, written, delivered = (
        timings["planned_s"],
        timings["written_s"],
        timings["delivered_s"],
    )
    RESULTS.update(
        backend=bench.backend,
        concurrency=CONCURRENCY,
        reminders=REMINDERS,
        planned_s=planned,
        written_s=written,
        delivered_s=delivered,
        planned_per_s=REMINDERS / planned,
        written_per_s=REMINDERS / written,
        planned_and_written_per_s=REMINDERS / (planned + written),
        delivered_per_s=REMINDERS / delivered,
        duplicates=sum(counts.values()) - len(counts),
    )
    benchmark.extra_info.update(RESULTS)


def pytest_terminal_summary_lines() -> list[str]:
    if not RESULTS:
        return []
    r = RESULTS
    return [
        f"{r['reminders']:,} due reminders, {r['backend']}, Redis, a worker of"
        f" {r['concurrency']} processes, SMTP on loopback:",
        f"planned in {r['planned_s']:.1f} s ({r['planned_per_s']:.0f}/s);"
        f" written in {r['written_s']:.1f} s from the first sweep ({r['written_per_s']:.0f}/s);"
        f" planned+written {r['planned_and_written_per_s']:.0f}/s",
        f"delivered in {r['delivered_s']:.1f} s from the first sweep"
        f" ({r['delivered_per_s']:.0f}/s), duplicates {r['duplicates']}",
    ]

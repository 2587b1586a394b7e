"""Real Celery workers for the integration tests (tests/workers) and the reminders benchmark.

- `Worker`: `celery -A workers.worker worker` as a subprocess in a process group of its own,
  stopped with SIGTERM (then SIGKILL), or killed, the whole group at once, with SIGKILL.
- `Mailbox`: an aiosmtpd server on loopback that a test can stop and start on the same port;
  its `Collector` counts what it accepts by X-Notification-Key and Message-ID (thread-safe).
- `worker_env`, `site_app`: the worker's environment and the test process's own app, both on
  the same database and broker, the app handing work over for real (not eagerly).
- bulk data: confirmed registrations and due reminders, thousands at a time.
"""

import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.parser import BytesHeaderParser
from email.policy import default as default_policy
from email.utils import parseaddr
from itertools import count
from pathlib import Path

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from flask import Flask

from meetings import create_app
from meetings.core.timezones import in_zone
from meetings.extensions import db
from meetings.mail.models import MessageStatus, OutgoingMessage
from meetings.notifications.planner import Planned, insert_planned
from meetings.notifications.reminders import MEETING_REMINDER, meeting_starts_at
from meetings.registrations import services
from meetings.registrations.models import Registration
from meetings.schedule.models import Meeting
from tests import factories

ROOT = Path(__file__).resolve().parents[2]
CELERY = Path(sys.executable).with_name("celery")
SECRET = "real-worker-test-secret"
BASE_URL = "http://meetings.test"
ZONE = "Asia/Kuala_Lumpur"
# Figures the tests measure, printed at the end of the run (see conftest.py).
RESULTS: list[str] = []


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(
    check: Callable[[], bool],
    timeout: float,
    what: str | Callable[[], str],
    details: Callable[[], str] | None = None,
    poll: float = 0.02,
) -> float:
    """Poll `check` until true; fail with `what` (and `details`) after `timeout` seconds.

    Returns the seconds waited."""
    started = time.monotonic()
    while not check():
        if time.monotonic() - started > timeout:
            message = what() if callable(what) else what
            extra = f"\n{details()}" if details else ""
            pytest.fail(f"Not within {timeout:.0f} s: {message}{extra}", pytrace=False)
        time.sleep(poll)
    return time.monotonic() - started


# -- The SMTP server ----------------------------------------------------------------------


@dataclass(frozen=True)
class Received:
    key: str
    message_id: str
    to: str
    subject: str
    at: float


_headers = BytesHeaderParser(policy=default_policy)


class Collector:
    """An aiosmtpd handler keeping what it accepts; refuses the addresses in `refuse`.

    The server runs in its own thread: every count is read and written under a lock."""

    def __init__(self, refuse: Iterable[str] = ()) -> None:
        self._lock = threading.Lock()
        self._refuse = frozenset(a.lower() for a in refuse)
        self._received: list[Received] = []
        self._keys: Counter[str] = Counter()
        self._message_ids: Counter[str] = Counter()
        self._refused: Counter[str] = Counter()

    def clear(self) -> None:
        """Forget what was received and refused, and accept every address again."""
        with self._lock:
            self._refuse = frozenset()
            self._received.clear()
            self._keys.clear()
            self._message_ids.clear()
            self._refused.clear()

    def refuse(self, *addresses: str) -> None:
        with self._lock:
            self._refuse = self._refuse | {a.lower() for a in addresses}

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:
        with self._lock:
            if address.lower() in self._refuse:
                self._refused[address.lower()] += 1
                return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:
        headers = _headers.parsebytes(envelope.original_content or envelope.content)
        # A long header is folded before its value: unfolded, the value starts with a space.
        item = Received(
            key=str(headers.get("X-Notification-Key", "")).strip(),
            message_id=str(headers.get("Message-ID", "")).strip(),
            to=str(headers.get("To", "")).strip(),
            subject=str(headers.get("Subject", "")).strip(),
            at=time.monotonic(),
        )
        with self._lock:
            self._received.append(item)
            self._message_ids[item.message_id] += 1
            if item.key:
                self._keys[item.key] += 1
        return "250 Message accepted"

    @property
    def total(self) -> int:
        with self._lock:
            return len(self._received)

    def received(self) -> list[Received]:
        with self._lock:
            return list(self._received)

    def key_counts(self) -> Counter[str]:
        with self._lock:
            return Counter(self._keys)

    def message_id_counts(self) -> Counter[str]:
        with self._lock:
            return Counter(self._message_ids)

    def refused(self) -> Counter[str]:
        with self._lock:
            return Counter(self._refused)

    def distinct(self, keys: Iterable[str]) -> int:
        """How many of `keys` arrived at least once."""
        with self._lock:
            return sum(1 for k in keys if self._keys[k])

    def missing(self, keys: Iterable[str]) -> list[str]:
        with self._lock:
            return [k for k in keys if not self._keys[k]]

    def to(self, address: str) -> list[Received]:
        with self._lock:
            return [r for r in self._received if parseaddr(r.to)[1].lower() == address.lower()]


class Mailbox:
    """An SMTP server on 127.0.0.1 at a port fixed for its life: stopped, the port refuses."""

    def __init__(self, refuse: Iterable[str] = ()) -> None:
        self.collector = Collector(refuse)
        self.port = free_port()
        self._controller: Controller | None = None

    @property
    def running(self) -> bool:
        return self._controller is not None

    def start(self) -> "Mailbox":
        if self._controller is None:
            controller = Controller(self.collector, hostname="127.0.0.1", port=self.port)
            controller.start()
            self._controller = controller
        return self

    def stop(self) -> None:
        controller, self._controller = self._controller, None
        if controller is not None:
            controller.stop()


# -- The worker ---------------------------------------------------------------------------


def worker_env(database_url: str, broker_url: str, smtp_port: int, **settings) -> dict[str, str]:
    """The worker's environment: this database, broker and SMTP server, short delays."""
    ours = ("MAIL_", "NOTIFY_", "CELERY_", "DATABASE_URL", "SECRET_KEY", "PUBLIC_BASE_URL")
    env = {k: v for k, v in os.environ.items() if not k.startswith(ours)}
    env.update(
        DATABASE_URL=database_url,
        CELERY_BROKER_URL=broker_url,
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=str(smtp_port),
        MAIL_LEASE_SECONDS="3",
        MAIL_REQUEUE_SECONDS="2",
        MAIL_RETRY_BASE_SECONDS="1",
        NOTIFY_SWEEP_SECONDS="1",
        NOTIFY_PLAN_SECONDS="3600",
        NOTIFY_DIGEST_CHECK_SECONDS="3600",
        SECRET_KEY=SECRET,
        PUBLIC_BASE_URL=BASE_URL,
        PYTHONUNBUFFERED="1",
    )
    env.update({name: str(value) for name, value in settings.items()})
    return env


def _group_members(pgid: int) -> list[int]:
    """The live (not zombie) processes of process group `pgid`, from /proc."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid pgrp ...; comm may hold spaces and parentheses.
        fields = stat[stat.rfind(")") + 2 :].split()
        if int(fields[2]) == pgid and fields[0] not in ("Z", "X"):
            members.append(int(entry.name))
    return members


def _terminate_with_parent() -> None:
    """In the worker, before exec: a SIGTERM (warm shutdown) if the test process dies
    without stopping it, so that no worker outlives a killed test run (Linux only)."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class Worker:
    """`celery -A workers.worker worker` in its own session: its pool processes and its
    beat (-B) share its process group, so one killpg reaches all of them."""

    _serial = count(1)

    def __init__(
        self, env: dict[str, str], folder: Path, *, beat: bool = True, concurrency: int = 2
    ) -> None:
        self.env = env
        self.folder = folder
        self.beat = beat
        self.concurrency = concurrency
        self.process: subprocess.Popen | None = None
        self.log_path: Path | None = None
        self.logs: list[Path] = []
        self.kills = 0
        self._log = None

    def start(self, timeout: float = 30.0) -> "Worker":
        assert self.process is None, "the worker is running"
        n = next(self._serial)
        self.log_path = self.folder / f"worker-{n}.log"
        self.logs.append(self.log_path)
        args = [
            str(CELERY),
            "-A",
            "workers.worker",
            "worker",
            "--concurrency",
            str(self.concurrency),
            "--pool",
            "prefork",
            "--loglevel",
            "info",
            "--hostname",
            f"test-{n}-{uuid.uuid4().hex[:6]}@%h",
            "--without-mingle",
            "--without-gossip",
            "--without-heartbeat",
        ]
        if self.beat:
            args += ["-B", "--schedule", str(self.folder / f"beat-{n}")]
        self._log = open(self.log_path, "wb")  # noqa: SIM115 (closed in _reap)
        self.process = subprocess.Popen(
            args,
            cwd=ROOT,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_terminate_with_parent,
        )
        wait_until(
            lambda: self._ready() or self.process.poll() is not None,
            timeout,
            "the Celery worker to be ready",
            self.log_tail,
            poll=0.05,
        )
        if self.process.poll() is not None:
            pytest.fail(f"The Celery worker exited at start:\n{self.log_tail()}", pytrace=False)
        return self

    def _ready(self) -> bool:
        return b" ready." in self.log_path.read_bytes()

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def log_tail(self, lines: int = 40) -> str:
        if self.log_path is None or not self.log_path.exists():
            return "(no worker log)"
        text = self.log_path.read_text(errors="replace").splitlines()
        return f"--- {self.log_path} (last {lines} lines) ---\n" + "\n".join(text[-lines:])

    def log_text(self) -> str:
        return "\n".join(p.read_text(errors="replace") for p in self.logs if p.exists())

    def kill(self) -> None:
        """SIGKILL the whole group at once: main process, pool processes, beat."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.kills += 1
        self._reap()

    def stop(self, timeout: float = 20.0) -> None:
        """Warm shutdown (SIGTERM: running tasks finish), SIGKILL for what is left after."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout)
        if _group_members(self.process.pid):
            os.killpg(self.process.pid, signal.SIGKILL)
        self._reap()

    def _reap(self) -> None:
        process, self.process = self.process, None
        try:
            process.wait(10)
        finally:
            if self._log is not None:
                self._log.close()
                self._log = None
        # The pool processes are not ours to wait for (they were the main process's
        # children): make sure none of them lives on.
        wait_until(
            lambda: not _group_members(process.pid),
            10,
            lambda: f"processes {_group_members(process.pid)} of the worker still run",
            poll=0.05,
        )


def empty_broker(url: str) -> None:
    """Throw away whatever waits in the broker: messages of an earlier test, unacked ones."""
    if url.startswith(("redis://", "rediss://")):
        import redis

        client = redis.Redis.from_url(url, socket_connect_timeout=3)
        try:
            client.flushdb()
        finally:
            client.close()
        return
    from kombu import Connection

    with Connection(url, connect_timeout=5) as connection:
        channel = connection.channel()
        with contextlib.suppress(*connection.channel_errors):  # no queue yet
            channel.queue_purge("celery")


# -- The test process's app ---------------------------------------------------------------


def site_app(database_url: str, broker_url: str) -> Flask:
    """The web app as deployed: tasks go to the broker, for the worker (not run eagerly)."""
    return create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SECRET_KEY": SECRET,
            "WTF_CSRF_ENABLED": False,
            "SERVER_NAME": "meetings.test",
            "PUBLIC_BASE_URL": BASE_URL,
            "CELERY_BROKER_URL": broker_url,
            "CELERY_TASK_ALWAYS_EAGER": False,
        }
    )


def close_app(app: Flask) -> None:
    """Close the app's broker and database connections (none left for the garbage collector)."""
    app.extensions["celery"].close()
    with app.app_context():
        for engine in db.engines.values():
            engine.dispose()


# -- Data ---------------------------------------------------------------------------------


def upcoming_meeting(
    days: int = 2, reminder_days: Iterable[int] = (14, 1), needs_approval: bool = False
) -> Meeting:
    """A meeting `days` days ahead, registration open, its body reminding `reminder_days`."""
    now = datetime.now(UTC)
    body = factories.body(reminder_days=list(reminder_days))
    # `days` days ahead where the meeting is (reminders count the days there).
    start = in_zone(now, ZONE).date() + timedelta(days=days)
    meeting = factories.meeting(
        body, title="Reminded meeting", start=start.isoformat(), timezone=ZONE
    )
    services.save_settings(
        meeting,
        opens_at=now - timedelta(days=60),
        closes_at=now + timedelta(days=1),
        categories=["ngo", "observer"],
        capacity=None,
        delegation_quota=None,
        needs_approval=needs_approval,
        open_to_public=True,
    )
    db.session.commit()
    return meeting


def confirmed_registrations(
    meeting: Meeting, emails: list[str], registered_days_ago: int = 30
) -> list[tuple[int, str]]:
    """Confirmed registrations, inserted in bulk, made `registered_days_ago` days ago
    (so the planner owes them the reminders due since). Returns (id, email) pairs."""
    made = datetime.now(UTC) - timedelta(days=registered_days_ago)
    rows = [
        {
            "meeting_id": meeting.id,
            "email": address,
            "name": f"Participant {n}",
            "title": "",
            "organisation": "",
            "category": "ngo",
            "status": "confirmed",
            "source": "secretariat",
            "created_at": made,
            "updated_at": made,
        }
        for n, address in enumerate(emails)
    ]
    for start in range(0, len(rows), 1000):
        db.session.execute(sa.insert(Registration), rows[start : start + 1000])
    db.session.commit()
    found = db.session.execute(
        sa.select(Registration.id, Registration.email)
        .where(Registration.meeting_id == meeting.id, Registration.email.in_(emails))
        .order_by(Registration.id)
    ).all()
    return [(row.id, row.email) for row in found]


def reminder_key(meeting: Meeting, registration_id: int, days: int) -> str:
    """The planner's key for this reminder (see plan_meeting_reminders)."""
    return f"meeting-reminder:{meeting.id}:{registration_id}:{days}d:{meeting.start_date}"


def plan_due_reminders(
    meeting: Meeting, registrations: list[tuple[int, str]], days: int = 14
) -> list[str]:
    """Plan the `days` reminder of each registration as the planner would (same key, same
    due time, already past), in bulk. Returns the keys."""
    starts = meeting_starts_at(meeting)
    due = starts - timedelta(days=days)
    assert due < datetime.now(UTC) < starts, "the reminder must be due, the meeting ahead"
    items = [
        Planned(
            key=reminder_key(meeting, registration_id, days),
            kind=MEETING_REMINDER,
            recipient=address,
            due_at=due,
            meeting_id=meeting.id,
            registration_id=registration_id,
        )
        for registration_id, address in registrations
    ]
    added = insert_planned(items, datetime.now(UTC))
    db.session.commit()
    assert added == len(items)
    return [item.key for item in items]


# -- What the tests look at ---------------------------------------------------------------


def outbox_rows() -> list[sa.Row]:
    """The outbox as the database has it now (not as this session remembers it)."""
    db.session.rollback()
    return db.session.execute(
        sa.select(
            OutgoingMessage.key,
            OutgoingMessage.recipient,
            OutgoingMessage.status,
            OutgoingMessage.attempts,
            OutgoingMessage.last_error,
        ).order_by(OutgoingMessage.id)
    ).all()


def wait_settled(count: int, timeout: float, details: Callable[[], str] | None = None) -> None:
    """Wait until the outbox holds `count` messages, each sent or failed: from then on no
    worker sends any of them again (a send needs a queued row)."""
    final = {MessageStatus.SENT, MessageStatus.FAILED}

    def settled() -> bool:
        rows = outbox_rows()
        return len(rows) == count and all(r.status in final for r in rows)

    wait_until(
        settled,
        timeout,
        lambda: f"{count} messages sent or failed: {Counter(r.status for r in outbox_rows())}",
        details,
        poll=0.2,
    )


def missing_message(collector: Collector, keys: list[str]) -> Callable[[], str]:
    return lambda: (
        f"{len(collector.missing(keys))} of {len(keys)} messages missing"
        f" (received {collector.total} in all)"
    )


def kill_mid_delivery(
    backend: str, mailbox: Mailbox, worker: Worker, reminders: int = 1000
) -> None:
    """The fault test: `reminders` due reminders; SIGKILL the worker's whole process group
    while 20-80% of them have arrived, restart it; none may be lost, and no more may arrive
    twice than the worker had processes (each dies with at most one message in flight)."""
    meeting = upcoming_meeting(days=2, reminder_days=(14,))
    registrations = confirmed_registrations(
        meeting, [f"r{n}@example.org" for n in range(reminders)]
    )
    keys = plan_due_reminders(meeting, registrations)
    collector = mailbox.collector
    assert worker.running
    kills_before = worker.kills

    started = time.monotonic()
    # About 40% in, sweeps (writing the emails) and sends run in both pool processes.
    wait_until(
        lambda: collector.total >= reminders * 0.4,
        90,
        lambda: f"40% of the reminders (received {collector.total})",
        worker.log_tail,
        poll=0.002,
    )
    worker.kill()
    at_kill = collector.total
    killed_at = time.monotonic() - started
    assert reminders * 0.2 <= at_kill <= reminders * 0.8, (
        f"the kill came too late to test anything: {at_kill} of {reminders} received"
    )

    restarted = time.monotonic()
    worker.start()
    wait_until(
        lambda: not collector.missing(keys), 90, missing_message(collector, keys), worker.log_tail
    )
    recovered = time.monotonic() - restarted
    total = time.monotonic() - started
    # Every row sent: nothing can be sent again, every copy is in.
    wait_settled(reminders, 30, worker.log_tail)

    counts = collector.key_counts()
    lost = [k for k in keys if not counts[k]]
    duplicated = {k: c for k, c in counts.items() if c > 1}
    duplicates = sum(c - 1 for c in duplicated.values())
    bound = worker.concurrency * (worker.kills - kills_before)
    line = (
        f"fault test ({backend}): {reminders} due reminders; the worker's {worker.concurrency}"
        f" pool processes, beat and main process SIGKILLed {killed_at:.1f} s in, {at_kill}"
        f" received; restarted, all in {recovered:.1f} s ({total:.1f} s in all);"
        f" received {sum(counts.values())}, distinct {len(counts)}, lost {len(lost)},"
        f" duplicates {duplicates} (bound {bound})"
    )
    RESULTS.append(line)
    print(line)
    assert lost == []
    assert duplicates <= bound, duplicated
    # A message sent again is the same message: the same Message-ID as its first copy.
    for key in duplicated:
        assert len({r.message_id for r in collector.received() if r.key == key}) == 1
    assert {r.status for r in outbox_rows()} == {MessageStatus.SENT}

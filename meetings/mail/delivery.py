"""Send outbox rows, once each, and record what happened.

Delivery semantics: at least once, with duplicates bounded. A worker claims a row
(queued -> sending, committed) before it talks to the SMTP server and records `sent` in a
second commit after. Whatever runs twice (a task delivered twice, two sweeps, a retried
task) finds the row no longer queued and does nothing. The only way to a second copy: a
worker killed after the server accepted a message and before its `sent` commit. That row
stays `sending`; once its lease (MAIL_LEASE_SECONDS) runs out the sweep queues it again and
it is sent again, with the same Message-ID. So a killed worker process duplicates at most
the one message it was sending, and loses none.

Failures: a 5xx reply fails the row for good, with the server's reason. Anything else (no
connection, a 4xx, a timeout) puts the row back with an exponential backoff
(MAIL_RETRY_BASE_SECONDS, doubled per attempt, at most MAIL_RETRY_MAX_SECONDS) until
MAIL_MAX_ATTEMPTS, then fails it. The backoff lives in the row's next_attempt_at, not in a
broker countdown, so no retry is lost when a worker or the broker stops.
"""

import time
from datetime import datetime, timedelta
from email.utils import parseaddr

import sqlalchemy as sa
from flask import current_app

from meetings.core.background import enqueue
from meetings.core.models import utcnow
from meetings.extensions import db
from meetings.mail.models import MessageStatus, OutgoingMessage
from meetings.mail.sender import hand_over_after_commit
from meetings.mail.transport import PermanentFailure, TemporaryFailure, send_raw

DELIVER_TASK = "mail.deliver_messages"
T = OutgoingMessage.__table__


def deliver_batch(ids: list[int]) -> dict[str, int]:
    """Send each queued message of `ids` that is due; return counts by outcome.

    The batch is claimed in one statement and each outcome committed as it comes. Should
    sending take longer than half the lease (a very slow server), the rest is given back
    before the lease could hand it to another worker: a claim is never held past it.
    """
    counts = {"sent": 0, "failed": 0, "retry": 0, "skipped": 0, "given back": 0}
    sender = parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])[1] or "no-reply@localhost"
    claimed = _claim(ids)
    counts["skipped"] = len(ids) - len(claimed)
    deadline = time.monotonic() + current_app.config["MAIL_LEASE_SECONDS"] / 2
    for position, (message_id, raw, recipient, attempts) in enumerate(claimed):
        if time.monotonic() > deadline:
            counts["given back"] = _give_back([c[0] for c in claimed[position:]])
            break
        try:
            send_raw(raw, sender, recipient)
        except PermanentFailure as error:
            _finish(message_id, MessageStatus.FAILED, str(error))
            counts["failed"] += 1
        except TemporaryFailure as error:
            counts[_retry_later(message_id, attempts, str(error))] += 1
        else:
            _finish(message_id, MessageStatus.SENT, "")
            counts["sent"] += 1
    return counts


def _claim(ids: list[int]) -> list[tuple[int, bytes, str, int]]:
    """Take the queued, due messages among `ids` (queued -> sending), committed at once."""
    now = utcnow()
    with db.engine.begin() as conn:
        rows = conn.execute(
            T.update()
            .where(
                T.c.id.in_(sorted(set(ids))),
                T.c.status == MessageStatus.QUEUED.value,
                T.c.next_attempt_at <= now,
            )
            .values(
                status=MessageStatus.SENDING.value,
                claimed_at=now,
                attempts=T.c.attempts + 1,
            )
            .returning(T.c.id, T.c.raw, T.c.recipient, T.c.attempts)
        ).all()
    return sorted((r.id, r.raw, r.recipient, r.attempts) for r in rows if r.raw is not None)


def _give_back(ids: list[int]) -> int:
    now = utcnow()
    with db.engine.begin() as conn:
        result = conn.execute(
            T.update()
            .where(T.c.id.in_(ids), T.c.status == MessageStatus.SENDING.value)
            .values(
                status=MessageStatus.QUEUED.value,
                attempts=T.c.attempts - 1,
                # Due now and not in the broker's hands: the next sweep hands it over.
                next_attempt_at=now,
                enqueued_at=now - timedelta(seconds=1),
            )
            .returning(T.c.id)
        ).all()
    return len(result)


def _finish(message_id: int, status: MessageStatus, error: str) -> None:
    now = utcnow()
    values: dict = {"status": status.value}
    if status is MessageStatus.SENT:
        # last_error stays: it tells staff what the sending went through (a retry, a resend).
        values.update(sent_at=now, raw=None)
    else:
        values["last_error"] = error[:2000]
    with db.engine.begin() as conn:
        conn.execute(T.update().where(T.c.id == message_id).values(**values))
        if status is MessageStatus.FAILED:
            # A secret link is not kept for a resend: the person asks for a new one.
            conn.execute(T.update().where(T.c.id == message_id, T.c.sensitive).values(raw=None))


def _retry_later(message_id: int, attempts: int, error: str) -> str:
    config = current_app.config
    if attempts >= config["MAIL_MAX_ATTEMPTS"]:
        _finish(message_id, MessageStatus.FAILED, f"gave up after {attempts} attempts: {error}")
        return "failed"
    delay = min(
        config["MAIL_RETRY_BASE_SECONDS"] * 2 ** (attempts - 1), config["MAIL_RETRY_MAX_SECONDS"]
    )
    with db.engine.begin() as conn:
        conn.execute(
            T.update()
            .where(T.c.id == message_id)
            .values(
                status=MessageStatus.QUEUED.value,
                next_attempt_at=utcnow() + timedelta(seconds=delay),
                last_error=error[:2000],
            )
        )
    return "retry"


def requeue_due(now: datetime | None = None, limit: int = 5000) -> int:
    """The sweep's part for mail: hand the broker what is due and not in its hands.

    Rows a dead worker left `sending` past their lease are queued again; retries whose
    backoff ran out, and rows handed over more than MAIL_REQUEUE_SECONDS ago with nothing
    come of it (the hand-over failed, the broker lost the task), are handed over now.
    Returns how many were handed over.
    """
    now = now or utcnow()
    config = current_app.config
    lease = now - timedelta(seconds=config["MAIL_LEASE_SECONDS"])
    quiet = now - timedelta(seconds=config["MAIL_REQUEUE_SECONDS"])
    with db.engine.begin() as conn:
        conn.execute(
            T.update()
            .where(T.c.status == MessageStatus.SENDING.value, T.c.claimed_at < lease)
            .values(
                status=MessageStatus.QUEUED.value,
                next_attempt_at=now,
                enqueued_at=quiet - timedelta(seconds=1),
                last_error="The worker stopped while sending; sent again.",
            )
        )
        due = (
            sa.select(T.c.id)
            .where(
                T.c.status == MessageStatus.QUEUED.value,
                T.c.next_attempt_at <= now,
                # Not in the broker's hands: never handed over since its retry fell due,
                # or handed over long ago with nothing come of it.
                sa.or_(T.c.enqueued_at < T.c.next_attempt_at, T.c.enqueued_at <= quiet),
            )
            .order_by(T.c.next_attempt_at, T.c.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        ids = list(
            conn.execute(
                T.update()
                .where(T.c.id.in_(due.scalar_subquery()))
                .values(enqueued_at=now)
                .returning(T.c.id)
            ).scalars()
        )
    ids.sort()
    for start in range(0, len(ids), 100):
        enqueue(DELIVER_TASK, ids[start : start + 100])
    return len(ids)


def retry_message(message: OutgoingMessage) -> bool:
    """Staff's "send again" for a failed message whose copy is kept; False if it is not."""
    if message.status is not MessageStatus.FAILED or message.raw is None:
        return False
    message.status = MessageStatus.QUEUED
    message.attempts = 0
    message.next_attempt_at = utcnow()
    message.enqueued_at = utcnow()
    message.last_error = ""
    hand_over_after_commit(message)
    return True

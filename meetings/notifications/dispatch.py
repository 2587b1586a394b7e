"""The sweep: claim the planned notifications that are due and write their emails.

The database says what is due, not the broker: nothing waits days in a queue as a countdown.
A sweep claims a batch in one statement (on PostgreSQL `... FOR UPDATE SKIP LOCKED`, so two
sweeps, from two beats or two workers, take disjoint rows; SQLite runs one writer at a time),
settles each row in the same transaction and commits; the emails are handed to the workers
after the commit. A sweep that dies before its commit leaves every row as it was, planned:
the next sweep takes them. A worker that is down at the planned time therefore sends late,
never not at all.
"""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from meetings.core.after_commit import later, on_commit
from meetings.core.background import enqueue
from meetings.core.models import utcnow
from meetings.extensions import db
from meetings.mail.delivery import requeue_due
from meetings.notifications.models import Notification, NotificationStatus
from meetings.notifications.notify import process
from meetings.notifications.preferences import chosen_modes
from meetings.schedule.models import Meeting

BATCH = 200
SWEEP_TASK = "notifications.sweep"


def sweep_after_commit() -> None:
    """Ask for a sweep as soon as the current transaction commits (notices due now)."""
    later(SWEEP_TASK)


on_commit(SWEEP_TASK, lambda _requests: enqueue(SWEEP_TASK))  # one sweep, however asked


def claim_due(now: datetime, limit: int = BATCH) -> list[Notification]:
    """Take up to `limit` due planned notifications for this transaction."""
    due = (
        sa.select(Notification.id)
        .where(Notification.status == NotificationStatus.PLANNED, Notification.due_at <= now)
        .order_by(Notification.due_at, Notification.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    ids = list(
        db.session.execute(
            sa.update(Notification)
            .where(Notification.id.in_(due.scalar_subquery()))
            .values(status=NotificationStatus.CLAIMED)
            .returning(Notification.id)
            .execution_options(synchronize_session=False)
        ).scalars()
    )
    if not ids:
        return []
    return list(
        db.session.scalars(
            sa.select(Notification)
            .where(Notification.id.in_(ids))
            .options(
                selectinload(Notification.meeting).selectinload(Meeting.sessions),
                selectinload(Notification.meeting).selectinload(Meeting.body),
                selectinload(Notification.user),
                selectinload(Notification.account),
                selectinload(Notification.registration),
                selectinload(Notification.message),
            )
            .order_by(Notification.due_at, Notification.id)
            .execution_options(populate_existing=True)
        )
    )


def dispatch_due(now: datetime | None = None, max_batches: int = 50) -> int:
    """Settle what is due, batch by batch, each batch its own transaction; return the count."""
    done = 0
    for _ in range(max_batches):
        moment = now or utcnow()
        batch = claim_due(moment)
        chosen = chosen_modes(row.recipient for row in batch)
        for row in batch:
            process(row, moment, chosen=chosen)
        db.session.commit()
        done += len(batch)
        if len(batch) < BATCH:
            break
    return done


def sweep(now: datetime | None = None) -> dict[str, int]:
    """The periodic task: settle due notifications, then hand over mail left behind."""
    settled = dispatch_due(now)
    handed = requeue_due(now)
    return {"notifications": settled, "messages": handed}

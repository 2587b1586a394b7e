"""Plan what falls due later, as rows under unique keys, and keep the plan in step with data.

Each planner (registered with `planner`) looks at the data as it is now and says which
notifications should exist (`Planned`). `plan` inserts the missing ones (a key already there
is left alone, so two planners running at once, or one run twice, plan each key once),
re-plans cancelled ones that apply again, moves due times that changed, and cancels planned
ones that no longer apply (the meeting moved, was cancelled, the registration withdrawn).

A key names what makes the notification itself: "meeting-reminder:12:345:14d:2026-12-10" is
the 14-day reminder of registration 345 for meeting 12 when it starts on 2026-12-10. If the
meeting moves, that key is cancelled and a new one, with the new date, is planned.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from meetings.core.models import utcnow
from meetings.extensions import db
from meetings.notifications.models import Notification, NotificationStatus


@dataclass(frozen=True)
class Planned:
    key: str
    kind: str
    recipient: str
    due_at: datetime
    user_id: int | None = None
    meeting_id: int | None = None
    registration_id: int | None = None
    payload: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)


PlannerFunction = Callable[[datetime], Iterable[Planned]]
PLANNERS: list[tuple[tuple[str, ...], PlannerFunction]] = []


def planner(*kind_names: str) -> Callable[[PlannerFunction], PlannerFunction]:
    """Register a function planning the kinds named: it owns every planned row of them."""

    def decorate(function: PlannerFunction) -> PlannerFunction:
        if all(function is not f for _, f in PLANNERS):
            PLANNERS.append((kind_names, function))
        return function

    return decorate


def planned_kinds() -> set[str]:
    return {name for names, _ in PLANNERS for name in names}


CANCELLED_REASON = "No longer applies: the meeting or the registration changed."


def plan(now: datetime | None = None) -> dict[str, int]:
    """Bring the planned rows in line with what the planners want now; commit."""
    now = now or utcnow()
    wanted: dict[str, Planned] = {}
    for _, function in PLANNERS:
        for item in function(now):
            wanted.setdefault(item.key, item)
    counts = {"added": 0, "moved": 0, "cancelled": 0, "replanned": 0}
    existing = {
        row.key: row
        for row in db.session.scalars(
            sa.select(Notification).where(
                Notification.kind.in_(planned_kinds()),
                sa.or_(
                    Notification.status == NotificationStatus.PLANNED,
                    sa.and_(
                        Notification.status == NotificationStatus.CANCELLED,
                        Notification.key.in_(list(wanted)),
                    ),
                ),
            )
        )
    }
    for key, row in existing.items():
        item = wanted.get(key)
        if item is None:
            if row.status is NotificationStatus.PLANNED:
                row.status, row.reason, row.processed_at = (
                    NotificationStatus.CANCELLED,
                    CANCELLED_REASON,
                    now,
                )
                counts["cancelled"] += 1
        elif row.status is NotificationStatus.CANCELLED:
            row.status, row.reason, row.due_at = NotificationStatus.PLANNED, "", item.due_at
            counts["replanned"] += 1
        elif row.due_at != item.due_at:
            row.due_at = item.due_at
            counts["moved"] += 1
    new = [item for key, item in wanted.items() if key not in existing]
    counts["added"] = insert_planned(new, now)
    db.session.commit()
    return counts


def insert_planned(items: list[Planned], now: datetime) -> int:
    """Insert the rows whose key is not taken; a key taken meanwhile is skipped, not an error."""
    if not items:
        return 0
    rows = [
        {
            "key": i.key,
            "kind": i.kind,
            "recipient": (i.recipient or "").lower(),
            "user_id": i.user_id,
            "meeting_id": i.meeting_id,
            "registration_id": i.registration_id,
            "payload": i.payload,
            "due_at": i.due_at,
            "status": NotificationStatus.PLANNED,
            "reason": "",
            "created_at": now,
        }
        for i in items
    ]
    dialect = sqlite if db.engine.dialect.name == "sqlite" else postgresql
    added = 0
    for start in range(0, len(rows), 500):
        statement = (
            dialect.insert(Notification)
            .on_conflict_do_nothing(index_elements=["key"])
            .returning(Notification.id)
        )
        added += len(db.session.execute(statement, rows[start : start + 500]).all())
    return added

"""Which follow-up actions a meeting reviews, with what it needs to review them.

A meeting of a body reviews the body's actions that are open and due by the meeting's end,
those that got a progress update or a review since the body's previous meeting, those the
previous meeting carried over, and those it has already concluded on. "Since the previous
meeting" runs from the day after it ended to the day this meeting ends, so that the page of
a past meeting keeps showing what that meeting had before it. Dates are the venue's; the
day boundaries are taken in UTC, which is close enough for a review list.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from meetings.access.policies import can_view_body, can_view_meeting
from meetings.access.principal import Principal
from meetings.actions.models import (
    OPEN_STATUSES,
    Action,
    ActionReview,
    ActionUpdate,
    Conclusion,
)
from meetings.extensions import db
from meetings.schedule.models import Meeting, MeetingStatus


@dataclass
class ReviewEntry:
    """One action under review: its latest update by the meeting's end, and the meeting's
    conclusion on it if recorded."""

    action: Action
    latest: ActionUpdate | None = None
    conclusion: ActionReview | None = None


@dataclass
class ActionsReview:
    has_actions: bool = False  # the body has any action at all: show the section
    previous: Meeting | None = None  # the previous meeting, if the viewer may see it
    entries: list[ReviewEntry] = field(default_factory=list)


def actions_for_review(meeting: Meeting, viewer: Principal) -> ActionsReview:
    """The actions the meeting reviews, in a fixed number of statements; a cancelled meeting
    reviews none."""
    body = meeting.body
    if meeting.status is MeetingStatus.CANCELLED or not can_view_body(viewer, body):
        return ActionsReview()
    if not db.session.scalar(sa.select(sa.exists().where(Action.body_id == body.id))):
        return ActionsReview()
    previous = previous_meeting(meeting)
    since = _day_start(previous.end_date + timedelta(days=1)) if previous else None
    until = _day_start(meeting.end_date + timedelta(days=1))
    stmt = (
        sa.select(Action)
        .where(Action.body_id == body.id, sa.or_(*_reasons(meeting, previous, since, until)))
        .options(
            joinedload(Action.lead_user),
            joinedload(Action.due_meeting),
            joinedload(Action.programme_area),
        )
        .order_by(Action.position, Action.id)
    )
    actions = list(db.session.scalars(stmt))
    ids = [a.id for a in actions]
    latest = _latest_updates(ids, until)
    concluded = _conclusions(ids, meeting)
    entries = [ReviewEntry(a, latest.get(a.id), concluded.get(a.id)) for a in actions]
    shown = previous if previous is not None and can_view_meeting(viewer, previous) else None
    return ActionsReview(has_actions=True, previous=shown, entries=entries)


def previous_meeting(meeting: Meeting) -> Meeting | None:
    """The body's latest meeting starting before this one; cancelled ones reviewed nothing."""
    stmt = (
        sa.select(Meeting)
        .where(
            Meeting.body_id == meeting.body_id,
            Meeting.start_date < meeting.start_date,
            Meeting.status != MeetingStatus.CANCELLED,
        )
        .order_by(Meeting.start_date.desc(), Meeting.id.desc())
        .limit(1)
    )
    return db.session.scalars(stmt).first()


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _in_window(column, since: datetime | None, until: datetime) -> sa.ColumnElement[bool]:
    return sa.and_(column >= since, column < until) if since else column < until


def _reasons(
    meeting: Meeting, previous: Meeting | None, since: datetime | None, until: datetime
) -> list[sa.ColumnElement[bool]]:
    open_statuses = [s.value for s in OPEN_STATUSES]
    reviews = ActionReview.action_id == Action.id
    reasons = [
        sa.and_(Action.status.in_(open_statuses), Action.due_end <= meeting.end_date),
        sa.exists().where(
            ActionUpdate.action_id == Action.id, _in_window(ActionUpdate.at, since, until)
        ),
        sa.exists().where(reviews, ActionReview.meeting_id == meeting.id),
    ]
    if previous is not None:
        reasons += [
            sa.exists().where(
                reviews,
                ActionReview.meeting_id == previous.id,
                ActionReview.conclusion == Conclusion.CARRIED_OVER,
            ),
            sa.exists().where(
                reviews,
                ActionReview.meeting_id != previous.id,
                _in_window(ActionReview.at, since, until),
            ),
        ]
    return reasons


def _latest_updates(action_ids: list[int], until: datetime) -> dict[int, ActionUpdate]:
    """Each action's latest update posted by the end of the meeting."""
    if not action_ids:
        return {}
    latest = (
        sa.select(sa.func.max(ActionUpdate.id))
        .where(ActionUpdate.action_id.in_(action_ids), ActionUpdate.at < until)
        .group_by(ActionUpdate.action_id)
    )
    stmt = (
        sa.select(ActionUpdate)
        .where(ActionUpdate.id.in_(latest))
        .options(joinedload(ActionUpdate.author), selectinload(ActionUpdate.attachments))
    )
    return {u.action_id: u for u in db.session.scalars(stmt)}


def _conclusions(action_ids: list[int], meeting: Meeting) -> dict[int, ActionReview]:
    if not action_ids:
        return {}
    stmt = (
        sa.select(ActionReview)
        .where(ActionReview.meeting_id == meeting.id, ActionReview.action_id.in_(action_ids))
        .options(joinedload(ActionReview.by))
    )
    return {r.action_id: r for r in db.session.scalars(stmt)}

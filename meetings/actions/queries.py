"""Follow-up actions as lists: filtered, limited to what the viewer may see, and loaded with
what a list shows in a fixed number of statements (the API and the dashboards)."""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from meetings.access.policies import body_visible
from meetings.access.principal import Principal
from meetings.actions.models import (
    OPEN_STATUSES,
    Action,
    ActionReview,
    ActionStatus,
    ActionUpdate,
    LeadKind,
)
from meetings.actions.services import overdue
from meetings.bodies.models import Body
from meetings.core.models import utc_today
from meetings.documents.models import Document
from meetings.extensions import db
from meetings.mechanisms.areas import areas_and_below
from meetings.schedule.models import Meeting


@dataclass(frozen=True)
class ActionFilter:
    """What lists of actions are narrowed by; None (or empty) leaves a criterion out."""

    mechanism_id: int | None = None
    body_id: int | None = None
    meeting_id: int | None = None  # the source meeting
    document_id: int | None = None  # the source document
    statuses: tuple[ActionStatus, ...] = ()
    programme_area_id: int | None = None  # the area and its sub-areas, to any depth
    lead_organisation: str | None = None
    lead_country: str | None = None
    lead_user_id: int | None = None
    overdue: bool | None = None  # True: open and past due; False: all the others
    due_before: date | None = None  # due on or before (its due date's last day)
    due_after: date | None = None  # due on or after
    today: date | None = None  # for overdue; None: the server's today


def filtered_actions(viewer: Principal, f: ActionFilter = ActionFilter()) -> sa.Select:
    """Actions of the bodies the viewer may see matching the filter, the soonest due first
    (those without a due date last), then in the order they were recorded."""
    stmt = sa.select(Action).join(Action.body).join(Body.mechanism).where(body_visible(viewer))
    for condition in conditions(f):
        stmt = stmt.where(condition)
    return stmt.order_by(Action.due_end.is_(None), Action.due_end, Action.id)


def conditions(f: ActionFilter) -> list[sa.ColumnElement[bool]]:
    """The filter as SQL conditions on Action (and Body, for the mechanism), for every list of
    actions: the API's, a body's page and its filters."""
    equal = (
        (Action.body_id, f.body_id),
        (Action.meeting_id, f.meeting_id),
        (Action.document_id, f.document_id),
        (Action.lead_country, f.lead_country.upper() if f.lead_country else None),
        (Action.lead_user_id, f.lead_user_id),
    )
    conditions = [column == value for column, value in equal if value is not None]
    if f.mechanism_id is not None:  # a subquery: the caller's statement may not join Body
        bodies = sa.select(Body.id).where(Body.mechanism_id == f.mechanism_id)
        conditions.append(Action.body_id.in_(bodies))
    if f.lead_organisation is not None:
        conditions.append(Action.lead_kind == LeadKind.ORGANISATION)
        conditions.append(Action.lead_organisation == f.lead_organisation)
    if f.programme_area_id is not None:
        conditions.append(Action.programme_area_id.in_(areas_and_below([f.programme_area_id])))
    if f.statuses:
        conditions.append(Action.status.in_([s.value for s in f.statuses]))
    if f.due_before is not None:
        conditions.append(Action.due_end <= f.due_before)
    if f.due_after is not None:
        conditions.append(Action.due_end >= f.due_after)
    if f.overdue is not None:
        conditions.append(_overdue(f.today or utc_today(), f.overdue))
    return conditions


def _overdue(today: date, wanted: bool) -> sa.ColumnElement[bool]:
    if wanted:
        return overdue(today)
    # Spelt out rather than NOT(overdue): a missing due date would make that NULL, not true.
    return sa.or_(
        Action.status.not_in([s.value for s in OPEN_STATUSES]),
        Action.due_end.is_(None),
        Action.due_end >= today,
    )


def list_options() -> tuple:
    """Load what a list of actions shows, in a fixed number of statements. Expects the
    statement of filtered_actions (Body and Mechanism joined)."""
    return (
        contains_eager(Action.body).contains_eager(Body.mechanism),
        selectinload(Action.meeting).joinedload(Meeting.body).joinedload(Body.mechanism),
        selectinload(Action.document).options(
            joinedload(Document.body).joinedload(Body.mechanism),
            joinedload(Document.meeting).joinedload(Meeting.body),
            joinedload(Document.session),
        ),
        selectinload(Action.due_meeting),
        selectinload(Action.lead_user),
        selectinload(Action.programme_area),
    )


def page_of_actions(
    viewer: Principal, f: ActionFilter, page: int, per_page: int
) -> tuple[list[Action], int]:
    """One page of actions and the total count, in a fixed number of statements."""
    stmt = filtered_actions(viewer, f)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery()))
    stmt = stmt.options(*list_options()).limit(per_page).offset((page - 1) * per_page)
    return list(db.session.scalars(stmt).unique()), total or 0


def action_with_history(action_id: int) -> Action | None:
    """One action with its links, sub-actions, updates and reviews loaded."""
    stmt = sa.select(Action).where(Action.id == action_id)
    stmt = stmt.options(
        joinedload(Action.body).joinedload(Body.mechanism),
        *list_options()[1:],
        selectinload(Action.parent),
        selectinload(Action.children),
        selectinload(Action.updates).options(
            joinedload(ActionUpdate.author), selectinload(ActionUpdate.attachments)
        ),
        selectinload(Action.reviews)
        .joinedload(ActionReview.meeting)
        .joinedload(Meeting.body)
        .joinedload(Body.mechanism),
    )
    return db.session.scalars(stmt).first()


def traced_to(document: Document, viewer: Principal) -> list[tuple[Body, int]]:
    """The bodies whose actions are traced to the document, with how many, among the bodies
    the viewer may see (an outcome of one body may be carried out by another)."""
    stmt = (
        sa.select(Body, sa.func.count(Action.id))
        .select_from(Action)
        .join(Action.body)
        .join(Body.mechanism)
        .where(Action.document_id == document.id, body_visible(viewer))
        .group_by(Body.id)
        .order_by(Body.id)
    )
    return [(body, n) for body, n in db.session.execute(stmt)]

"""A body's follow-up actions as a page of trees: the filters its page offers, read from the
query string into the filter every list of actions uses (queries.ActionFilter), and the
matching actions with the matching sub-actions listed under their parent."""

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from meetings.accounts.models import User
from meetings.actions.models import UNNAMED_PERSON, Action, ActionStatus, LeadKind
from meetings.actions.queries import ActionFilter, conditions
from meetings.bodies.models import Body
from meetings.core.countries import country_name
from meetings.extensions import db

PER_PAGE = 50  # top-level actions a page lists, each with its sub-actions
LEAD_FIELDS = {
    LeadKind.ORGANISATION.value: "lead_organisation",
    LeadKind.MEMBER_STATE.value: "lead_country",
    LeadKind.PERSON.value: "lead_user_id",
}


@dataclass(frozen=True)
class Choices:
    """What the page's filter form shows as chosen, and the filter it stands for."""

    status: ActionStatus | None = None
    area_id: int | None = None
    lead: str = ""  # "organisation:CAEC", "member_state:JP", "person:12"
    overdue: bool = False
    document_id: int | None = None  # the source document
    filter: ActionFilter = field(default_factory=ActionFilter)

    @property
    def is_set(self) -> bool:
        return bool(self.status or self.area_id or self.lead or self.overdue or self.document_id)


def choices_from(
    args: Mapping, body: Body, today: date, document: Callable[[int], bool] = lambda _: True
) -> Choices:
    """The page's query string as a filter of the body's actions. A value that names nothing
    (hand-edited) leaves its criterion out rather than failing; `document` says whether a
    document id names a document of the body the reader may see."""
    status = args.get("status", "")
    status = ActionStatus(status) if status in set(ActionStatus) else None
    area_id = _whole(args.get("area", ""))
    lead = args.get("lead", "")[:320]
    kind, _, value = lead.partition(":")
    lead_field = LEAD_FIELDS.get(kind) if value else None
    if lead_field == "lead_user_id":
        value = _whole(value)
    if lead_field is None or value is None:
        lead, lead_criterion = "", {}
    else:
        lead_criterion = {lead_field: value}
    overdue = args.get("overdue") == "1"
    document_id = _whole(args.get("document", ""))
    if document_id is not None and not document(document_id):
        document_id = None
    f = ActionFilter(
        body_id=body.id,
        document_id=document_id,
        statuses=(status,) if status else (),
        programme_area_id=area_id,
        overdue=True if overdue else None,
        today=today,
        **lead_criterion,
    )
    return Choices(status, area_id, lead, overdue, document_id, f)


def _whole(text: str) -> int | None:
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else None


@dataclass
class Node:
    """A listed action and the matching sub-actions listed under it."""

    action: Action
    children: list["Node"] = field(default_factory=list)


def listing_options() -> tuple:
    """What a list row of an action shows beyond its own columns."""
    return (
        joinedload(Action.lead_user),
        joinedload(Action.programme_area),
        joinedload(Action.due_meeting),
    )


def page_of_trees(f: ActionFilter, page: int) -> tuple[list[Node], int, int]:
    """One page of the matching actions as trees, the number of trees and of actions.

    A matching action is listed under its parent when the parent matches too, else at the
    top; pages count top-level entries. Three statements whatever the numbers.
    """
    matching = sa.select(Action.id, Action.parent_id).where(*conditions(f)).cte("matching")
    tops = (
        sa.select(Action)
        .join(matching, matching.c.id == Action.id)
        .where(
            sa.or_(Action.parent_id.is_(None), Action.parent_id.not_in(sa.select(matching.c.id)))
        )
    )
    counts = sa.select(
        sa.select(sa.func.count()).select_from(tops.subquery()).scalar_subquery(),
        sa.select(sa.func.count()).select_from(matching).scalar_subquery(),
    )
    trees, total = db.session.execute(counts).one()
    stmt = tops.options(*listing_options()).order_by(Action.position, Action.id)
    roots = list(db.session.scalars(stmt.limit(PER_PAGE).offset((page - 1) * PER_PAGE)))
    return _trees(roots, _descendants(matching, [a.id for a in roots])), trees or 0, total or 0


def _descendants(matching, root_ids: list[int]) -> list[Action]:
    """The matching actions below these, at any depth."""
    if not root_ids:
        return []
    tree = sa.select(matching.c.id).where(matching.c.parent_id.in_(root_ids))
    tree = tree.cte("tree", recursive=True)
    tree = tree.union(sa.select(matching.c.id).join(tree, matching.c.parent_id == tree.c.id))
    stmt = sa.select(Action).where(Action.id.in_(sa.select(tree.c.id)))
    return list(db.session.scalars(stmt.options(*listing_options())))


def _trees(roots: list[Action], below: list[Action]) -> list[Node]:
    by_parent: dict[int, list[Action]] = defaultdict(list)
    for a in below:
        by_parent[a.parent_id].append(a)

    def node(a: Action) -> Node:
        kids = sorted(by_parent[a.id], key=lambda c: (c.position, c.id))
        return Node(a, [node(c) for c in kids])

    return [node(a) for a in roots]


def lead_choices(body: Body) -> list[tuple[str, str]]:
    """The leads of the body's actions, as filter options."""
    stmt = (
        sa.select(Action.lead_kind, Action.lead_organisation, Action.lead_country)
        .add_columns(User.id, User.name)
        .outerjoin(User, Action.lead_user_id == User.id)
        .where(Action.body_id == body.id, Action.lead_kind.is_not(None))
        .distinct()
    )
    found = set()
    for kind, organisation, country, user_id, name in db.session.execute(stmt):
        if kind is LeadKind.ORGANISATION and organisation:
            found.add((f"organisation:{organisation}", organisation))
        elif kind is LeadKind.MEMBER_STATE and country:
            found.add((f"member_state:{country}", country_name(country) or country))
        elif kind is LeadKind.PERSON and user_id is not None:
            found.add((f"person:{user_id}", name or f"{UNNAMED_PERSON} (no. {user_id})"))
    return sorted(found, key=lambda pair: pair[1].lower())

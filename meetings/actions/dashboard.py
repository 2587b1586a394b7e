"""What a dashboard of follow-up actions shows, for the actions of one body, of one mechanism
or of every mechanism: counts by status, programme area and lead, the overdue actions, the
statuses month by month, and the rows of the exports.

Every query joins the action's Body and Mechanism and keeps only the bodies the viewer may
see (policies.body_visible); the database does the counting (GROUP BY), so a page runs the
same few statements however many actions there are.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, joinedload

from meetings.access.policies import body_visible, can_view_document, can_view_meeting
from meetings.access.principal import Principal
from meetings.accounts.models import User
from meetings.actions.models import (
    OPEN_STATUSES,
    STATUS_LABELS,
    UNNAMED_PERSON,
    Action,
    ActionStatus,
    ActionUpdate,
    LeadKind,
)
from meetings.actions.services import overdue
from meetings.bodies.models import Body
from meetings.core.countries import country_name
from meetings.core.dates import add_months
from meetings.documents.models import Document
from meetings.extensions import db
from meetings.mechanisms.models import Mechanism, ProgrammeArea
from meetings.schedule.models import Meeting

MONTHS_SHOWN = 12
OVERDUE_SHOWN = 100
LEAD_KIND_LABELS = {
    LeadKind.ORGANISATION: "Organisation",
    LeadKind.MEMBER_STATE: "Member state",
    LeadKind.PERSON: "Person",
}


@dataclass(frozen=True)
class Scope:
    """Whose actions: one body's, one mechanism's, or (neither given) every mechanism's."""

    mechanism: Mechanism | None = None
    body: Body | None = None

    @property
    def name(self) -> str:
        if self.body is not None:
            return f"{self.body.name} ({self.body.mechanism.short_name})"
        return self.mechanism.name if self.mechanism is not None else "All mechanisms"

    @property
    def slug(self) -> str:
        """For file names: the body's or mechanism's slug, or "all"."""
        return (self.body or self.mechanism).slug if (self.body or self.mechanism) else "all"

    def where(self) -> sa.ColumnElement[bool]:
        if self.body is not None:
            return Action.body_id == self.body.id
        if self.mechanism is not None:
            return Body.mechanism_id == self.mechanism.id
        return sa.true()


def _in_scope(stmt: sa.Select, p: Principal, scope: Scope) -> sa.Select:
    """The statement over the actions of the scope whose body the viewer may see."""
    stmt = stmt.join(Body, Action.body_id == Body.id)
    stmt = stmt.join(Mechanism, Body.mechanism_id == Mechanism.id)
    return stmt.where(body_visible(p), scope.where())


def _is_open() -> sa.ColumnElement[bool]:
    return Action.status.in_(sorted(s.value for s in OPEN_STATUSES))


def _sum_if(condition: sa.ColumnElement[bool]) -> sa.ColumnElement[int]:
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


def _counts(today: date) -> tuple:
    """Total, open and overdue actions, as aggregate columns."""
    return (
        sa.func.count(Action.id).label("total"),
        _sum_if(_is_open()).label("open"),
        _sum_if(overdue(today)).label("overdue"),
    )


@dataclass(frozen=True)
class Count:
    """One row of a breakdown: how many actions, how many still open, how many overdue."""

    label: str
    total: int
    open: int
    overdue: int
    note: str = ""  # the lead's kind; the mechanism of a programme area
    slug: str = ""  # of the mechanism or body a row stands for
    status: ActionStatus | None = None


@dataclass(frozen=True)
class Totals:
    total: int
    open: int
    overdue: int
    completed: int
    first_created_at: datetime | None  # of the oldest action counted


def by_status(p: Principal, scope: Scope, today: date) -> tuple[list[Count], Totals]:
    """One row per status (zero included, in the statuses' order), and the totals."""
    first = sa.func.min(Action.created_at).label("first")
    stmt = sa.select(Action.status, *_counts(today), first).select_from(Action)
    rows = db.session.execute(_in_scope(stmt, p, scope).group_by(Action.status)).all()
    found = {ActionStatus(r.status): r for r in rows}
    counts = []
    for status, label in STATUS_LABELS.items():
        total, late = (found[status].total, found[status].overdue) if status in found else (0, 0)
        shown_open = total if status in OPEN_STATUSES else 0
        counts.append(Count(label, total, shown_open, late, status=status))
    return counts, _totals(counts, min((r.first for r in rows), default=None))


def _totals(counts: list[Count], first: datetime | None) -> Totals:
    completed = next(c.total for c in counts if c.status is ActionStatus.COMPLETED)
    return Totals(
        total=sum(c.total for c in counts),
        open=sum(c.open for c in counts),
        overdue=sum(c.overdue for c in counts),
        completed=completed,
        first_created_at=first,
    )


def by_programme_area(p: Principal, scope: Scope, today: date) -> list[Count]:
    """Per programme area (noting its mechanism), then the actions under none."""
    area = ProgrammeArea
    stmt = sa.select(area.id, area.code, area.name, Mechanism.short_name, *_counts(today))
    stmt = stmt.select_from(Action).outerjoin(area, Action.programme_area_id == area.id)
    stmt = _in_scope(stmt, p, scope).group_by(area.id, area.code, area.name, Mechanism.short_name)
    stmt = stmt.order_by(
        sa.case((area.id.is_(None), 1), else_=0), Mechanism.short_name, area.position, area.code
    )
    return [
        Count(
            f"{r.code} {r.name}" if r.id is not None else "No programme area",
            r.total,
            r.open,
            r.overdue,
            note=r.short_name,
        )
        for r in db.session.execute(stmt)
    ]


def lead_label(
    kind: LeadKind | None, organisation: str, country: str | None, person: str | None
) -> str:
    """As Action.lead_label says it, from the columns (a person by name, never by email)."""
    if kind is LeadKind.PERSON:
        return person or UNNAMED_PERSON
    if kind is LeadKind.MEMBER_STATE and country:
        return country_name(country) or country
    return organisation or "No lead named"


def by_lead(p: Principal, scope: Scope, today: date) -> list[Count]:
    """Per lead as people name it, most actions first."""
    person = sa.func.nullif(User.name, "")
    columns = (Action.lead_kind, Action.lead_organisation, Action.lead_country, person)
    stmt = sa.select(*columns, *_counts(today)).select_from(Action)
    stmt = stmt.outerjoin(User, Action.lead_user_id == User.id)
    stmt = _in_scope(stmt, p, scope).group_by(*columns)
    merged: dict[tuple[str, str], list[int]] = {}
    for kind, organisation, country, name, total, is_open, late in db.session.execute(stmt):
        label = lead_label(kind, organisation, country, name)
        shown_kind = LEAD_KIND_LABELS.get(kind, "") if label != "No lead named" else ""
        sums = merged.setdefault((label, shown_kind), [0, 0, 0])
        for i, n in enumerate((total, is_open, late)):
            sums[i] += n
    rows = [Count(label, *sums, note=kind) for (label, kind), sums in merged.items()]
    return sorted(rows, key=lambda c: (-c.total, c.label.casefold()))


def by_part(p: Principal, scope: Scope, today: date) -> list[Count]:
    """Per mechanism (all mechanisms) or per body (one mechanism); nothing for one body."""
    if scope.body is not None:
        return []
    if scope.mechanism is not None:
        columns = (Body.id, Body.slug, Body.name, Body.short_name, Body.position)
        order = (Body.position, Body.name)
    else:
        columns = (Mechanism.id, Mechanism.slug, Mechanism.name, Mechanism.short_name)
        order = (Mechanism.name,)
    stmt = sa.select(*columns, *_counts(today)).select_from(Action)
    stmt = _in_scope(stmt, p, scope).group_by(*columns).order_by(*order)
    return [
        Count(f"{r.name} ({r.short_name})", r.total, r.open, r.overdue, slug=r.slug)
        for r in db.session.execute(stmt)
    ]


@dataclass(frozen=True)
class Overdue:
    action: Action
    days: int  # since its due date


def overdue_actions(
    p: Principal, scope: Scope, today: date, limit: int = OVERDUE_SHOWN
) -> list[Overdue]:
    """The open actions past their due date, the longest overdue first."""
    stmt = _in_scope(sa.select(Action), p, scope).where(overdue(today))
    stmt = stmt.order_by(Action.due_end, Action.id).limit(limit)
    stmt = stmt.options(
        contains_eager(Action.body).contains_eager(Body.mechanism),
        joinedload(Action.lead_user),
        joinedload(Action.due_meeting),
    )
    return [Overdue(a, (today - a.due_end).days) for a in db.session.scalars(stmt)]


# ---- status over time ----------------------------------------------------------------------


@dataclass(frozen=True)
class Month:
    """The actions in each status at the end of a month (so far, for the current one)."""

    first_day: date
    counts: dict[ActionStatus, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def label(self) -> str:
        return f"{self.first_day:%B %Y}"


def months_shown(first: datetime | None, now: datetime, limit: int = MONTHS_SHOWN) -> list[date]:
    """First days of the last `limit` months to now's, or of those since `first` if fewer."""
    if first is None:
        return []
    last = now.astimezone(UTC).date().replace(day=1)
    start = max(first.astimezone(UTC).date().replace(day=1), add_months(last, 1 - limit))
    count = (last.year - start.year) * 12 + last.month - start.month + 1
    return [add_months(start, i) for i in range(count)]


def _status_at(moment: datetime) -> sa.ColumnElement:
    """An action's status at `moment`: that after its last update before then, else that
    before its first update, else (never updated) its status now."""
    mine = ActionUpdate.action_id == Action.id
    after = sa.select(ActionUpdate.status_after).where(mine, ActionUpdate.at < moment)
    after = after.order_by(ActionUpdate.at.desc(), ActionUpdate.id.desc()).limit(1)
    before = sa.select(ActionUpdate.status_before).where(mine)
    before = before.order_by(ActionUpdate.at, ActionUpdate.id).limit(1)
    return sa.func.coalesce(after.scalar_subquery(), before.scalar_subquery(), Action.status)


def _month_end(first_day: date) -> datetime:
    """The moment a month ends: midnight UTC when the next begins."""
    return datetime.combine(add_months(first_day, 1), datetime.min.time(), tzinfo=UTC)


def status_over_time(
    p: Principal, scope: Scope, now: datetime, first: datetime | None
) -> list[Month]:
    """The number of actions in each status at the end of each month shown, from the
    actions' creation and their updates' status changes; one statement for all months."""
    days = months_shown(first, now)
    if not days:
        return []
    parts = []
    for i, day in enumerate(days):
        end = _month_end(day)
        stmt = sa.select(sa.literal_column(str(i)).label("i"), _status_at(end).label("status"))
        stmt = _in_scope(stmt.select_from(Action), p, scope).where(Action.created_at < end)
        parts.append(stmt)
    every = (sa.union_all(*parts) if len(parts) > 1 else parts[0]).subquery()
    stmt = sa.select(every.c.i, every.c.status, sa.func.count()).group_by(every.c.i, every.c.status)
    counts: list[dict[ActionStatus, int]] = [dict.fromkeys(STATUS_LABELS, 0) for _ in days]
    for i, status, n in db.session.execute(stmt):
        counts[int(i)][ActionStatus(status)] = n
    return [Month(day, c) for day, c in zip(days, counts, strict=True)]


# ---- exports -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportRow:
    action: Action
    last_update_at: datetime | None
    document: Document | None  # its source document, if the viewer may see it
    meeting: Meeting | None  # its source meeting, if the viewer may see it
    is_overdue: bool


def export_rows(p: Principal, scope: Scope, today: date) -> list[ExportRow]:
    """Every action of the scope, by mechanism, body and creation, with its last update and
    the sources the viewer may see; one statement."""
    rows = []
    for action, at in db.session.execute(_export_statement(p, scope)).unique():
        document, meeting = action.document, action.meeting
        if document is not None and not can_view_document(p, document):
            document = None
        if meeting is not None and not can_view_meeting(p, meeting):
            meeting = None
        rows.append(ExportRow(action, at, document, meeting, action.is_overdue(today)))
    return rows


def _export_statement(p: Principal, scope: Scope) -> sa.Select:
    """The actions with what their cells and the access checks of their sources read."""
    last = sa.select(ActionUpdate.action_id, sa.func.max(ActionUpdate.at).label("at"))
    last = last.group_by(ActionUpdate.action_id).subquery()
    stmt = sa.select(Action, last.c.at).select_from(Action)
    stmt = _in_scope(stmt.outerjoin(last, last.c.action_id == Action.id), p, scope)
    meeting_body = (joinedload(Meeting.body).joinedload(Body.mechanism),)
    return stmt.order_by(Mechanism.short_name, Body.position, Body.name, Action.id).options(
        contains_eager(Action.body).contains_eager(Body.mechanism),
        joinedload(Action.lead_user),
        joinedload(Action.programme_area),
        joinedload(Action.due_meeting),
        joinedload(Action.meeting).options(*meeting_body),
        joinedload(Action.document).options(
            joinedload(Document.body).joinedload(Body.mechanism),
            joinedload(Document.meeting).options(*meeting_body),
            joinedload(Document.session),
        ),
    )

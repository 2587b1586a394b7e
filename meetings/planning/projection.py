"""Cadence projection: for every body the viewer may see, the meetings expected over the next
months from its cadence and history, beside those already scheduled; and the bodies overdue
for a meeting.

An expected meeting is a month ("September 2027"), never a day, and only where no scheduled
meeting of the body falls within half a cadence step of it. A body is overdue when its last
meeting is further back than its cadence allows (OVERDUE_AFTER_MONTHS) and nothing is
scheduled. Three statements whatever the number of bodies and meetings.
"""

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager

from meetings.access.policies import body_visible, meeting_visible
from meetings.access.principal import Principal
from meetings.bodies.cadence import STEP_MONTHS
from meetings.bodies.models import Body, Cadence
from meetings.core.dates import DatePrecision, PartialDate, add_months
from meetings.extensions import db
from meetings.mechanisms.areas import with_sub_areas
from meetings.mechanisms.models import Mechanism, MemberState, ProgrammeArea
from meetings.schedule.models import CALLED_OFF, Meeting, MeetingStatus, meeting_programme_area
from meetings.themes.models import Theme

HORIZON_MONTHS = 24
# How long after its last meeting a body counts as overdue: its cadence, with some slack.
OVERDUE_AFTER_MONTHS = {
    Cadence.ANNUAL: 15,
    Cadence.TWICE_A_YEAR: 9,
    Cadence.BIENNIAL: 30,
    Cadence.EVERY_2_TO_3_YEARS: 36,
}


@dataclass(frozen=True)
class Expected:
    """A meeting the cadence expects, not scheduled: to the month."""

    body: Body
    month: date  # its first day

    @property
    def label(self) -> str:
        return PartialDate(self.month.year, self.month.month).label


@dataclass
class BodyPlan:
    body: Body
    last: Meeting | None = None  # its latest meeting that took place
    scheduled: list[Meeting] = field(default_factory=list)  # ahead, within the horizon
    expected: list[Expected] = field(default_factory=list)
    overdue: bool = False

    @property
    def overdue_label(self) -> str:
        if self.last is None:
            return "No meeting recorded."
        return f"Last met {self.last.dates_label}."


@dataclass(frozen=True)
class Month:
    first_day: date
    scheduled: list[Meeting]
    expected: list[Expected]

    @property
    def mechanisms(self) -> set[int]:
        bodies = [m.body for m in self.scheduled] + [e.body for e in self.expected]
        return {b.mechanism_id for b in bodies}

    @property
    def crowded(self) -> bool:
        """Meetings of several mechanisms in one month: worth a look for clashes."""
        return len(self.mechanisms) > 1


@dataclass
class Projection:
    start: date
    end: date  # the horizon's last day
    bodies: list[BodyPlan]

    @property
    def overdue(self) -> list[BodyPlan]:
        return [b for b in self.bodies if b.overdue]

    @property
    def months(self) -> list["Month"]:
        """Each month of the horizon with its scheduled and expected meetings."""
        scheduled: dict[date, list[Meeting]] = {}
        expected: dict[date, list[Expected]] = {}
        for plan in self.bodies:
            for m in plan.scheduled:
                scheduled.setdefault(m.start_date.replace(day=1), []).append(m)
            for e in plan.expected:
                expected.setdefault(e.month, []).append(e)
        months, month = [], self.start
        while month <= self.end:
            on = sorted(scheduled.get(month, []), key=lambda m: (m.start_date, m.id))
            months.append(Month(month, on, expected.get(month, [])))
            month = add_months(month, 1)
        return months


@dataclass(frozen=True)
class PlanFilter:
    mechanism_id: int | None = None
    body_id: int | None = None
    country: str | None = None  # bodies of the mechanisms this member state belongs to
    # Meetings on these programme areas (an area with its sub-areas, or a theme's areas), and
    # the bodies that have held or scheduled such meetings.
    area_ids: tuple[int, ...] = ()


def areas_chosen(
    area: ProgrammeArea | None, theme: Theme | None, offered: dict[int, ProgrammeArea]
) -> tuple[int, ...]:
    """The programme areas a filter stands for: an area with its sub-areas, a theme's areas
    with theirs, or those on both when both are chosen; only among the areas `offered` (those
    of the mechanisms the viewer may see). (0,) when nothing is on both: no meeting matches."""
    if area is None and theme is None:
        return ()
    wanted: set[int] | None = None
    if area is not None:
        wanted = with_sub_areas(area.id, offered)
    if theme is not None:
        on_theme = set().union(*(with_sub_areas(a.id, offered) for a in theme.areas))
        wanted = on_theme if wanted is None else wanted & on_theme
    return tuple(sorted(wanted)) if wanted else (0,)


def project(
    viewer: Principal, today: date, f: PlanFilter = PlanFilter(), until: date | None = None
) -> Projection:
    """From this month to `until` (the first month left out; HORIZON_MONTHS ahead by default),
    for the bodies the viewer may see."""
    start = today.replace(day=1)
    horizon_end = max(until or add_months(start, HORIZON_MONTHS), add_months(start, 1))
    bodies = _bodies(viewer, f)
    ids = [b.id for b in bodies]
    plans = {b.id: BodyPlan(b) for b in bodies}
    for meeting in _last_meetings(viewer, ids, today):
        plans[meeting.body_id].last = meeting
    for meeting in _scheduled(viewer, ids, today, horizon_end):
        plans[meeting.body_id].scheduled.append(meeting)
    for plan in plans.values():
        _expect(plan, start, horizon_end, today)
    ordered = sorted(
        plans.values(), key=lambda p: (p.body.mechanism.name.casefold(), p.body.name.casefold())
    )
    return Projection(start, add_months(horizon_end, -1), ordered)


def _bodies(viewer: Principal, f: PlanFilter) -> list[Body]:
    stmt = (
        sa.select(Body)
        .join(Body.mechanism)
        .where(body_visible(viewer))
        .options(contains_eager(Body.mechanism))
        .order_by(Mechanism.name, Body.name)
    )
    if f.mechanism_id is not None:
        stmt = stmt.where(Body.mechanism_id == f.mechanism_id)
    if f.body_id is not None:
        stmt = stmt.where(Body.id == f.body_id)
    if f.country is not None:
        members = sa.select(MemberState.mechanism_id).where(MemberState.country_code == f.country)
        stmt = stmt.where(Body.mechanism_id.in_(members))
    if f.area_ids:
        stmt = stmt.where(Body.id.in_(sa.select(Meeting.body_id).where(on_areas(f.area_ids))))
    return list(db.session.scalars(stmt).unique())


def on_areas(area_ids: tuple[int, ...]) -> sa.ColumnElement[bool]:
    """Meetings tagged with any of these programme areas."""
    tagged = sa.select(meeting_programme_area.c.meeting_id).where(
        meeting_programme_area.c.programme_area_id.in_(area_ids)
    )
    return Meeting.id.in_(tagged)


def _visible_meetings(viewer: Principal, body_ids: list[int]) -> sa.Select:
    return (
        sa.select(Meeting)
        .join(Body, Meeting.body_id == Body.id)
        .join(Mechanism, Body.mechanism_id == Mechanism.id)
        .where(
            Meeting.body_id.in_(body_ids),
            Meeting.status.not_in([s.value for s in CALLED_OFF]),
            meeting_visible(viewer),
        )
    )


def _last_meetings(viewer: Principal, body_ids: list[int], today: date) -> list[Meeting]:
    """Each body's latest meeting that took place (held, or over by its dates: a planned
    meeting known only as "2026" is not over before 2027), in one statement."""
    begun = _visible_meetings(viewer, body_ids).where(
        sa.or_(Meeting.status == MeetingStatus.HELD, Meeting.end_date < today)
    )
    ranked = begun.add_columns(
        sa.func.row_number()
        .over(partition_by=Meeting.body_id, order_by=(Meeting.start_date.desc(), Meeting.id.desc()))
        .label("rank")
    ).subquery()
    latest = sa.select(ranked.c.id).where(ranked.c.rank == 1)
    return list(db.session.scalars(sa.select(Meeting).where(Meeting.id.in_(latest))))


def _scheduled(viewer: Principal, body_ids: list[int], today: date, end: date) -> list[Meeting]:
    """Meetings not held and not over by their dates, starting before the horizon's end."""
    stmt = _visible_meetings(viewer, body_ids).where(
        Meeting.status != MeetingStatus.HELD, Meeting.end_date >= today, Meeting.start_date < end
    )
    return list(db.session.scalars(stmt.order_by(Meeting.start_date, Meeting.id)))


def _expect(plan: BodyPlan, start: date, end: date, today: date) -> None:
    """Fill the expected months and the overdue flag of one body."""
    body, step = plan.body, STEP_MONTHS.get(plan.body.cadence)
    if step is None:
        return  # ad hoc: nothing is expected
    last = plan.last
    if last is not None and last.date_precision is DatePrecision.YEAR and not body.usual_month:
        anchor = None  # known only to its year: too vague to step from by months
    elif last is not None:
        month = last.start_date.month if last.date_precision is not DatePrecision.YEAR else 1
        anchor = date(last.start_date.year, month, 1)
        if body.usual_month and step % 12 == 0:
            anchor = anchor.replace(month=body.usual_month)
    else:
        anchor = None
    late = OVERDUE_AFTER_MONTHS[body.cadence]
    # From the month it met; a meeting known only to its year is given the benefit of its end.
    met = None
    if last is not None:
        met = last.end_date if last.date_precision is DatePrecision.YEAR else last.start_date
    plan.overdue = not plan.scheduled and (
        met is None or add_months(met.replace(day=1), late) < today.replace(day=1)
    )
    if anchor is None:
        if body.usual_month is None:
            return
        anchor = add_months(date(today.year, body.usual_month, 1), -step)
    month = add_months(anchor, step)
    while month < start:
        month = add_months(month, step)
    covered = [m.start_date.replace(day=1) for m in plan.scheduled]
    half = max(step // 2, 1)
    while month < end:
        near = any(
            add_months(month, -half) < m < add_months(month, half) or m == month for m in covered
        )
        if not near:
            plan.expected.append(Expected(body, month))
        month = add_months(month, step)

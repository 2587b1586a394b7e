"""The planning calendar: the meetings of a window of months (a month, a year, the next 24),
across mechanisms, with the meetings each body's cadence expects and the clashes marked.

A clash mark (between meetings whose days are fixed) comes from every meeting the viewer may
see, whatever the filters: a filter that
shows only NEASPEC still marks a SOM that falls two days after an ASEAN-China forum. The
statements are the same few whatever the number of meetings: the projection's three, the
window's meetings, and the meetings around it for the clashes (from the date index).
"""

import calendar as gregorian
from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from meetings.access.policies import meeting_visible
from meetings.access.principal import Principal
from meetings.bodies.models import Body
from meetings.core.dates import DatePrecision, add_months
from meetings.extensions import db
from meetings.mechanisms.models import Mechanism
from meetings.planning.clashes import clashes_among, near, window_days
from meetings.planning.projection import Expected, PlanFilter, Projection, on_areas, project
from meetings.schedule.models import CALLED_OFF, Meeting

# The years the calendar shows: wide enough for every mechanism's history and plans.
FIRST_YEAR, LAST_YEAR = 1990, 2100
MAX_MONTHS = 36


@dataclass(frozen=True)
class Near:
    """Another meeting close to a meeting on the calendar."""

    meeting: Meeting
    gap_days: int

    @property
    def summary(self) -> str:
        if self.gap_days == 0:
            return f"Overlaps {self.meeting.title}"
        days = f"{self.gap_days} day{'s' if self.gap_days != 1 else ''}"
        return f"{days} from {self.meeting.title}"


@dataclass
class Entry:
    """A meeting on the calendar, with the meetings it clashes with."""

    meeting: Meeting
    clashes: list[Near] = field(default_factory=list)

    @property
    def fixed_days(self) -> bool:
        return self.meeting.date_precision is DatePrecision.DAY


@dataclass
class MonthPlan:
    first_day: date
    entries: list[Entry]  # meetings starting in it (or under way at its start), by date
    expected: list[Expected]

    @property
    def last_day(self) -> date:
        return add_months(self.first_day, 1) - timedelta(days=1)

    @property
    def undated(self) -> list[Entry]:
        """Meetings in the month whose days are not fixed (known to the month)."""
        return [e for e in self.entries if not e.fixed_days]

    @property
    def mechanisms(self) -> set[int]:
        bodies = [e.meeting.body for e in self.entries] + [x.body for x in self.expected]
        return {b.mechanism_id for b in bodies}

    @property
    def crowded(self) -> bool:
        """Meetings of several mechanisms in one month: worth a look for clashes."""
        return len(self.mechanisms) > 1

    @property
    def clash_count(self) -> int:
        return sum(1 for e in self.entries if e.clashes)

    def weeks(self) -> list[list[tuple[date, list[Entry]]]]:
        """Monday-first weeks of the month; each day with the meetings fixed to days that are
        under way on it (a day of another month is given no meetings)."""
        rows = []
        for week in gregorian.Calendar(firstweekday=0).monthdatescalendar(
            self.first_day.year, self.first_day.month
        ):
            rows.append(
                [
                    (
                        day,
                        [
                            e
                            for e in self.entries
                            if e.fixed_days
                            and day.month == self.first_day.month
                            and e.meeting.start_date <= day <= e.meeting.end_date
                        ],
                    )
                    for day in week
                ]
            )
        return rows


@dataclass
class Window:
    first_day: date
    months: list[MonthPlan]
    projection: Projection
    # Meetings known only to their year ("2019"): in the window, but in none of its months.
    year_only: list[Entry] = field(default_factory=list)

    @property
    def last_day(self) -> date:
        return self.months[-1].last_day

    @property
    def clash_count(self) -> int:
        return len({e.meeting.id for m in self.months for e in m.entries if e.clashes})

    @property
    def meeting_count(self) -> int:
        return sum(len(m.entries) for m in self.months) + len(self.year_only)


def window(viewer: Principal, today: date, f: PlanFilter, first_month: date, months: int) -> Window:
    """The calendar of `months` months from `first_month` (a first day), for the viewer."""
    first = first_month.replace(day=1)
    after = add_months(first, months)
    last = after - timedelta(days=1)
    projection = project(viewer, today, f, until=max(after, add_months(today.replace(day=1), 1)))
    body_ids = [plan.body.id for plan in projection.bodies]
    shown = _meetings(viewer, f, body_ids, first, last)
    clashes = _clashes(viewer, first, last)
    expected: dict[date, list[Expected]] = {}
    for plan in projection.bodies:
        for e in plan.expected:
            if first <= e.month < after:
                expected.setdefault(e.month, []).append(e)
    by_month: dict[date, list[Entry]] = {}
    year_only = []
    for meeting in shown:
        if meeting.date_precision is DatePrecision.YEAR:
            year_only.append(Entry(meeting))
            continue
        month = max(meeting.start_date, first).replace(day=1)
        by_month.setdefault(month, []).append(Entry(meeting, clashes.get(meeting.id, [])))
    plans, month = [], first
    while month < after:
        plans.append(MonthPlan(month, by_month.get(month, []), expected.get(month, [])))
        month = add_months(month, 1)
    return Window(first, plans, projection, year_only)


def _meetings(
    viewer: Principal, f: PlanFilter, body_ids: list[int], first: date, last: date
) -> list[Meeting]:
    """The filtered meetings under way in the window (neither cancelled nor postponed)."""
    if not body_ids:
        return []
    stmt = (
        sa.select(Meeting)
        .join(Body, Meeting.body_id == Body.id)
        .join(Mechanism, Body.mechanism_id == Mechanism.id)
        .where(
            Meeting.body_id.in_(body_ids),
            Meeting.start_date <= last,
            Meeting.end_date >= first,
            Meeting.status.not_in([s.value for s in CALLED_OFF]),
            meeting_visible(viewer),
        )
        .options(joinedload(Meeting.body).joinedload(Body.mechanism))
        .order_by(Meeting.start_date, Meeting.id)
    )
    if f.area_ids:
        stmt = stmt.where(on_areas(f.area_ids))
    return list(db.session.scalars(stmt).unique())


def _clashes(viewer: Principal, first: date, last: date) -> dict[int, list[Near]]:
    """For each meeting near the window, the visible meetings it clashes with, nearest first."""
    found: dict[int, list[Near]] = {}
    around = near(first, last, viewer, days=window_days())
    # A meeting known only to its month would "overlap" every meeting of that month: it is
    # listed apart (days not fixed) and the month is marked crowded instead.
    fixed = [m for m in around if m.date_precision is DatePrecision.DAY]
    for pair in clashes_among(fixed):
        found.setdefault(pair.first.id, []).append(Near(pair.second, pair.gap_days))
        found.setdefault(pair.second.id, []).append(Near(pair.first, pair.gap_days))
    for nears in found.values():
        nears.sort(key=lambda n: (n.gap_days, n.meeting.start_date, n.meeting.id))
    return found


def month_in_range(year: int, month: int = 1) -> str | None:
    """Why a year or month is not on the calendar, or None when it is."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return f"The planning calendar covers {FIRST_YEAR} to {LAST_YEAR}, not {year}."
    if not 1 <= month <= 12:
        return f"There is no month {month}: months are 1 to 12."
    return None

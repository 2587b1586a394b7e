"""Clashes: the other meetings, of any mechanism the viewer may see, that overlap a meeting or
fall within PLANNING_CLASH_DAYS of it, with who would be expected at both; and meetings held
in conjunction that are not adjacent.

The same ministries and often the same officers serve several mechanisms: a clash is worth a
warning (never a block) when the mechanisms share member states, or people are registered
for both, or are National Focal Points in both.

Candidates come from the index on (start_date, end_date): a meeting known to the day or the
month lasts at most LONGEST_MEETING_DAYS, so the start dates to look at form one range. A
meeting known only to its year is too vague to clash, as are cancelled and postponed ones.
"""

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import joinedload

from meetings.access.policies import meeting_visible
from meetings.access.principal import Principal
from meetings.accounts.models import Role, RoleAssignment, User
from meetings.actions.models import UNNAMED_PERSON
from meetings.bodies.models import Body
from meetings.core.countries import country_name
from meetings.core.dates import DatePrecision
from meetings.extensions import db
from meetings.mechanisms.models import Mechanism
from meetings.participants.models import Participant
from meetings.registrations.models import Registration, RegistrationStatus
from meetings.schedule.models import CALLED_OFF, Meeting
from meetings.schedule.services import MAX_MONTH_SPAN_DAYS

# The longest a day- or month-precision meeting can last (the schedule refuses longer).
LONGEST_MEETING_DAYS = MAX_MONTH_SPAN_DAYS


@dataclass(frozen=True)
class Clash:
    """Another meeting near this one, as plain values (kept after a rolled-back save)."""

    meeting_id: int
    title: str
    dates_label: str
    place_label: str
    body: str
    mechanism: str
    gap_days: int  # 0: they overlap; else the days between them
    shared_states: tuple[str, ...]  # names of member states of both mechanisms
    people: tuple[str, ...]  # names of people expected at both
    conjunction: bool  # held in conjunction with this one

    @property
    def summary(self) -> str:
        if self.conjunction:
            if self.gap_days <= 1:
                return "Held in conjunction with it."
            return f"Held in conjunction with it, yet {self.gap_days} days apart."
        if self.gap_days == 0:
            return "Overlaps it."
        return f"{self.gap_days} day{'s' if self.gap_days != 1 else ''} apart."

    @property
    def needs_attention(self) -> bool:
        """A conjunction meeting next to this one is as planned; everything else is a clash."""
        return not (self.conjunction and self.gap_days <= 1)


def window_days() -> int:
    return int(current_app.config.get("PLANNING_CLASH_DAYS", 3))


def near(
    start: date, end: date, viewer: Principal, exclude_id: int | None = None, days: int = 0
) -> list[Meeting]:
    """The meetings the viewer may see within `days` of [start, end], from the date index."""
    stmt = near_query(start, end, viewer, exclude_id, days)
    return list(db.session.scalars(stmt).unique())


def near_query(
    start: date, end: date, viewer: Principal, exclude_id: int | None = None, days: int = 0
) -> sa.Select:
    """The statement of `near`: one range of start dates, which the date index answers."""
    low, high = start - timedelta(days=days), end + timedelta(days=days)
    stmt = (
        sa.select(Meeting)
        .join(Body, Meeting.body_id == Body.id)
        .join(Mechanism, Body.mechanism_id == Mechanism.id)
        .where(
            Meeting.start_date >= low - timedelta(days=LONGEST_MEETING_DAYS),
            Meeting.start_date <= high,
            Meeting.end_date >= low,
            Meeting.date_precision != DatePrecision.YEAR,
            Meeting.status.not_in([s.value for s in CALLED_OFF]),
            meeting_visible(viewer),
        )
        .options(joinedload(Meeting.body).joinedload(Body.mechanism))
        .order_by(Meeting.start_date, Meeting.id)
    )
    if exclude_id is not None:
        stmt = stmt.where(Meeting.id != exclude_id)
    return stmt


def clashes_of(meeting: Meeting, viewer: Principal) -> list[Clash]:
    """The clashes of a meeting (saved or only flushed), nearest first; a conjunction meeting
    is listed wherever it is, to say whether it is adjacent."""
    if meeting.status in CALLED_OFF or meeting.date_precision is DatePrecision.YEAR:
        others = []
    else:
        others = near(meeting.start_date, meeting.end_date, viewer, meeting.id, window_days())
    companions = {m.id: m for m in _conjoined(meeting, viewer)}
    found = {m.id: m for m in others} | companions
    if not found:
        return []
    people = _people_at_both(meeting, list(found.values()))
    mechanism = meeting.body.mechanism
    clashes = [
        Clash(
            meeting_id=other.id,
            title=other.title,
            dates_label=other.dates_label,
            place_label=other.place_label,
            body=other.body.name,
            mechanism=other.body.mechanism.short_name,
            gap_days=_gap(meeting, other),
            shared_states=_shared_states(mechanism, other.body.mechanism),
            people=tuple(sorted(people.get(other.id, ()))),
            conjunction=other.id in companions,
        )
        for other in found.values()
    ]
    return sorted(clashes, key=lambda c: (c.gap_days, c.dates_label, c.meeting_id))


@dataclass(frozen=True)
class Pair:
    """Two meetings one person is registered for, too close to attend both with ease."""

    first: Meeting
    second: Meeting
    gap_days: int

    @property
    def summary(self) -> str:
        if self.gap_days == 0:
            return "overlap"
        return f"are {self.gap_days} day{'s' if self.gap_days != 1 else ''} apart"


def clashes_among(meetings: list[Meeting], days: int | None = None) -> list[Pair]:
    """The pairs of these meetings that overlap or fall within the window, sorted by start and
    compared in Python; two meetings held in conjunction side by side are not a clash."""
    days = window_days() if days is None else days
    dated = sorted(
        (
            m
            for m in {m.id: m for m in meetings}.values()
            if m.status not in CALLED_OFF and m.date_precision is not DatePrecision.YEAR
        ),
        key=lambda m: (m.start_date, m.id),
    )
    pairs = []
    for i, first in enumerate(dated):
        for second in dated[i + 1 :]:
            if (second.start_date - first.end_date).days > days:
                break  # sorted by start: the later ones are further still
            gap = _gap(first, second)
            conjoined = first.held_with_id == second.id or second.held_with_id == first.id
            if conjoined and gap <= 1:
                continue  # held in conjunction, side by side: as planned
            pairs.append(Pair(first, second, gap))
    return pairs


def fingerprint(clashes: list[Clash]) -> str:
    """What the person was shown: the clashes' meetings and gaps (to confirm a save)."""
    return ",".join(f"{c.meeting_id}:{c.gap_days}" for c in clashes if c.needs_attention)


def _conjoined(meeting: Meeting, viewer: Principal) -> list[Meeting]:
    ids = [m for m in (meeting.held_with_id,) if m is not None]
    condition = Meeting.held_with_id == meeting.id if meeting.id is not None else sa.false()
    if ids:
        condition = sa.or_(condition, Meeting.id.in_(ids))
    stmt = (
        sa.select(Meeting)
        .join(Body, Meeting.body_id == Body.id)
        .join(Mechanism, Body.mechanism_id == Mechanism.id)
        .where(
            condition,
            Meeting.id != meeting.id,
            Meeting.status.not_in([s.value for s in CALLED_OFF]),
            meeting_visible(viewer),
        )
        .options(joinedload(Meeting.body).joinedload(Body.mechanism))
    )
    return list(db.session.scalars(stmt).unique())


def _gap(a: Meeting, b: Meeting) -> int:
    return max(0, (b.start_date - a.end_date).days, (a.start_date - b.end_date).days)


def _shared_states(a: Mechanism, b: Mechanism) -> tuple[str, ...]:
    shared = set(a.country_codes) & set(b.country_codes)
    return tuple(sorted(country_name(code) or code for code in shared))


def _people_at_both(meeting: Meeting, others: list[Meeting]) -> dict[int, set[str]]:
    """Per other meeting, the names of people expected at both: listed as participants or
    registered (holding a seat: confirmed or awaiting approval) at both, or National Focal
    Points in both mechanisms. A person is known by their email address, so a registration
    made without an account meets the same person's account elsewhere."""
    ids = [m.id for m in others]
    email = sa.func.lower(User.email)
    # A name from an account is preferred (rank 0) to one typed on a registration form.
    expected = sa.union(
        sa.select(
            Participant.meeting_id,
            email.label("email"),
            User.name.label("name"),
            sa.literal(0).label("rank"),
        ).join(User, Participant.user_id == User.id),
        sa.select(
            Registration.meeting_id,
            sa.func.lower(Registration.email).label("email"),
            sa.func.coalesce(User.name, Registration.name).label("name"),
            sa.case((User.id.is_not(None), 0), else_=1).label("rank"),
        )
        .outerjoin(User, Registration.user_id == User.id)
        .where(Registration.status.in_([RegistrationStatus.CONFIRMED, RegistrationStatus.PENDING])),
    ).subquery()
    at: dict[int, set[str]] = {}
    named: dict[str, tuple[int, str]] = {}  # address: the best (rank, name) found
    if meeting.id is not None:
        rows = db.session.execute(
            sa.select(
                expected.c.meeting_id, expected.c.email, expected.c.name, expected.c.rank
            ).where(expected.c.meeting_id.in_([meeting.id, *ids]))
        )
        for meeting_id, address, name, rank in rows:
            at.setdefault(meeting_id, set()).add(address)
            if name:
                named[address] = min(named.get(address, (rank, name)), (rank, name))
    mechanism_of = {m.id: m.body.mechanism_id for m in others}
    wanted = {meeting.body.mechanism_id, *mechanism_of.values()}
    nfps: dict[int, set[str]] = {}  # mechanism id: the addresses of its NFPs
    for address, name, mechanism_id in db.session.execute(
        sa.select(email, User.name, RoleAssignment.mechanism_id)
        .join(User, RoleAssignment.user_id == User.id)
        .where(RoleAssignment.role == Role.NFP, RoleAssignment.mechanism_id.in_(wanted))
    ):
        nfps.setdefault(mechanism_id, set()).add(address)
        if name:
            named[address] = min(named.get(address, (0, name)), (0, name))
    mine = at.get(meeting.id, set())
    my_nfps = nfps.get(meeting.body.mechanism_id, set())
    both = {
        m.id: (mine & at.get(m.id, set())) | (my_nfps & nfps.get(mechanism_of[m.id], set()))
        for m in others
    }
    return {
        other: {named[a][1] if a in named else UNNAMED_PERSON for a in addresses}
        for other, addresses in both.items()
        if addresses
    }

"""Create, change and read meetings and sessions."""

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from meetings.access.policies import meeting_visible
from meetings.access.principal import ANONYMOUS, SYSTEM, Principal
from meetings.bodies.models import Body, NumberingStyle
from meetings.bodies.numbering import default_title, meeting_label
from meetings.core.countries import is_country
from meetings.core.dates import DatePrecision, PartialDate, add_months
from meetings.core.persistence import flush_or_raise
from meetings.core.timezones import WallClockError, in_zone, is_timezone, local_to_utc
from meetings.core.validation import parse_choice, raise_if, require, whole_number_or_invalid
from meetings.core.visibility import clean_visibility
from meetings.extensions import db
from meetings.mechanisms.models import ProgrammeArea
from meetings.schedule.models import (
    FORMAT_LABELS,
    STATUS_LABELS,
    Meeting,
    MeetingFormat,
    MeetingStatus,
    Session,
    SessionKind,
)
from meetings.schedule.signals import meeting_rescheduled, session_rescheduled

MAX_NUMBER = 9999  # ordinals and years alike
MAX_MEETING_DAYS = 31  # a meeting known to the day (planning.clashes relies on it)
# A meeting known to the month spans at most two months: at most 62 days between its bounds.
MAX_MONTH_SPAN_DAYS = 62
TEXT_FIELDS = ("title", "theme", "description", "city", "venue", "host", "source")
UNIQUE = {
    "uq_meeting_body_id_number": ("number", "This body already has a meeting with this number."),
    "meeting.body_id, meeting.number": (
        "number",
        "This body already has a meeting with this number.",
    ),
}


def meeting_options():
    """Load what every meeting listing shows, in a fixed number of statements. Expects the
    statement joined to Meeting.body and Body.mechanism (as filtered_meetings is): their
    rows come from those joins, not from a second join of each done before the sort."""
    return (contains_eager(Meeting.body).contains_eager(Body.mechanism),)


def get_meeting(meeting_id: int) -> Meeting | None:
    stmt = sa.select(Meeting).join(Meeting.body).join(Body.mechanism)
    stmt = stmt.where(Meeting.id == meeting_id)
    stmt = stmt.options(*meeting_options(), selectinload(Meeting.sessions))
    stmt = stmt.options(joinedload(Meeting.held_with), selectinload(Meeting.companions))
    return db.session.scalars(stmt).first()


@dataclass(frozen=True)
class MeetingFilter:
    mechanism_id: int | None = None
    body_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    statuses: tuple[MeetingStatus, ...] = ()
    newest_first: bool = False
    # Who reads: only the meetings they may see are listed.
    viewer: Principal = ANONYMOUS


def filtered_meetings(f: MeetingFilter) -> sa.Select:
    """Meetings matching a filter; a date window keeps meetings that overlap it."""
    stmt = sa.select(Meeting).join(Meeting.body).join(Body.mechanism)
    stmt = stmt.where(meeting_visible(f.viewer))
    if f.mechanism_id is not None:
        stmt = stmt.where(Body.mechanism_id == f.mechanism_id)
    if f.body_id is not None:
        stmt = stmt.where(Meeting.body_id == f.body_id)
    if f.date_from is not None:
        stmt = stmt.where(Meeting.end_date >= f.date_from)
    if f.date_to is not None:
        stmt = stmt.where(Meeting.start_date <= f.date_to)
    if f.statuses:
        stmt = stmt.where(Meeting.status.in_(f.statuses))
    if f.newest_first:
        return stmt.order_by(Meeting.start_date.desc(), Meeting.id.desc())
    return stmt.order_by(Meeting.start_date, Meeting.id)


def page_of_meetings(f: MeetingFilter, page: int, per_page: int) -> tuple[list[Meeting], int]:
    """One page of meetings and the total count: two statements whatever the page size."""
    stmt = filtered_meetings(f)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery()))
    stmt = stmt.options(*meeting_options()).limit(per_page).offset((page - 1) * per_page)
    return list(db.session.scalars(stmt)), total or 0


def upcoming_meetings(today: date, viewer: Principal, limit: int = 50) -> list[Meeting]:
    stmt = filtered_meetings(MeetingFilter(date_from=today, viewer=viewer))
    stmt = stmt.options(*meeting_options())
    stmt = stmt.where(Meeting.status != MeetingStatus.HELD)
    return list(db.session.scalars(stmt.limit(limit)))


def recent_meetings(today: date, viewer: Principal, limit: int = 10) -> list[Meeting]:
    f = MeetingFilter(date_to=today, newest_first=True, viewer=viewer)
    stmt = filtered_meetings(f).where(Meeting.end_date < today).options(*meeting_options())
    return list(db.session.scalars(stmt.limit(limit)))


def body_meetings(body: Body, viewer: Principal) -> list[Meeting]:
    stmt = filtered_meetings(MeetingFilter(body_id=body.id, newest_first=True, viewer=viewer))
    return list(db.session.scalars(stmt.options(*meeting_options())))


def latest_meeting(body: Body) -> Meeting | None:
    """The body's latest meeting, whoever may see it (numbering counts every meeting)."""
    f = MeetingFilter(body_id=body.id, newest_first=True, viewer=SYSTEM)
    stmt = filtered_meetings(f)
    return db.session.scalars(stmt.limit(1)).first()


def used_numbers(body: Body) -> list[int]:
    stmt = sa.select(Meeting.number).where(Meeting.body_id == body.id, Meeting.number.is_not(None))
    return list(db.session.scalars(stmt))


def conjunction_candidates(body: Body, viewer: Principal) -> list[Meeting]:
    """Meetings of the body this one is held in conjunction with that the viewer may see."""
    if body.conjunction_body_id is None:
        return []
    return body_meetings(db.session.get(Body, body.conjunction_body_id), viewer)


def label(meeting: Meeting) -> str:
    return meeting_label(meeting.body, meeting.number)


def create_meeting(body: Body, **fields: Any) -> Meeting:
    meeting = Meeting()
    _apply(meeting, body, fields)
    meeting.body = body
    db.session.add(meeting)
    flush_or_raise(UNIQUE)
    return meeting


# What makes calendars show a new version of a meeting or session (iCalendar SEQUENCE).
MEETING_SCHEDULE = (
    "start_date",
    "end_date",
    "date_precision",
    "timezone",
    "city",
    "country_code",
    "venue",
    "format",
    "status",
)
SESSION_SCHEDULE = ("starts_at", "ends_at", "room")


def update_meeting(meeting: Meeting, **fields: Any) -> Meeting:
    old_zone, before = meeting.timezone, describe_meeting(meeting)
    _apply(meeting, meeting.body, fields)
    if old_zone != meeting.timezone:
        _keep_wall_clock(meeting, old_zone)
    bumped = _bump_if_rescheduled(meeting, MEETING_SCHEDULE)
    for session in meeting.sessions:
        _bump_if_rescheduled(session, SESSION_SCHEDULE)
    flush_or_raise(UNIQUE)
    if bumped:
        changes = _changes(before, describe_meeting(meeting))
        if changes:
            meeting_rescheduled.send(meeting, changes=changes)
    return meeting


def describe_meeting(meeting: Meeting) -> dict[str, str]:
    """The parts of a meeting its participants are told about when they change."""
    return {
        "Dates": meeting.dates_label if meeting.start_date else "",
        "Place": meeting.place_label,
        "Venue": meeting.venue or "",
        "Format": FORMAT_LABELS.get(meeting.format, "") if meeting.format else "",
        "Time zone": meeting.timezone or "",
        "Status": STATUS_LABELS.get(meeting.status, ""),
    }


def describe_session(session: Session) -> dict[str, str]:
    zone = session.meeting.timezone
    starts, ends = session_local_times(session, zone)
    return {
        "Time": f"{starts:%a %d %b %Y, %H:%M}–{ends:%H:%M} ({zone})",
        "Room": session.room or "",
    }


def _changes(before: dict[str, str], after: dict[str, str]) -> list[tuple[str, str, str]]:
    return [(k, before[k], after[k]) for k in after if before.get(k) != after[k]]


def _bump_if_rescheduled(record: Meeting | Session, fields: tuple[str, ...]) -> bool:
    """Grow SEQUENCE when the time, place or status changed (not for a new record)."""
    state = sa.inspect(record)
    if state.persistent and any(state.attrs[f].history.has_changes() for f in fields):
        record.sequence += 1
        return True
    return False


def _apply(meeting: Meeting, body: Body, fields: dict[str, Any]) -> None:
    values, start, end = _clean(body, fields)
    _validate(meeting, body, values, start, end)
    for key, value in values.items():
        setattr(meeting, key, value)
    meeting.start_date, meeting.end_date = start.first_day(), end.last_day()
    meeting.date_precision = start.precision


def _clean(body: Body, fields: dict[str, Any]) -> tuple[dict, PartialDate | None, Any]:
    values: dict[str, Any] = {k: (fields.get(k) or "").strip() for k in TEXT_FIELDS}
    number = fields.get("number")
    values["number"] = _whole_number(number) if number not in (None, "") else None
    values["title"] = values["title"] or default_title(body, values["number"])
    values["timezone"] = (fields.get("timezone") or "").strip()
    values["country_code"] = (fields.get("country_code") or "").strip().upper() or None
    fmt = fields.get("format") or None
    values["format"] = parse_choice(MeetingFormat, fmt) if fmt else None
    values["bad_format"] = bool(fmt) and values["format"] is None
    values["status"] = parse_choice(MeetingStatus, fields.get("status") or MeetingStatus.PLANNED)
    values["held_with_id"] = fields.get("held_with_id") or None
    values["visibility"], values["bad_visibility"] = clean_visibility(
        fields.get("visibility"), meeting_level=True
    )
    if "programme_area_ids" in fields:  # left out (a PATCH without it): kept as they are
        values["programme_area_ids"] = fields["programme_area_ids"]
    start, end = fields.get("start"), fields.get("end") or fields.get("start")
    return values, _partial(start), _partial(end)


def _whole_number(value: Any) -> int:
    """An int, or 0 (refused by the number rule) for anything that is not a whole number."""
    try:
        return int(str(value).strip())
    except ValueError:
        return 0


def _partial(value: Any) -> PartialDate | str | None:
    """A PartialDate, or the parse error message for a string that is not one."""
    if value is None or isinstance(value, PartialDate):
        return value
    if isinstance(value, date):
        return PartialDate(value.year, value.month, value.day)
    try:
        return PartialDate.parse(str(value))
    except ValueError as exc:
        return str(exc)


def _validate(meeting: Meeting, body: Body, v: dict, start: Any, end: Any) -> None:
    errors: dict[str, list[str]] = {}
    require(errors, "title", bool(v["title"]), "Give the meeting's title.")
    _validate_dates(errors, start, end)
    _validate_number(errors, meeting, body, v["number"], start)
    zone = v["timezone"]
    require(
        errors,
        "timezone",
        is_timezone(zone),
        f"Unknown time zone {zone!r}: use an IANA name such as Asia/Kuala_Lumpur.",
    )
    code = v["country_code"]
    require(
        errors,
        "country_code",
        code is None or is_country(code),
        f"Unknown country {code!r}: use an ISO 3166 alpha-2 code such as MY.",
    )
    require(errors, "format", not v.pop("bad_format"), "Choose in person, virtual or hybrid.")
    require(errors, "status", v["status"] is not None, "Choose a status.")
    problem = v.pop("bad_visibility")
    require(errors, "visibility", problem is None, problem or "")
    if "programme_area_ids" in v:
        v["programme_areas"] = _programme_areas(errors, body, v.pop("programme_area_ids"))
    if not errors and isinstance(start, PartialDate):
        _validate_sessions_fit(errors, meeting, start, end)
        _validate_held_with(errors, meeting, v["held_with_id"])
    raise_if(errors)


def _programme_areas(errors: dict, body: Body, ids: Any) -> list[ProgrammeArea]:
    """The areas named by id, each of the body's own mechanism."""
    wanted = []
    for value in ids or ():
        number = whole_number_or_invalid(value)
        if number is None:
            continue
        if not isinstance(number, int):
            require(
                errors, "programme_area_ids", False, f"No such programme area {str(value)[:40]!r}."
            )
            return []
        wanted.append(number)
    found = {
        a.id: a
        for a in db.session.scalars(sa.select(ProgrammeArea).where(ProgrammeArea.id.in_(wanted)))
    }
    mechanism = body.mechanism
    for number in wanted:
        area = found.get(number)
        require(errors, "programme_area_ids", area is not None, f"No such programme area {number}.")
        if area is not None:
            require(
                errors,
                "programme_area_ids",
                area.mechanism_id == mechanism.id,
                f"{area.code} {area.name} is not a programme area of {mechanism.short_name}.",
            )
    return [found[n] for n in dict.fromkeys(wanted) if n in found]


def _validate_dates(errors: dict, start: Any, end: Any) -> None:
    require(errors, "start", start is not None, "Give the date, even if only the month or year.")
    if isinstance(start, str):
        require(errors, "start", False, start)
    if isinstance(end, str):
        require(errors, "end", False, end)
    if isinstance(start, PartialDate) and isinstance(end, PartialDate):
        same = start.precision == end.precision
        require(
            errors,
            "end",
            same,
            f"Give the end to the same precision as the start ({start.precision.value}).",
        )
        require(
            errors,
            "end",
            not same or end.last_day() >= start.first_day(),
            "The meeting ends before it starts.",
        )
        require(
            errors,
            "end",
            not same
            or start.precision is not DatePrecision.DAY
            or (end.last_day() - start.first_day()).days < MAX_MEETING_DAYS,
            f"A meeting lasts at most {MAX_MEETING_DAYS} days: give the end day.",
        )
        require(
            errors,
            "end",
            not same
            or start.precision is not DatePrecision.MONTH
            or end.last_day() <= add_months(start.first_day(), 2),
            "A meeting known to the month ends in the same month or the next.",
        )


def _validate_number(errors: dict, meeting: Meeting, body: Body, number: Any, start: Any) -> None:
    if number is None:
        return
    if not 0 < number <= MAX_NUMBER:
        # Checked before any query: a huge number would overflow PostgreSQL's integer.
        require(errors, "number", False, f"A meeting number is 1 to {MAX_NUMBER}.")
        return
    if body.numbering_style is NumberingStyle.NONE:
        require(errors, "number", False, f"{body.short_name} meetings are not numbered.")
    if body.numbering_style is NumberingStyle.YEAR and isinstance(start, PartialDate):
        require(
            errors,
            "number",
            number == start.year,
            f"{body.short_name} is numbered by year: the number is the year, {start.year}.",
        )
    taken = sa.select(Meeting.id).where(Meeting.body_id == body.id, Meeting.number == number)
    if meeting.id:
        taken = taken.where(Meeting.id != meeting.id)
    require(
        errors,
        "number",
        db.session.scalar(taken) is None,
        UNIQUE["meeting.body_id, meeting.number"][1]
        + f" ({meeting_label(body, number) or number})",
    )


def _validate_sessions_fit(errors: dict, meeting: Meeting, start: PartialDate, end: Any) -> None:
    outside = [
        s.title
        for s in meeting.sessions
        if not start.first_day() <= in_zone(s.starts_at, meeting.timezone).date() <= end.last_day()
    ]
    require(
        errors,
        "start",
        not outside,
        f"Sessions fall outside these dates: {', '.join(outside)}. Move them first.",
    )


def _validate_held_with(errors: dict, meeting: Meeting, held_with_id: Any) -> None:
    if held_with_id is None:
        return
    other = db.session.get(Meeting, held_with_id)
    require(errors, "held_with_id", other is not None, "Unknown meeting.")
    require(errors, "held_with_id", other is None or other is not meeting, "Not itself.")


def _keep_wall_clock(meeting: Meeting, old_zone: str) -> None:
    """The venue's zone changed: sessions keep their local times ("09:00 at the venue")."""
    for session in meeting.sessions:
        for attr in ("starts_at", "ends_at"):
            local = in_zone(getattr(session, attr), old_zone)
            setattr(session, attr, local_to_utc(local.date(), local.time(), meeting.timezone))


def session_local_times(session: Session, zone: str) -> tuple[datetime, datetime]:
    return in_zone(session.starts_at, zone), in_zone(session.ends_at, zone)


def create_session(meeting: Meeting, **fields: Any) -> Session:
    session = Session()
    _apply_session(session, meeting, fields)
    session.meeting = meeting
    db.session.add(session)
    db.session.flush()
    return session


def update_session(session: Session, **fields: Any) -> Session:
    before = describe_session(session)
    _apply_session(session, session.meeting, fields)
    bumped = _bump_if_rescheduled(session, SESSION_SCHEDULE)
    db.session.flush()
    if bumped:
        changes = _changes(before, describe_session(session))
        if changes:
            session_rescheduled.send(session, changes=changes)
    return session


def delete_meeting(meeting: Meeting) -> None:
    """Delete a meeting and its sessions; meetings held with it are simply no longer linked.
    A meeting that documents were tabled or adopted at keeps them: refused."""
    from meetings.documents.services import live_document_count

    documents = live_document_count(meeting_id=meeting.id)
    errors: dict[str, list[str]] = {}
    message = f"{documents} document(s) were tabled or adopted at this meeting: delete them or "
    require(errors, "documents", not documents, message + "move them to another meeting first.")
    raise_if(errors)
    db.session.delete(meeting)
    db.session.flush()


def delete_session(session: Session) -> None:
    db.session.delete(session)
    db.session.flush()


def _apply_session(session: Session, meeting: Meeting, fields: dict[str, Any]) -> None:
    errors: dict[str, list[str]] = {}
    title = (fields.get("title") or "").strip()
    kind = parse_choice(SessionKind, fields.get("kind") or SessionKind.OTHER)
    require(errors, "title", bool(title), "Give the session's title.")
    require(errors, "kind", kind is not None, "Choose the kind of session.")
    starts_at, ends_at = _session_times(errors, meeting, fields)
    visibility, problem = clean_visibility(fields.get("visibility"), meeting_level=True)
    require(errors, "visibility", problem is None, problem or "")
    raise_if(errors)
    session.visibility = visibility
    session.title, session.kind = title, kind
    session.starts_at, session.ends_at = starts_at, ends_at
    session.room = (fields.get("room") or "").strip()
    session.description = (fields.get("description") or "").strip()


def _session_times(errors: dict, meeting: Meeting, fields: dict) -> tuple[Any, Any]:
    day, start, end = fields.get("day"), fields.get("start_time"), fields.get("end_time")
    require(errors, "day", isinstance(day, date), "Give the day of the session.")
    require(errors, "start_time", isinstance(start, time), "Give the start time.")
    require(errors, "end_time", isinstance(end, time), "Give the end time.")
    if errors:
        return None, None
    within = meeting.start_date <= day <= meeting.end_date
    require(
        errors,
        "day",
        within,
        f"The meeting runs {meeting.dates_label}: a session must fall within it.",
    )
    require(errors, "end_time", end > start, "The session ends before it starts.")
    try:
        return (
            local_to_utc(day, start, meeting.timezone),
            local_to_utc(day, end, meeting.timezone),
        )
    except WallClockError as exc:
        require(errors, "start_time", False, str(exc))
        return None, None

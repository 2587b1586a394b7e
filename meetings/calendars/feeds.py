"""iCalendar feeds: pure functions from plain meeting and session records to a feed's bytes.

Nothing here queries the database or reads the request: `FeedMeeting`, `FeedSession` and
`FeedAction` records (frozen, hashable) go in, the feed's bytes come out, and the same
records always give the same bytes. Every meeting and session keeps its UID for life; its
SEQUENCE grows when its time, place or status changes, so subscribed calendars replace it.

What the feed says about dates:
- a meeting known to the day is an all-day event, DTEND the day after it ends (exclusive);
- a meeting known only to the month spans the whole month(s), does not block time
  (TRANSP:TRANSPARENT) and says its dates are to be confirmed (or not recorded, if held);
- a meeting known only to the year is left out (callers do not pass it: see loading.py);
- sessions are timed, in the meeting's IANA zone, with a VTIMEZONE for each zone used;
- a follow-up action's due date is an all-day event on its last day (DTEND the day after),
  transparent (a deadline blocks no time): VEVENT, not VTODO, which Google Calendar,
  Outlook and iOS do not show from subscribed calendars. A dropped action stays a while,
  CANCELLED; a completed one leaves the feed.

A feed is assembled as bytes: each meeting's events (the meeting and its sessions) and each
deadline are serialised once per process and kept, keyed by the record itself, so a feed of
thousands of meetings after one change serialises that one meeting again, not all of them.
The records are frozen: equal records give equal bytes, and a changed record is a new key.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from threading import Lock
from zoneinfo import ZoneInfo

from cachetools import LRUCache, cached
from icalendar import Calendar, Event, Timezone, vDuration

from meetings.core.countries import country_name
from meetings.core.dates import DatePrecision, format_date_range
from meetings.schedule.models import STATUS_LABELS, MeetingFormat, MeetingStatus

PRODID = "-//Meetings of environmental cooperation mechanisms//Calendar feeds//EN"
# How often clients should fetch again (RFC 7986 REFRESH-INTERVAL, and Outlook's own name).
REFRESH = timedelta(hours=6)
# Cancelled meetings stay in feeds (marked CANCELLED) while they ended less than this ago.
KEEP_CANCELLED = timedelta(days=365)

ICAL_STATUS = {
    MeetingStatus.PLANNED: "TENTATIVE",
    MeetingStatus.POSTPONED: "TENTATIVE",
    MeetingStatus.CONFIRMED: "CONFIRMED",
    MeetingStatus.HELD: "CONFIRMED",
    MeetingStatus.CANCELLED: "CANCELLED",
}
# Clients that ignore STATUS (several do in subscribed calendars) still show it in the title.
SUMMARY_PREFIX = {MeetingStatus.CANCELLED: "Cancelled: ", MeetingStatus.POSTPONED: "Postponed: "}
# Serialised meetings (with their sessions) and deadlines kept per process, each kind, up to
# this many bytes of iCalendar text; with the records they are kept under, about four times
# as much memory (5,066 meetings without sessions: 2.1 MB of text, 7.7 MB in all).
KEPT_EVENT_BYTES = 8 * 1024 * 1024
END = b"END:VCALENDAR\r\n"


@dataclass(frozen=True, slots=True)
class FeedSession:
    """What a session's event shows; times are aware (UTC)."""

    id: int
    uid: str
    sequence: int
    updated_at: datetime
    title: str
    room: str
    description: str
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True, slots=True)
class FeedMeeting:
    """What a meeting's event shows; `label` is its short reference ("SOM-24") or ""."""

    uid: str
    sequence: int
    updated_at: datetime
    title: str
    label: str
    body: str  # the body's short name, as the event's category
    theme: str
    status: MeetingStatus
    format: MeetingFormat | None
    start_date: date
    end_date: date
    date_precision: DatePrecision
    timezone: str
    city: str
    country_code: str | None
    venue: str
    url: str
    sessions: tuple[FeedSession, ...] = ()


@dataclass(frozen=True, slots=True)
class FeedAction:
    """What a follow-up action's deadline shows; `named` is "<item> <title>"."""

    uid: str
    sequence: int
    updated_at: datetime
    named: str
    dropped: bool
    due_end: date
    due_label: str
    status_label: str
    lead_label: str
    body: str  # the body's short name, as the event's category
    source: str
    url: str


def cancellation_cutoff(today: date) -> date:
    """Cancelled meetings that ended before this day are no longer in feeds."""
    return today - KEEP_CANCELLED


def calendar(
    meetings: Iterable[FeedMeeting],
    name: str,
    zone: str | None = None,
    actions: Iterable[FeedAction] = (),
) -> bytes:
    """The feed, serialised: its header, one VTIMEZONE per zone its events are written in,
    then each meeting and its sessions, then the actions' deadlines.

    Meetings come in the order they should appear (by start date, then id), sessions too;
    actions by due date, then id. The bytes are those icalendar gives for the same
    components in one Calendar (tests/calendars/test_events.py compares them).
    """
    blocks = [meeting_events(m) for m in meetings]
    head = calendar_header(name, zone)
    for timezone in timezones(span for block in blocks for span in block.zones):
        head.add_component(timezone)
    text = head.to_ical()
    parts = [text[: -len(END)], *(block.ical for block in blocks)]
    parts.extend(action_events(a).ical for a in actions)
    parts.append(END)
    return b"".join(parts)


def calendar_header(name: str, zone: str | None = None) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.calendar_name = name  # NAME (RFC 7986) and X-WR-CALNAME
    if zone:
        cal.add("x-wr-timezone", zone)
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", vDuration(REFRESH))
    return cal


@dataclass(frozen=True, slots=True)
class Serialised:
    """Events as iCalendar text, with the zones (TZID, first year, last year) of those whose
    times are written in one: a time in UTC, or a zone icalendar writes as UTC, has none."""

    ical: bytes
    zones: tuple[tuple[str, int, int], ...] = ()


def _serialised(events: list[Event]) -> Serialised:
    zones = []
    for event in events:
        start, end = event["DTSTART"], event["DTEND"]
        if tzid := start.params.get("TZID"):
            zones.append((tzid, start.dt.year, end.dt.year))
    return Serialised(b"".join(event.to_ical() for event in events), tuple(zones))


def _kept() -> LRUCache:
    return LRUCache(maxsize=KEPT_EVENT_BYTES, getsizeof=lambda kept: len(kept.ical))


@cached(_kept(), lock=Lock())
def meeting_events(meeting: FeedMeeting) -> Serialised:
    """The meeting's event and its sessions'."""
    return _serialised(
        [meeting_event(meeting), *(session_event(s, meeting) for s in meeting.sessions)]
    )


@cached(_kept(), lock=Lock())
def action_events(action: FeedAction) -> Serialised:
    """The deadline's event."""
    return _serialised([action_event(action)])


def meeting_event(m: FeedMeeting) -> Event:
    event = _stamped(m.uid, m.sequence, m.updated_at)
    event.add("summary", SUMMARY_PREFIX.get(m.status, "") + m.title + _tbc(m))
    event.add("dtstart", m.start_date)
    event.add("dtend", _day_after(m))
    if m.date_precision is not DatePrecision.DAY or m.status is MeetingStatus.CANCELLED:
        event.add("transp", "TRANSPARENT")
    event.add("status", _status(m))
    _describe(event, location(m), meeting_description(m), m.url, m.body)
    return event


def session_event(s: FeedSession, m: FeedMeeting) -> Event:
    """A session; its SEQUENCE and LAST-MODIFIED also follow its meeting (status, place)."""
    event = _stamped(s.uid, s.sequence + m.sequence, max(s.updated_at, m.updated_at))
    prefix = SUMMARY_PREFIX.get(m.status, "")
    event.add("summary", f"{prefix}{s.title} — {m.label or m.title}")
    zone = ZoneInfo(m.timezone)
    event.add("dtstart", s.starts_at.astimezone(zone))
    event.add("dtend", s.ends_at.astimezone(zone))
    if m.status is MeetingStatus.CANCELLED:
        event.add("transp", "TRANSPARENT")
    event.add("status", ICAL_STATUS[m.status])
    place = ", ".join(p for p in (s.room, location(m)) if p)
    _describe(event, place, session_description(s, m), f"{m.url}#session-{s.id}", m.body)
    return event


def action_event(a: FeedAction) -> Event:
    """The deadline: all day on the due date's last day; a dropped action is CANCELLED."""
    event = _stamped(a.uid, a.sequence, a.updated_at)
    event.add("summary", f"Dropped: {a.named}" if a.dropped else f"Due: {a.named}")
    event.add("dtstart", a.due_end)
    event.add("dtend", a.due_end + timedelta(days=1))
    event.add("transp", "TRANSPARENT")
    event.add("status", "CANCELLED" if a.dropped else "CONFIRMED")
    lines = [
        f"Due: {a.due_label}",
        f"Status: {a.status_label}",
        f"Lead: {a.lead_label}",
    ]
    if a.source:
        lines.append(f"From: {a.source}")
    lines.append(a.url)
    _describe(event, "", "\n".join(lines), a.url, a.body)
    return event


def _stamped(uid: str, sequence: int, modified: datetime) -> Event:
    """An event with its identity; DTSTAMP is the record's change, never the request's time."""
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", modified)
    event.add("last-modified", modified)
    event.add("sequence", sequence)
    return event


def _describe(event: Event, place: str, text: str, url: str, category: str) -> None:
    if place:
        event.add("location", place)
    event.add("description", text)
    event.add("url", url)
    if category:
        event.add("categories", [category])


def _tbc(m: FeedMeeting) -> str:
    if m.date_precision is DatePrecision.DAY:
        return ""
    held = m.status is MeetingStatus.HELD
    return " (exact dates not recorded)" if held else " (dates to be confirmed)"


def _day_after(m: FeedMeeting) -> date:
    """The exclusive end: the day after the last day, or the first day of the next month."""
    if m.date_precision is DatePrecision.DAY:
        return m.end_date + timedelta(days=1)
    year, month = divmod(m.end_date.year * 12 + m.end_date.month, 12)
    return date(year, month + 1, 1)


def _status(m: FeedMeeting) -> str:
    """A meeting without its days is tentative, unless cancelled or already held."""
    if m.date_precision is DatePrecision.DAY or m.status in (
        MeetingStatus.CANCELLED,
        MeetingStatus.HELD,
    ):
        return ICAL_STATUS[m.status]
    return "TENTATIVE"


def location(m: FeedMeeting) -> str:
    """ "Venue, City, Country", "Online", or "" while the place is not known."""
    if m.format is MeetingFormat.VIRTUAL:
        return "Online"
    place = ", ".join(p for p in (m.venue, m.city, country_name(m.country_code)) if p)
    if m.format is MeetingFormat.HYBRID:
        return f"{place} and online" if place else "Online"
    return place


def meeting_description(m: FeedMeeting) -> str:
    lines = [f"Theme: {m.theme}"] if m.theme else []
    lines.append(f"Status: {STATUS_LABELS[m.status]}")
    lines.append(f"Dates: {format_date_range(m.start_date, m.end_date, m.date_precision)}")
    lines.append(m.url)
    return "\n".join(lines)


def session_description(s: FeedSession, m: FeedMeeting) -> str:
    lines = [s.description] if s.description else []
    dates = format_date_range(m.start_date, m.end_date, m.date_precision)
    lines.append(f"Part of {m.title} ({dates})")
    lines.append(f"Status: {STATUS_LABELS[m.status]}")
    lines.append(f"{m.url}#session-{s.id}")
    return "\n".join(lines)


def timezones(spans: Iterable[tuple[str, int, int]]) -> list[Timezone]:
    """One VTIMEZONE per TZID, in name order, covering the years its events span.

    icalendar's add_missing_timezones() walks a set (its order changes between processes);
    this keeps the bytes stable.
    """
    years: dict[str, list[int]] = {}
    for tzid, first, last in spans:
        years.setdefault(tzid, []).extend((first, last))
    return [_timezone(tzid, min(y), max(y)) for tzid, y in sorted(years.items())]


@lru_cache(maxsize=256)
def _timezone(tzid: str, first_year: int, last_year: int) -> Timezone:
    return Timezone.from_tzid(
        tzid, first_date=date(first_year, 1, 1), last_date=date(last_year + 1, 1, 1)
    )

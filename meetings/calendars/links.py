"""Links that put a meeting into someone's calendar: webcal, Google Calendar and Outlook.

Pure functions: they take what to say and return URLs, so the pages and tests share them.
Whole-day events end on the day after their last day (exclusive), as iCalendar's DTEND does.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from urllib.parse import quote, urlencode

from meetings.core.dates import DatePrecision
from meetings.schedule.models import Meeting, MeetingFormat, MeetingStatus

GOOGLE = "https://calendar.google.com/calendar/render"
OUTLOOK = "https://outlook.live.com/calendar/0/deeplink/compose"
# No calendar day to add: the meeting will not happen on the days it once had.
NOT_ADDABLE = (MeetingStatus.CANCELLED, MeetingStatus.POSTPONED)


@dataclass(frozen=True)
class CalendarEvent:
    """One event to add: whole days (dates, last day included) or a timed span (UTC)."""

    title: str
    start: date | datetime
    end: date | datetime
    details: str = ""
    location: str = ""
    timezone: str = ""  # IANA zone the times are shown in (timed events only)

    @property
    def is_whole_day(self) -> bool:
        return not isinstance(self.start, datetime)


def webcal_url(feed_url: str) -> str:
    """The feed's address with the scheme calendar apps open as a subscription."""
    _, sep, rest = feed_url.partition("://")
    return f"webcal://{rest}" if sep else feed_url


def meeting_event(meeting: Meeting, page_url: str) -> CalendarEvent | None:
    """The meeting as whole days, or None when it has no days to add (month, year, cancelled)."""
    if meeting.date_precision is not DatePrecision.DAY or meeting.status in NOT_ADDABLE:
        return None
    details = "\n\n".join(part for part in (meeting.theme, page_url) if part)
    return CalendarEvent(
        title=meeting.title,
        start=meeting.start_date,
        end=meeting.end_date,
        details=details,
        location=_location(meeting),
        timezone=meeting.timezone,
    )


def _location(meeting: Meeting) -> str:
    """Venue and place, as the meeting page writes them; nothing when neither is known."""
    known = meeting.city or meeting.country_code or meeting.format is MeetingFormat.VIRTUAL
    return ", ".join(p for p in (meeting.venue, meeting.place_label if known else "") if p)


def google_url(event: CalendarEvent) -> str:
    if event.is_whole_day:
        dates = f"{event.start:%Y%m%d}/{_day_after(event.end):%Y%m%d}"
    else:
        dates = f"{_utc(event.start):%Y%m%dT%H%M%SZ}/{_utc(event.end):%Y%m%dT%H%M%SZ}"
    params = {"action": "TEMPLATE", "text": event.title, "dates": dates}
    if not event.is_whole_day and event.timezone:
        params["ctz"] = event.timezone
    return _url(GOOGLE, {**params, "details": event.details, "location": event.location})


def outlook_url(event: CalendarEvent) -> str:
    if event.is_whole_day:
        start, end = event.start.isoformat(), _day_after(event.end).isoformat()
    else:
        start, end = (f"{_utc(t):%Y-%m-%dT%H:%M:%SZ}" for t in (event.start, event.end))
    params = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": event.title,
        "startdt": start,
        "enddt": end,
        "allday": "true" if event.is_whole_day else "false",
        "body": event.details,
        "location": event.location,
    }
    return _url(OUTLOOK, params)


def _day_after(day: date) -> date:
    return day + timedelta(days=1)


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def _url(base: str, params: dict[str, str]) -> str:
    """Percent-encode (spaces as %20: Outlook shows a "+" as it is); leave out empty values."""
    kept = {k: v for k, v in params.items() if v}
    return f"{base}?{urlencode(kept, quote_via=quote, safe='/')}"

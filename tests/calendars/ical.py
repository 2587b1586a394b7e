"""Read feeds in tests with two parsers: icalendar (ours) and vobject (independent)."""

from datetime import date, datetime

import vobject
from icalendar import Calendar, Event

from meetings.extensions import db
from meetings.schedule.services import update_meeting


def parse(data: bytes) -> Calendar:
    """icalendar's reading of a feed, once vobject has read the same events and times."""
    cal = Calendar.from_ical(data)
    ours = {str(e["UID"]): _times(e) for e in cal.walk("VEVENT")}
    theirs = {e.uid.value: (e.dtstart.value, e.dtend.value) for e in _vobject_events(data)}
    assert theirs == ours
    return cal


def _times(event: Event) -> tuple[date | datetime, date | datetime]:
    return event["DTSTART"].dt, event["DTEND"].dt


def _vobject_events(data: bytes) -> list:
    return vobject.readOne(data.decode("utf-8")).contents.get("vevent", [])


def events(data: bytes) -> dict[str, Event]:
    """The feed's events by UID."""
    return {str(e["UID"]): e for e in parse(data).walk("VEVENT")}


def summaries(data: bytes) -> list[str]:
    return [str(e["SUMMARY"]) for e in parse(data).walk("VEVENT")]


def meeting_fields(meeting, **changes) -> dict:
    """Every field update_meeting takes, as the meeting has them, with some changed."""
    fields = {
        name: getattr(meeting, name)
        for name in (
            "title",
            "number",
            "theme",
            "description",
            "city",
            "venue",
            "host",
            "source",
            "timezone",
            "country_code",
            "held_with_id",
        )
    }
    fields.update(
        start=meeting.start,
        end=meeting.end,
        format=meeting.format and meeting.format.value,
        status=meeting.status.value,
        visibility=meeting.visibility and meeting.visibility.value,
    )
    return {**fields, **changes}


def edit_meeting(meeting, **changes) -> None:
    update_meeting(meeting, **meeting_fields(meeting, **changes))
    db.session.commit()

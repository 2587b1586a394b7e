"""The event builders alone, on plain records: no database, no request."""

from dataclasses import replace
from datetime import UTC, date, datetime

from icalendar import Calendar, Timezone

from meetings.calendars.feeds import (
    FeedAction,
    FeedMeeting,
    FeedSession,
    action_event,
    calendar,
    calendar_header,
    location,
    meeting_event,
    session_event,
)
from meetings.core.dates import DatePrecision
from meetings.schedule.models import MeetingFormat, MeetingStatus

STAMP = datetime(2026, 1, 5, 8, 30, tzinfo=UTC)
SESSION = FeedSession(
    id=7,
    uid="session-uid",
    sequence=1,
    updated_at=STAMP,
    title="Opening",
    room="Hall A",
    description="",
    starts_at=datetime(2026, 12, 31, 14, 0, tzinfo=UTC),  # 23:00 in Seoul
    ends_at=datetime(2026, 12, 31, 16, 0, tzinfo=UTC),  # 01:00 on New Year's Day
)
MEETING = FeedMeeting(
    uid="meeting-uid",
    sequence=2,
    updated_at=STAMP,
    title="24th Senior Officials Meeting",
    label="SOM-24",
    body="SOM",
    theme="",
    status=MeetingStatus.CONFIRMED,
    format=MeetingFormat.IN_PERSON,
    start_date=date(2026, 12, 30),
    end_date=date(2027, 1, 1),
    date_precision=DatePrecision.DAY,
    timezone="Asia/Seoul",
    city="Seoul",
    country_code="KR",
    venue="",
    url="https://meetings.example/meetings/1",
    sessions=(SESSION,),
)


ACTION = FeedAction(
    uid="action-uid",
    sequence=0,
    updated_at=STAMP,
    named="1-1-3 Review the air quality report",
    dropped=False,
    due_end=date(2027, 3, 31),
    due_label="2027-03",
    status_label="In progress",
    lead_label="Republic of Korea",
    body="SOM",
    source="SOM-24",
    url="https://meetings.example/actions/3",
)


def test_same_records_give_the_same_bytes():
    assert calendar([MEETING], "NEASPEC — SOM") == calendar([MEETING], "NEASPEC — SOM")


def test_feed_bytes_are_those_of_one_icalendar_calendar_of_the_same_events():
    """The feed is assembled from events serialised one by one (and kept): what a client
    reads must be exactly what icalendar writes for the whole calendar at once."""
    bangkok = replace(
        MEETING,
        uid="other-uid",
        timezone="Asia/Bangkok",
        title="A meeting whose title is long enough to be folded over two lines, " * 2,
        sessions=(replace(SESSION, id=8, uid="s8"), replace(SESSION, id=9, uid="s9")),
    )
    monthly = replace(MEETING, uid="month-uid", date_precision=DatePrecision.MONTH, sessions=())
    # Written in UTC ("Z"): no VTIMEZONE for it.
    in_utc = replace(MEETING, uid="utc-uid", timezone="UTC", sessions=(replace(SESSION, id=10),))
    meetings = [MEETING, bangkok, monthly, in_utc]
    events = [
        event
        for m in meetings
        for event in (meeting_event(m), *(session_event(s, m) for s in m.sessions))
    ]
    # The zones as icalendar wrote the events: each TZID used, over the years its events span.
    years: dict[str, list[int]] = {}
    for event in events:
        if tzid := event["DTSTART"].params.get("TZID"):
            years.setdefault(tzid, []).extend((event["DTSTART"].dt.year, event["DTEND"].dt.year))
    reference = calendar_header("NEASPEC — SOM", "Asia/Seoul")
    for tzid, span in sorted(years.items()):
        first, last = date(min(span), 1, 1), date(max(span) + 1, 1, 1)
        reference.add_component(Timezone.from_tzid(tzid, first_date=first, last_date=last))
    for event in events:
        reference.add_component(event)
    reference.add_component(action_event(ACTION))
    assert calendar(meetings, "NEASPEC — SOM", "Asia/Seoul", [ACTION]) == reference.to_ical()
    assert sorted(years) == ["Asia/Bangkok", "Asia/Seoul"]


def test_a_changed_record_gives_its_new_event_not_the_one_kept():
    calendar([MEETING], "NEASPEC — SOM")
    moved = replace(MEETING, sequence=3, city="Busan")
    (event,) = Calendar.from_ical(calendar([moved], "NEASPEC — SOM")).walk("VEVENT")[:1]
    assert (int(event["SEQUENCE"]), "Busan" in str(event["LOCATION"])) == (3, True)


def test_session_crossing_into_the_next_year_is_covered_by_its_vtimezone():
    cal = Calendar.from_ical(calendar([MEETING], "NEASPEC — SOM"))
    (zone,) = cal.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "Asia/Seoul"
    assert "2026-01-01 to 2028-01-01" in str(zone["COMMENT"])
    event = session_event(SESSION, MEETING)
    assert (event["DTSTART"].dt.year, event["DTEND"].dt.year) == (2026, 2027)


def test_month_precision_ending_in_december_ends_on_the_first_of_january():
    months = replace(
        MEETING,
        start_date=date(2026, 11, 1),
        end_date=date(2026, 12, 31),
        date_precision=DatePrecision.MONTH,
    )
    event = meeting_event(months)
    assert (event["DTSTART"].dt, event["DTEND"].dt) == (date(2026, 11, 1), date(2027, 1, 1))
    assert "November–December 2026" in str(event["DESCRIPTION"])


def test_session_sequence_and_stamp_follow_its_meeting_too():
    later = datetime(2026, 2, 1, tzinfo=UTC)
    event = session_event(SESSION, replace(MEETING, sequence=5, updated_at=later))
    assert (int(event["SEQUENCE"]), event["LAST-MODIFIED"].dt) == (6, later)


def test_location_by_format():
    places = [
        location(replace(MEETING, format=fmt, venue=venue, city=city, country_code=code))
        for fmt, venue, city, code in [
            (MeetingFormat.IN_PERSON, "COEX", "Seoul", "KR"),
            (MeetingFormat.HYBRID, "", "Seoul", "KR"),
            (MeetingFormat.VIRTUAL, "", "Seoul", "KR"),
            (None, "", "", None),
        ]
    ]
    assert places == [
        "COEX, Seoul, Republic of Korea",
        "Seoul, Republic of Korea and online",
        "Online",
        "",
    ]


def test_event_without_a_known_place_has_no_location():
    assert "LOCATION" not in meeting_event(replace(MEETING, city="", country_code=None))

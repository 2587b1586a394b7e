"""The event builders alone, on plain records: no database, no request."""

from dataclasses import replace
from datetime import UTC, date, datetime

from meetings.calendars.feeds import (
    FeedMeeting,
    FeedSession,
    calendar,
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


def test_same_records_give_the_same_bytes():
    assert (
        calendar([MEETING], "NEASPEC — SOM").to_ical()
        == calendar([MEETING], "NEASPEC — SOM").to_ical()
    )


def test_session_crossing_into_the_next_year_is_covered_by_its_vtimezone():
    cal = calendar([MEETING], "NEASPEC — SOM")
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

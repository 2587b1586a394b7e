"""What the feeds say: one event per meeting and session, dates to their precision, status,
zones, stable identity; read back with icalendar and vobject."""

from datetime import UTC, date, datetime, time

import pytest
import time_machine

from meetings.extensions import db
from meetings.schedule.services import delete_session, update_session
from tests import factories
from tests.calendars.ical import edit_meeting, events, parse, summaries


@pytest.fixture
def som(app):
    mech = factories.mechanism(slug="neaspec", short_name="NEASPEC", default_timezone="Asia/Seoul")
    return factories.body(mech, slug="som", name="Senior Officials Meeting", short_name="SOM")


def _feed(client, body) -> bytes:
    response = client.get(f"/calendars/bodies/{body.slug}.ics")
    assert response.status_code == 200
    return response.data


def test_one_event_per_meeting_and_session_with_the_records_uids(client, som):
    first = factories.meeting(som, number=24)
    opening = factories.session(first)
    plenary = factories.session(first, title="Plenary", start_time=time(11), end_time=time(12))
    second = factories.meeting(som, number=25, start="2027-09-01", end="2027-09-03")
    found = events(_feed(client, som))
    assert sorted(found) == sorted(r.uid for r in (first, opening, plenary, second))


def test_meetings_by_date_each_followed_by_its_sessions_by_time(client, som):
    factories.meeting(som, title="Later", start="2027-09-01", end="2027-09-02")
    earlier = factories.meeting(som, title="Earlier")
    factories.session(earlier, title="Afternoon", start_time=time(14), end_time=time(15))
    factories.session(earlier, title="Morning", start_time=time(9), end_time=time(10))
    assert summaries(_feed(client, som)) == [
        "Earlier",
        "Morning — Earlier",
        "Afternoon — Earlier",
        "Later",
    ]


def test_meeting_known_to_the_day_is_all_day_with_an_exclusive_end(client, som):
    meeting = factories.meeting(som, start="2026-09-02", end="2026-09-05")
    data = _feed(client, som)
    event = events(data)[meeting.uid]
    assert (event["DTSTART"].dt, event["DTEND"].dt) == (date(2026, 9, 2), date(2026, 9, 6))
    assert b"\r\nDTEND;VALUE=DATE:20260906\r\n" in data
    assert ("TRANSP" in event, str(event["STATUS"])) == (False, "CONFIRMED")


@pytest.mark.parametrize(
    ("start", "end", "last_day"),
    [("2026-09", "", date(2026, 10, 1)), ("2026-11", "2026-12", date(2027, 1, 1))],
)
def test_meeting_known_to_the_month_spans_it_without_blocking_time(
    client, som, start, end, last_day
):
    meeting = factories.meeting(som, title="SOM-26", start=start, end=end, status="confirmed")
    event = events(_feed(client, som))[meeting.uid]
    assert (event["DTSTART"].dt, event["DTEND"].dt) == (meeting.start_date, last_day)
    assert (str(event["TRANSP"]), str(event["STATUS"]), str(event["SUMMARY"])) == (
        "TRANSPARENT",
        "TENTATIVE",
        "SOM-26 (dates to be confirmed)",
    )


def test_held_meeting_known_to_the_month_says_its_days_are_not_recorded(client, som):
    meeting = factories.meeting(som, title="SOM-20", start="2024-09", end="", status="held")
    event = events(_feed(client, som))[meeting.uid]
    assert (str(event["STATUS"]), str(event["SUMMARY"])) == (
        "CONFIRMED",
        "SOM-20 (exact dates not recorded)",
    )


def test_meeting_known_only_to_the_year_is_left_out_with_its_sessions(client, som):
    meeting = factories.meeting(som, title="Some time in 2027", start="2027", end="")
    factories.session(meeting, day=date(2027, 3, 1))
    kept = factories.meeting(som, title="Known")
    assert list(events(_feed(client, som))) == [kept.uid]


@pytest.mark.parametrize(
    ("status", "ical", "summary"),
    [
        ("planned", "TENTATIVE", "SOM"),
        ("postponed", "TENTATIVE", "Postponed: SOM"),
        ("confirmed", "CONFIRMED", "SOM"),
        ("held", "CONFIRMED", "SOM"),
        ("cancelled", "CANCELLED", "Cancelled: SOM"),
    ],
)
def test_status_in_words_and_as_icalendar_status(client, som, status, ical, summary):
    meeting = factories.meeting(som, title="SOM", status=status)
    session = factories.session(meeting)
    found = events(_feed(client, som))
    assert [str(found[r.uid]["STATUS"]) for r in (meeting, session)] == [ical, ical]
    assert str(found[meeting.uid]["SUMMARY"]) == summary
    assert str(found[session.uid]["SUMMARY"]) == summary.replace("SOM", "Opening — SOM")


def test_cancelled_meeting_stays_a_year_after_it_ends_then_drops_out(client, som):
    meeting = factories.meeting(som, status="cancelled")  # ended 5 September 2026
    session = factories.session(meeting)
    url = f"/calendars/bodies/{som.slug}.ics"
    with time_machine.travel(datetime(2027, 9, 5, 23, 0, tzinfo=UTC), tick=False):
        kept = client.get(url)
    with time_machine.travel(datetime(2027, 9, 6, 0, 30, tzinfo=UTC), tick=False):
        dropped = client.get(url)
    found = events(kept.data)
    assert {uid: str(e["STATUS"]) for uid, e in found.items()} == {
        meeting.uid: "CANCELLED",
        session.uid: "CANCELLED",
    }
    assert str(found[meeting.uid]["TRANSP"]) == "TRANSPARENT"
    assert events(dropped.data) == {}
    assert kept.headers["ETag"] != dropped.headers["ETag"]


def test_sessions_are_timed_in_the_meeting_zone_with_one_vtimezone_per_zone(client, som):
    langkawi = factories.meeting(som)
    opening = factories.session(langkawi, start_time=time(9), end_time=time(10, 30))
    factories.session(langkawi, title="Plenary", start_time=time(11), end_time=time(12))
    seoul = factories.meeting(
        som, start="2027-06-01", end="2027-06-03", timezone="Asia/Seoul", city="Seoul"
    )
    factories.session(seoul, day=date(2027, 6, 1))
    data = _feed(client, som)
    cal = parse(data)
    zones = [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")]
    assert zones == ["Asia/Kuala_Lumpur", "Asia/Seoul"]
    assert cal.get_missing_tzids() == set()
    event = events(data)[opening.uid]
    assert event["DTSTART"].params["TZID"] == "Asia/Kuala_Lumpur"
    assert (event["DTSTART"].dt, event["DTEND"].dt) == (opening.starts_at, opening.ends_at)
    assert b"\r\nDTSTART;TZID=Asia/Kuala_Lumpur:20260902T090000\r\n" in data


def _sequences(client, body, *records) -> list[int]:
    found = events(_feed(client, body))
    assert sorted(found) == sorted(r.uid for r in records)  # same UIDs throughout
    return [int(found[r.uid]["SEQUENCE"]) for r in records]


def test_uids_stay_and_sequence_grows_when_time_place_or_status_change(client, som):
    meeting = factories.meeting(som)
    session = factories.session(meeting)
    seen = [_sequences(client, som, meeting, session)]
    edit_meeting(meeting, theme="Wording only")
    seen.append(_sequences(client, som, meeting, session))
    for change in ({"venue": "MIECC"}, {"end": "2026-09-06"}, {"status": "postponed"}):
        edit_meeting(meeting, **change)
        seen.append(_sequences(client, som, meeting, session))
    _move(session, date(2026, 9, 3))
    seen.append(_sequences(client, som, meeting, session))
    assert seen == [[0, 0], [0, 0], [1, 1], [2, 2], [3, 3], [3, 4]]


def _move(session, day: date) -> None:
    update_session(
        session,
        title=session.title,
        kind=session.kind.value,
        day=day,
        start_time=time(9),
        end_time=time(10, 30),
        room=session.room,
    )
    db.session.commit()


def test_event_stamps_are_the_records_changes_not_the_request_time(client, som):
    with time_machine.travel(datetime(2026, 3, 1, 8, 0, tzinfo=UTC), tick=False) as clock:
        meeting = factories.meeting(som)
        factories.session(meeting)
        first = client.get(f"/calendars/bodies/{som.slug}.ics")
        clock.move_to(datetime(2026, 3, 1, 18, 0, tzinfo=UTC))
        factories.meeting(factories.body(), title="Elsewhere")  # another mechanism
        client.get("/")
        second = client.get(f"/calendars/bodies/{som.slug}.ics")
    stamps = {str(e["DTSTAMP"].to_ical(), "ascii") for e in parse(first.data).walk("VEVENT")}
    assert stamps == {"20260301T080000Z"}
    assert (second.data, second.headers["ETag"]) == (first.data, first.headers["ETag"])


def test_event_text_says_what_where_and_when(client, som):
    meeting = factories.meeting(som, number=24, title="24th SOM", theme="Clean air", venue="MIECC")
    session = factories.session(meeting, room="Hall A")
    found = events(_feed(client, som))
    url = f"http://meetings.test/meetings/{meeting.id}"
    m, s = found[meeting.uid], found[session.uid]
    assert [str(m[k]) for k in ("SUMMARY", "LOCATION", "URL")] == [
        "24th SOM",
        "MIECC, Langkawi, Malaysia",
        url,
    ]
    assert str(m["DESCRIPTION"]) == (
        f"Theme: Clean air\nStatus: Confirmed\nDates: 2–5 September 2026\n{url}"
    )
    assert m["CATEGORIES"].cats == ["SOM"]
    assert [str(s[k]) for k in ("SUMMARY", "LOCATION", "URL")] == [
        "Opening — SOM-24",
        "Hall A, MIECC, Langkawi, Malaysia",
        f"{url}#session-{session.id}",
    ]
    assert str(s["DESCRIPTION"]).startswith("Part of 24th SOM (2–5 September 2026)\n")


def test_virtual_meeting_is_online(client, som):
    meeting = factories.meeting(som, format="virtual", city="", country_code="")
    assert str(events(_feed(client, som))[meeting.uid]["LOCATION"]) == "Online"


def test_links_start_with_the_public_base_url_when_set(app, client, som):
    meeting = factories.meeting(som)
    before = client.get(f"/calendars/bodies/{som.slug}.ics")
    app.config["PUBLIC_BASE_URL"] = "https://meetings.example"
    after = client.get(f"/calendars/bodies/{som.slug}.ics")
    assert str(events(after.data)[meeting.uid]["URL"]) == (
        f"https://meetings.example/meetings/{meeting.id}"
    )
    assert before.headers["ETag"] != after.headers["ETag"]


def test_calendar_names_itself_and_asks_to_be_fetched_every_six_hours(client, som):
    data = _feed(client, som)
    cal = parse(data)
    assert [str(cal[k]) for k in ("VERSION", "METHOD", "NAME", "X-WR-CALNAME")] == [
        "2.0",
        "PUBLISH",
        "NEASPEC — Senior Officials Meeting",
        "NEASPEC — Senior Officials Meeting",
    ]
    assert (str(cal["X-WR-TIMEZONE"]), str(cal["PRODID"])[:3]) == ("Asia/Seoul", "-//")
    assert b"\r\nREFRESH-INTERVAL;VALUE=DURATION:PT6H\r\n" in data
    assert b"\r\nX-PUBLISHED-TTL:PT6H\r\n" in data


def test_mechanism_and_meeting_feeds_name_themselves(client, som):
    meeting = factories.meeting(som, number=24, timezone="Asia/Tokyo", city="Tokyo")
    mechanism = parse(client.get("/calendars/mechanisms/neaspec.ics").data)
    single = parse(client.get(f"/calendars/meetings/{meeting.id}.ics").data)
    assert [str(c["X-WR-CALNAME"]) for c in (mechanism, single)] == [
        "NEASPEC meetings",
        "NEASPEC — SOM-24",
    ]
    assert [str(c["X-WR-TIMEZONE"]) for c in (mechanism, single)] == ["Asia/Seoul", "Asia/Tokyo"]


def test_lines_end_in_crlf_and_fold_within_75_octets(client, som):
    title = (
        "第二十四届高级官员会议 — 24th Senior Officials Meeting of the North-East Asian "
        "Subregional Programme for Environmental Cooperation, 서울"
    )
    meeting = factories.meeting(som, title=title, theme="Clean air and blue skies. " * 12)
    data = _feed(client, som)
    lines = data.split(b"\r\n")
    assert lines[-1] == b""
    assert [line for line in lines if b"\n" in line or b"\r" in line] == []
    assert max(len(line) for line in lines) <= 75
    assert all(line.decode("utf-8") for line in lines[:-1])  # no character split by a fold
    assert str(events(data)[meeting.uid]["SUMMARY"]) == title


def test_feed_follows_deletions(client, som):
    meeting = factories.meeting(som)
    session = factories.session(meeting)
    delete_session(session)
    db.session.commit()
    assert list(events(_feed(client, som))) == [meeting.uid]

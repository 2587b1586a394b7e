from datetime import UTC, date, datetime
from urllib.parse import parse_qs, urlsplit

from meetings.calendars.links import (
    CalendarEvent,
    google_url,
    meeting_event,
    outlook_url,
    webcal_url,
)
from tests import factories

PAGE = "https://meetings.example/meetings/7"


def _query(url: str) -> dict[str, str]:
    return {k: v for k, (v,) in parse_qs(urlsplit(url).query).items()}


def _ajmdec(**fields):
    values = {
        "title": "3rd AJMDEC & 18th AMME",
        "start": "2025-09-02",
        "end": "2025-09-05",
        "theme": "Climate action",
        "venue": "MITEC",
        "status": "held",
    }
    return factories.meeting(**{**values, **fields})


def test_google_url_spans_whole_days_with_exclusive_end(app):
    url = google_url(meeting_event(_ajmdec(), PAGE))
    assert url.startswith("https://calendar.google.com/calendar/render?action=TEMPLATE&")
    assert "text=3rd%20AJMDEC%20%26%2018th%20AMME" in url
    assert _query(url) == {
        "action": "TEMPLATE",
        "text": "3rd AJMDEC & 18th AMME",
        "dates": "20250902/20250906",
        "details": f"Climate action\n\n{PAGE}",
        "location": "MITEC, Langkawi, Malaysia",
    }


def test_outlook_url_is_an_all_day_event_with_exclusive_end(app):
    url = outlook_url(meeting_event(_ajmdec(), PAGE))
    assert url.startswith("https://outlook.live.com/calendar/0/deeplink/compose?")
    assert "subject=3rd%20AJMDEC%20%26%2018th%20AMME" in url
    assert _query(url) == {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": "3rd AJMDEC & 18th AMME",
        "startdt": "2025-09-02",
        "enddt": "2025-09-06",
        "allday": "true",
        "body": f"Climate action\n\n{PAGE}",
        "location": "MITEC, Langkawi, Malaysia",
    }


def test_one_day_meeting_ends_the_next_day(app):
    event = meeting_event(_ajmdec(start="2025-12-31", end="2025-12-31"), PAGE)
    assert _query(google_url(event))["dates"] == "20251231/20260101"
    assert _query(outlook_url(event))["enddt"] == "2026-01-01"


def test_no_day_to_add_for_month_or_year_precision(app):
    assert meeting_event(_ajmdec(start="2026-09", end=""), PAGE) is None
    assert meeting_event(_ajmdec(start="2026", end=""), PAGE) is None


def test_no_day_to_add_for_cancelled_meeting(app):
    assert meeting_event(_ajmdec(status="cancelled"), PAGE) is None


def test_unknown_place_is_left_out(app):
    event = meeting_event(_ajmdec(venue="", city="", country_code="", status="planned"), PAGE)
    assert event.location == ""
    assert "location" not in _query(google_url(event))


def test_timed_event_in_utc_with_the_venue_zone():
    event = CalendarEvent(
        title="Opening",
        start=datetime(2025, 9, 2, 1, 0, tzinfo=UTC),
        end=datetime(2025, 9, 2, 2, 30, tzinfo=UTC),
        timezone="Asia/Kuala_Lumpur",
    )
    assert _query(google_url(event)) == {
        "action": "TEMPLATE",
        "text": "Opening",
        "dates": "20250902T010000Z/20250902T023000Z",
        "ctz": "Asia/Kuala_Lumpur",
    }
    query = _query(outlook_url(event))
    assert (query["startdt"], query["enddt"], query["allday"]) == (
        "2025-09-02T01:00:00Z",
        "2025-09-02T02:30:00Z",
        "false",
    )


def test_whole_day_event_ignores_its_zone():
    event = CalendarEvent("Forum", date(2019, 9, 10), date(2019, 9, 11), timezone="Asia/Shanghai")
    assert "ctz" not in _query(google_url(event))


def test_webcal_url_replaces_the_scheme():
    assert webcal_url("https://meetings.example/calendars/bodies/som.ics") == (
        "webcal://meetings.example/calendars/bodies/som.ics"
    )
    assert webcal_url("http://127.0.0.1:5000/c.ics") == "webcal://127.0.0.1:5000/c.ics"

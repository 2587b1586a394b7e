"""A delegate follows the SOM, subscribes to their own calendar, and sees the change when the
secretariat moves a session: the feed keeps the event's UID, with the new time and a higher
SEQUENCE, as calendar apps need to replace it."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Playwright, expect

from tests import factories
from tests.browser.conftest import PASSWORD, neaspec_som, text_of
from tests.calendars.ical import events

VENUE_ZONE = "Asia/Seoul"


@pytest.fixture
def som25(app):
    mech, som = neaspec_som(default_timezone=VENUE_ZONE)
    start = datetime.now(UTC).date() + timedelta(days=30)
    meeting = factories.meeting(
        som,
        number=25,
        title="",
        start=start.isoformat(),
        end=(start + timedelta(days=1)).isoformat(),
        city="Incheon",
        country_code="KR",
        timezone=VENUE_ZONE,
    )
    factories.session(
        meeting, title="Opening session", day=start, start_time=time(9), end_time=time(10, 30)
    )
    factories.delegate_of(mech, email="delegate@mnet.example", name="Mr Bold", password=PASSWORD)
    factories.secretariat_of(mech, email="officer@escap.example", password=PASSWORD)
    return meeting


def test_delegate_subscribes_and_sees_a_session_move(visit, site, playwright: Playwright, som25):
    delegate = visit("delegate")
    delegate.open("/")
    delegate.sign_in("delegate@mnet.example")
    page = delegate.page

    # Follow the SOM from its page.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Mechanisms").click()
    page.get_by_role("link", name=som25.body.mechanism.name).click()
    page.get_by_role("link", name="Senior Officials Meeting").click()
    calendar = page.get_by_role("region", name="In your calendar")
    feed = site.url.replace("http://", "webcal://") + "/calendars/bodies/som.ics"
    expect(calendar.get_by_role("link", name="Subscribe")).to_have_attribute("href", feed)
    delegate.check("body")
    calendar.get_by_role("button", name="Follow").click()
    expect(page.get_by_role("status")).to_have_text(
        "You follow Senior Officials Meeting: its meetings are in your calendar."
    )
    delegate.check("following")

    # The address of their own calendar, shown once.
    calendar = page.get_by_role("region", name="In your calendar")
    calendar.get_by_role("link", name="your personal calendar").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your calendar")
    expect(page.get_by_role("row", name="Senior Officials Meeting")).to_contain_text(
        "All its meetings"
    )
    page.get_by_role("button", name="Create my calendar address").click()
    address = page.get_by_label("Address (for Google Calendar").input_value()
    assert address.startswith(f"{site.url}/calendars/personal/") and address.endswith(".ics")
    delegate.check("address")

    # The calendar app (no cookie, no session) reads the feed.
    app = playwright.request.new_context()
    try:
        first = app.get(address)
        assert first.status == 200
        assert first.headers["content-type"] == "text/calendar; charset=utf-8"
        delegate.keep("feed-before.ics", first.body())
        before = _session_event(first.body())
        day = som25.start_date
        assert before["DTSTART"].dt == datetime.combine(day, time(9), ZoneInfo(VENUE_ZONE))
        assert before["DTSTART"].params["TZID"] == VENUE_ZONE
        unchanged = {"If-None-Match": first.headers["etag"]}
        assert app.get(address, headers=unchanged).status == 304

        # The secretariat moves the opening to the afternoon.
        officer = visit("secretariat")
        officer.open("/")
        officer.sign_in("officer@escap.example")
        officer.page.get_by_role("link", name="Upcoming").click()
        officer.page.get_by_role("link", name=som25.title).click()
        officer.page.get_by_role("link", name="Edit Opening session").click()
        expect(officer.page.get_by_label("Starts (venue time)")).to_have_value("09:00")
        officer.check("edit-session")
        officer.page.get_by_label("Starts (venue time)").fill("14:00")
        officer.page.get_by_label("Ends (venue time)").fill("15:30")
        officer.page.get_by_role("button", name="Save").click()
        expect(officer.page.get_by_role("status")).to_have_text("Session saved.")
        officer.check("session-moved")

        # The next fetch, asking "changed since?", gets the new version of the same event.
        again = app.get(address, headers=unchanged)
        assert again.status == 200
        delegate.keep("feed-after.ics", again.body())
        after = _session_event(again.body())
    finally:
        app.dispose()
    assert str(after["UID"]) == str(before["UID"])
    assert after["DTSTART"].dt == datetime.combine(day, time(14), ZoneInfo(VENUE_ZONE))
    assert after["DTEND"].dt == datetime.combine(day, time(15, 30), ZoneInfo(VENUE_ZONE))
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])

    # And the delegate sees the new time on the meeting's page.
    page.get_by_role("link", name="Senior Officials Meeting", exact=True).click()
    page.get_by_role("link", name=som25.title).click()
    row = page.get_by_role("row").filter(has_text="Opening session")
    expect(row.locator("td").first).to_have_text("14:00–15:30")
    assert "Opening session" in text_of(row)
    delegate.check("meeting-after-move")


def _session_event(feed: bytes):
    """The opening session's event, read by two iCalendar parsers."""
    [event] = [e for e in events(feed).values() if "Opening session" in str(e["SUMMARY"])]
    return event

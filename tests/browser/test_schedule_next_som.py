"""The secretariat schedules the next SOM from its body's page and builds its programme."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import PASSWORD, READER_ZONE, neaspec_som, text_of

VENUE_ZONE = "Asia/Ulaanbaatar"


@pytest.fixture
def neaspec(app):
    mech, som = neaspec_som(secretariat="ESCAP East and North-East Asia Office")
    last_year = date.today().year - 1
    factories.meeting(
        som,
        number=24,
        title="",
        start=f"{last_year}-11-20",
        end=f"{last_year}-11-21",
        status="held",
        city="Incheon",
        country_code="KR",
        timezone="Asia/Seoul",
    )
    officer = factories.secretariat_of(
        mech, email="officer@escap.example", name="Ms Park Ji-won", password=PASSWORD
    )
    return {"mechanism": mech, "body": som, "officer": officer}


def test_secretariat_schedules_the_next_som_and_its_opening(visit, neaspec):
    year = date.today().year + 1
    officer = visit("secretariat")
    officer.open("/")
    officer.check("home")
    officer.sign_in("officer@escap.example")
    officer.check("signed-in")
    page = officer.page

    # From the mechanism to its SOM.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Mechanisms").click()
    page.get_by_role("link", name=neaspec["mechanism"].name).click()
    page.get_by_role("link", name="Senior Officials Meeting").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Senior Officials Meeting (SOM)")
    officer.check("body")

    # The form comes pre-filled with the next number and title.
    page.get_by_role("link", name="Schedule the next meeting (SOM-25)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Schedule the next SOM")
    expect(page.get_by_label("Number", exact=True)).to_have_value("25")
    title = "25th Senior Officials Meeting (SOM-25)"
    expect(page.get_by_label("Title", exact=True)).to_have_value(title)
    officer.check("form")

    page.get_by_label("Status", exact=True).select_option(label="Confirmed")
    page.get_by_label("Starts", exact=True).fill(f"{year}-11-24")
    page.get_by_label("Ends", exact=True).fill(f"{year}-11-26")
    page.get_by_label("Format", exact=True).select_option(label="In person")
    page.get_by_label("City", exact=True).fill("Ulaanbaatar")
    page.get_by_label("Country", exact=True).fill("MN")
    page.get_by_label("Time zone", exact=True).fill(VENUE_ZONE)
    page.get_by_label("Venue", exact=True).fill("Government Palace")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("status")).to_have_text(f"{title} scheduled.")
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    facts = text_of(page.locator("dl.facts"))
    assert f"Dates 24–26 November {year}" in facts
    assert "Place Ulaanbaatar, Mongolia, Government Palace" in facts
    assert f"Time zone {VENUE_ZONE}" in facts
    expect(page.locator("#timetable")).to_contain_text("No sessions yet.")
    officer.check("meeting")

    # Its opening session, entered in the venue's time.
    page.get_by_role("link", name="Add a session").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a session")
    expect(page.get_by_label("Day")).to_have_value(f"{year}-11-24")
    officer.check("session-form")
    page.get_by_label("Title").fill("Opening session")
    page.get_by_label("Kind").select_option(label="Opening")
    page.get_by_label("Starts (venue time)").fill("09:30")
    page.get_by_label("Ends (venue time)").fill("10:30")
    page.get_by_label("Room").fill("Hall A")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("status")).to_have_text("Session “Opening session” added.")
    opening = date(year, 11, 24)
    row = _timetable_row(page, opening, "Opening session")
    venue_time, _, session, room = _cells(row)[:4]
    assert (venue_time, session, room) == ("09:30–10:30", "opening session opening", "hall a")
    officer.check("timetable")

    # The officer also reads the times in their own zone.
    page.get_by_label("Also show times in").fill(READER_ZONE)
    page.get_by_role("button", name="Show", exact=True).click()
    row = _timetable_row(page, opening, "Opening session")
    paris, paris_end = (_in_zone(opening, t, READER_ZONE) for t in (time(9, 30), time(10, 30)))
    assert paris.date() == opening  # no "(other day)" note
    assert _cells(row)[:4] == [
        "09:30–10:30",
        f"{paris:%H:%M}–{paris_end:%H:%M}",
        "opening session opening",
        "hall a",
    ]
    header = text_of(page.get_by_role("table").first.get_by_role("row").first)
    assert VENUE_ZONE in header and READER_ZONE in header
    officer.check("timetable-own-zone")

    # The body's page now lists it as its next meeting.
    page.get_by_role("navigation", name="Breadcrumb").get_by_role(
        "link", name="Senior Officials Meeting"
    ).click()
    upcoming = page.get_by_role("table").first
    expect(upcoming.get_by_role("link", name=title)).to_be_visible()
    expect(upcoming).to_contain_text(f"24–26 November {year}")
    officer.check("body-after")


def _timetable_row(page, day: date, session: str):
    """The session's row in the timetable of its day, once the page shows it."""
    timetable = page.get_by_role("table", name=f"{day:%A} {day.day} {day:%B %Y}")
    row = timetable.get_by_role("row").filter(has_text=session)
    expect(row).to_have_count(1)
    return row


def _cells(row) -> list[str]:
    """The row's cells as read, in lower case (a session's kind is styled in capitals)."""
    return [text_of(c).lower() for c in row.get_by_role("cell").all()]


def test_the_browser_tells_the_server_the_readers_zone(visit, neaspec):
    year = date.today().year + 1
    meeting = factories.meeting(
        neaspec["body"], number=25, title="", start=f"{year}-11-24", end=f"{year}-11-26",
        timezone=VENUE_ZONE, city="Ulaanbaatar", country_code="MN",
    )  # fmt: skip
    opening = date(year, 11, 24)
    factories.session(
        meeting, title="Opening session", day=opening, start_time=time(9, 30), end_time=time(10, 30)
    )
    reader = visit("public")
    reader.open("/")  # the first page tells the zone
    reader.page.get_by_role("link", name=meeting.title).click()
    row = _timetable_row(reader.page, opening, "Opening session")
    paris, paris_end = (_in_zone(opening, t, READER_ZONE) for t in (time(9, 30), time(10, 30)))
    assert _cells(row)[1] == f"{paris:%H:%M}–{paris_end:%H:%M}"
    expect(reader.page.get_by_role("contentinfo")).to_contain_text(f"and in yours ({READER_ZONE})")


def _in_zone(day: date, clock: time, zone: str) -> datetime:
    """The venue's wall-clock time `clock` on `day`, as read in `zone`."""
    return datetime.combine(day, clock, ZoneInfo(VENUE_ZONE)).astimezone(ZoneInfo(zone))

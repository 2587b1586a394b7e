"""Staff post progress on a follow-up action decided at SOM-24, and record SOM-25's conclusion
on it while SOM-25 is under way at its venue; the action's history shows both."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import PASSWORD, neaspec_som, text_of

VENUE_ZONE = "Asia/Seoul"
TITLE = "Publish the regional air quality assessment"


@pytest.fixture
def world(app):
    mech, som = neaspec_som(default_timezone=VENUE_ZONE)
    # SOM-25 is under way at its venue: it began yesterday there and ends tomorrow.
    venue_today = datetime.now(UTC).astimezone(ZoneInfo(VENUE_ZONE)).date()
    som24 = factories.meeting(
        som, number=24, title="", status="held", timezone=VENUE_ZONE,
        start=(venue_today - timedelta(days=366)).isoformat(),
        end=(venue_today - timedelta(days=365)).isoformat(),
    )  # fmt: skip
    som25 = factories.meeting(
        som, number=25, title="", status="confirmed", timezone=VENUE_ZONE,
        city="Incheon", country_code="KR",
        start=(venue_today - timedelta(days=1)).isoformat(),
        end=(venue_today + timedelta(days=1)).isoformat(),
    )  # fmt: skip
    action = factories.action(
        som,
        title=TITLE,
        item="4.1",
        meeting_id=som24.id,
        lead_kind="member_state",
        lead_country="KR",
        due=venue_today.isoformat(),
        status="not_started",
    )
    factories.secretariat_of(
        mech, email="officer@escap.example", name="Ms Park Ji-won", password=PASSWORD
    )
    return {"som24": som24, "som25": som25, "action": action, "today": venue_today}


def test_staff_post_progress_and_review_it_at_the_next_som(visit, world):
    som25, today = world["som25"], world["today"]
    officer = visit("secretariat")
    officer.open("/")
    officer.sign_in("officer@escap.example")
    page = officer.page

    # The body's actions, then the one decided at SOM-24.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Mechanisms").click()
    page.get_by_role("link", name="North-East Asian Subregional Programme").click()
    page.get_by_role("link", name="Senior Officials Meeting").click()
    page.get_by_role("link", name="Actions of SOM").click()
    officer.check("actions")
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    facts = text_of(page.locator("dl.facts"))
    assert f"Decided at {world['som24'].title}" in facts
    assert "Lead Republic of Korea" in facts
    expect(page.get_by_text("No progress reported yet.")).to_be_visible()
    officer.check("action")

    # Progress, with a change of status.
    progress = page.get_by_role("region", name="Post progress")
    progress.get_by_label("Status").select_option(label="On track")
    progress.get_by_label("What progressed").fill(
        "Draft assessment reviewed by the NEACAP Science and Policy Committee."
    )
    progress.get_by_role("button", name="Post progress").click()
    expect(page.get_by_role("status")).to_have_text("Progress posted; the action is now on track.")
    history = page.get_by_role("region", name="History")
    update = text_of(history.get_by_role("listitem"))
    assert "Ms Park Ji-won · Not started → On track" in update
    assert "Draft assessment reviewed by the NEACAP Science and Policy Committee." in update
    officer.check("progress-posted")

    # At SOM-25, under way today, the review of follow-up actions.
    page.get_by_role("navigation", name="Breadcrumb").get_by_role(
        "link", name="Senior Officials Meeting"
    ).click()
    page.get_by_role("link", name=som25.title).click()
    review = page.get_by_role("region", name="Review of follow-up actions")
    entry = review.get_by_role("listitem").filter(has_text=TITLE)
    expect(entry).to_contain_text("Latest update")
    expect(entry).to_contain_text("Draft assessment reviewed by the NEACAP")
    officer.check("meeting-review")

    extended_to = f"{today.year + 1}-06"
    entry.get_by_label("Conclusion").select_option(label="Extended")
    entry.get_by_label("New due date").fill(extended_to)
    entry.get_by_label("Note").fill("Final assessment to be presented at SOM-26.")
    entry.get_by_role("button", name="Record the conclusion on 4.1").click()
    expect(page.get_by_role("status")).to_have_text(f"“{TITLE}”: extended at {som25.title}.")
    entry = (
        page.get_by_role("region", name="Review of follow-up actions")
        .get_by_role("listitem")
        .filter(has_text=TITLE)
    )
    concluded = text_of(entry.locator(".action-conclusion"))
    new_due = f"June {today.year + 1}"
    extension = f"Extended · due {today.day} {today:%B %Y} → {new_due}"
    assert concluded.lower().startswith("concluded here")  # a label styled in capitals
    assert extension in concluded
    assert "Final assessment to be presented at SOM-26." in concluded
    officer.check("reviewed")

    # The action's history: the update, then the meeting's conclusion.
    entry.get_by_role("link", name=TITLE).click()
    events = page.get_by_role("region", name="History").locator("li.action-event")
    expect(events).to_have_count(2)
    assert "Draft assessment reviewed" in text_of(events.nth(0))
    reviewed = text_of(events.nth(1))
    assert reviewed.startswith(f"Reviewed at {som25.title}")
    assert extension in reviewed
    assert "recorded by Ms Park Ji-won" in reviewed
    assert f"Due {new_due}" in text_of(page.locator("dl.facts"))
    officer.check("history")

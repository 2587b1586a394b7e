"""A participant registers for an open forum with the public form and confirms their address
with the emailed link."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from meetings.extensions import db
from meetings.registrations.services import save_settings
from tests import factories
from tests.browser.conftest import text_of

EMAIL = "lina.wong@greenmekong.example"


@pytest.fixture
def caecf(app):
    mech = factories.mechanism(
        slug="asean-china",
        name="ASEAN-China Environmental Cooperation",
        short_name="ASEAN-China",
        member_states="BN KH ID LA MY MM PH SG TH VN CN",
        default_timezone="Asia/Shanghai",
    )
    forum = factories.body(
        mech,
        slug="caecf",
        name="ASEAN-China Environmental Cooperation Forum",
        short_name="CAECF",
        kind="forum",
        numbering_style="year",
        number_prefix="",
    )
    start = datetime.now(UTC).date() + timedelta(days=60)
    meeting = factories.meeting(
        forum,
        number=start.year,
        title="",
        theme="Green and low-carbon development",
        start=start.isoformat(),
        end=(start + timedelta(days=2)).isoformat(),
        city="Nanning",
        country_code="CN",
        timezone="Asia/Shanghai",
    )
    now = datetime.now(UTC)
    save_settings(
        meeting,
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=50),
        categories=["delegation", "ngo", "private_sector", "observer", "media"],
        capacity=300,
        needs_approval=False,
        open_to_public=True,
    )
    db.session.commit()
    return meeting


def test_participant_registers_and_confirms_by_email(visit, site, caecf):
    participant = visit("participant")
    participant.open("/")
    page = participant.page
    page.get_by_role("link", name=caecf.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(caecf.title)
    expect(page.get_by_text("Theme: Green and low-carbon development")).to_be_visible()
    participant.check("meeting")

    page.get_by_role("region", name="Registration").get_by_role("link", name="Register").click()
    category = page.get_by_label("Category")
    # Delegations come through their National Focal Point, not this form.
    assert category.locator("option").all_inner_texts() == [
        "Observer",
        "Non-governmental organisation",
        "Private sector",
        "Media",
    ]
    participant.check("form")
    page.get_by_label("Name").fill("Ms Lina Wong")
    page.get_by_label("Job title").fill("Programme officer")
    page.get_by_label("Organisation").fill("Green Mekong Network")
    page.get_by_label("Country").fill("TH")
    category.select_option(label="Non-governmental organisation")
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_role("button", name="Register").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    expect(page.locator(".lead")).to_have_text(
        f"We sent a link to {EMAIL}. Open it to confirm your registration for {caecf.title}."
    )
    participant.check("check-email")

    [message] = site.emails_to(EMAIL)
    assert site.subjects_to(EMAIL) == [f"Confirm your registration: {caecf.title}"]
    [link] = re.findall(r"http://\S+/registrations/confirm/\S+", message.get_content())
    assert link.startswith(site.url)

    # The link shows a button (a mail scanner following links confirms nothing).
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your registration")
    expect(page.locator(".lead")).to_contain_text(f"Ms Lina Wong ({EMAIL}) for {caecf.title}")
    participant.check("confirm")
    page.get_by_role("button", name="Confirm my registration").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you, Ms Lina Wong")
    assert text_of(page.locator(".lead")) == (f"Your registration for {caecf.title}: Confirmed.")
    participant.check("confirmed")
    assert site.subjects_to(EMAIL) == [
        f"Confirm your registration: {caecf.title}",
        f"Registration confirmed: {caecf.title}",
    ]

    # The same address registers once.
    participant.open("/")
    page.get_by_role("link", name=caecf.title).click()
    page.get_by_role("region", name="Registration").get_by_role("link", name="Register").click()
    page.get_by_label("Name").fill("Lina Wong")
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_role("button", name="Register").click()
    expect(page.locator("#email-error")).to_have_text(
        "This email address is already registered for this meeting."
    )
    participant.check("registered-once")

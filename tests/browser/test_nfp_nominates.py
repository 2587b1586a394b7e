"""A National Focal Point nominates their country's delegation within its quota; the
secretariat approves, and the NFP and the nominee see it."""

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from meetings.extensions import db
from meetings.registrations.services import save_settings
from tests import factories
from tests.browser.conftest import PASSWORD, neaspec_som, text_of


@pytest.fixture
def som25(app):
    mech, som = neaspec_som()
    start = datetime.now(UTC).date() + timedelta(days=40)
    meeting = factories.meeting(
        som,
        number=25,
        title="",
        start=start.isoformat(),
        end=(start + timedelta(days=1)).isoformat(),
        city="Tokyo",
        country_code="JP",
        timezone="Asia/Tokyo",
    )
    now = datetime.now(UTC)
    save_settings(
        meeting,
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=30),
        categories=["delegation", "observer"],
        delegation_quota=2,
        needs_approval=True,
        open_to_public=False,
    )
    db.session.commit()
    factories.nfp_of(
        mech, "JP", email="nfp@env.go.example", name="Ms Tanaka Yui", password=PASSWORD
    )
    factories.secretariat_of(mech, email="officer@escap.example", password=PASSWORD)
    return meeting


def test_nfp_nominates_a_delegation_within_its_quota(visit, site, som25):
    nfp = visit("nfp")
    nfp.open("/")
    nfp.sign_in("nfp@env.go.example")
    page = nfp.page

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Upcoming").click()
    page.get_by_role("link", name=som25.title).click()
    registration = page.get_by_role("region", name="Registration")
    expect(registration.get_by_role("link", name="Register")).to_have_count(0)
    nfp.check("meeting")
    registration.get_by_role("link", name="Nominate your delegation").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Nominate your delegation")
    expect(page.get_by_text("Each delegation has 2 seats.")).to_be_visible()
    expect(page.get_by_text("No one nominated yet.")).to_be_visible()
    nfp.check("form")

    _nominate(page, "Mr Sato Kenji", "sato@env.go.example", "Head of delegation")
    expect(page.get_by_role("status")).to_have_text("Mr Sato Kenji nominated.")
    _nominate(page, "Ms Suzuki Aiko", "suzuki@env.go.example", "Delegate")
    expect(page.get_by_role("status")).to_have_text("Ms Suzuki Aiko nominated.")
    assert _delegation(page) == [
        [
            "Mr Sato Kenji",
            "sato@env.go.example",
            "Japan",
            "Head of delegation",
            "Awaiting approval",
        ],
        ["Ms Suzuki Aiko", "suzuki@env.go.example", "Japan", "Delegate", "Awaiting approval"],
    ]
    nfp.check("nominated")

    # A third is one too many.
    _nominate(page, "Mr Ito Hiro", "ito@env.go.example", "Adviser")
    expect(page.get_by_role("alert")).to_contain_text("nothing has been saved yet")
    expect(page.locator("#delegation_country-error")).to_have_text(
        "The delegation of Japan is full (2 seats)."
    )
    assert len(_delegation(page)) == 2
    nfp.check("quota-full")

    [received] = site.emails_to("sato@env.go.example")
    assert site.subjects_to("sato@env.go.example") == [f"Nomination received: {som25.title}"]
    assert "Your National Focal Point nominated you." in received.get_content()

    # The secretariat approves the head of delegation.
    officer = visit("secretariat")
    officer.open("/")
    officer.sign_in("officer@escap.example")
    officer.page.get_by_role("link", name="Upcoming").click()
    officer.page.get_by_role("link", name=som25.title).click()
    officer.page.get_by_role("region", name="Registration").get_by_role(
        "link", name="Registrations"
    ).click()
    expect(officer.page.get_by_role("table")).to_contain_text("2 registrations")
    officer.check("registrations")
    officer.page.get_by_role("button", name="Approve Mr Sato Kenji").click()
    expect(officer.page.get_by_role("status")).to_have_text("Mr Sato Kenji: approved.")
    officer.check("approved")

    page.reload()
    assert [row[-1] for row in _delegation(page)] == ["Confirmed", "Awaiting approval"]
    nfp.check("delegation-after-approval")
    assert site.subjects_to("sato@env.go.example")[-1] == f"Registration confirmed: {som25.title}"


def _nominate(page, name: str, email: str, role: str) -> None:
    form = page.locator("form").filter(has=page.get_by_role("button", name="Nominate"))
    expect(form.get_by_label("Delegation of")).to_have_value("JP")
    form.get_by_label("Name", exact=True).fill(name)
    form.get_by_label("Job title").fill("Ministry of the Environment")
    form.get_by_label("Email address").fill(email)
    form.get_by_label("Role in the delegation").select_option(label=role)
    form.get_by_role("button", name="Nominate").click()


def _delegation(page) -> list[list[str]]:
    rows = page.get_by_role("table", name="Your delegation").locator("tbody tr")
    return [[text_of(c) for c in row.get_by_role("cell").all()] for row in rows.all()]

import html
import re

import pytest

from meetings.calendars.subscriptions import (
    feed_token_of,
    follow,
    is_following,
    renew_feed_token,
    user_for_feed,
)
from meetings.extensions import db
from tests import factories
from tests.conftest import sign_in


def _secret_on(page: str) -> str | None:
    found = re.search(r'id="feed-https"[^>]*value="[^"]*/calendars/personal/([^"/]+)\.ics"', page)
    return found.group(1) if found else None


def _text(page: str) -> str:
    """The page's words as a reader sees them, on one line."""
    words = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    return html.unescape(re.sub(r" ([.,:;])", r"\1", words))


@pytest.fixture
def world(app):
    """A public body with a public meeting and a secretariat-only meeting."""
    mech = factories.mechanism(slug="neaspec", short_name="NEASPEC")
    body = factories.body(mech, slug="som", short_name="SOM")
    public = factories.meeting(body, number=1, title="SOM-1", start="2025-09-02", end="2025-09-05")
    closed = factories.meeting(body, number=2, title="SOM-2 closed", visibility="secretariat")
    return {"mechanism": mech, "body": body, "public": public, "closed": closed}


def _signed_in(app, user):
    client = app.test_client()
    sign_in(client, user)
    return client


# Following.


def test_follow_and_unfollow_a_body(app, world):
    user, body = factories.user(), world["body"]
    client = _signed_in(app, user)
    response = client.post("/bodies/som/follow")
    assert response.headers["Location"] == "/bodies/som"
    assert is_following(user, body)
    page = _text(client.get("/bodies/som").text)
    assert "You follow Senior Officials Meeting: its meetings are in your calendar." in page
    assert "You follow this body" in page and "Unfollow" in page
    assert client.post("/bodies/som/unfollow").headers["Location"] == "/bodies/som"
    assert not is_following(user, body)
    assert "Follow to have its meetings in your personal calendar" in _text(
        client.get("/bodies/som").text
    )


def test_follow_and_unfollow_a_meeting(app, world):
    user, meeting = factories.user(), world["public"]
    client = _signed_in(app, user)
    url = f"/meetings/{meeting.id}"
    assert client.post(f"{url}/follow").headers["Location"] == url
    assert is_following(user, meeting)
    assert "You follow this meeting: it is in your personal calendar." in _text(
        client.get(url).text
    )
    assert client.post(f"{url}/unfollow").headers["Location"] == url
    assert not is_following(user, meeting)


def test_following_twice_keeps_one_follow(app, world):
    user = factories.user()
    client = _signed_in(app, user)
    client.post("/bodies/som/follow")
    client.post("/bodies/som/follow")
    assert _text(client.get("/account/calendar").text).count("All its meetings") == 1


def test_restricted_meeting_is_not_found_for_who_may_not_see_it(app, world):
    outsider, closed = factories.delegate_of(factories.mechanism()), world["closed"]
    client = _signed_in(app, outsider)
    assert client.post(f"/meetings/{closed.id}/follow").status_code == 404
    assert client.post(f"/meetings/{closed.id}/unfollow").status_code == 404
    assert not is_following(outsider, closed)


def test_secretariat_follows_its_restricted_meeting(app, world):
    staff, closed = factories.secretariat_of(world["mechanism"]), world["closed"]
    client = _signed_in(app, staff)
    assert client.post(f"/meetings/{closed.id}/follow").status_code == 302
    assert is_following(staff, closed)


def test_anonymous_is_sent_to_sign_in(client, world):
    meeting_id = world["public"].id
    for url in (
        "/bodies/som/follow",
        "/bodies/som/unfollow",
        f"/meetings/{meeting_id}/follow",
        f"/meetings/{meeting_id}/unfollow",
    ):
        response = client.post(url)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/sign-in?next=")
    response = client.get("/account/calendar")
    assert response.headers["Location"] == "/sign-in?next=/account/calendar"


def test_unfollow_from_the_calendar_page_comes_back_to_it(app, world):
    user = factories.user()
    follow(user, world["body"])
    db.session.commit()
    client = _signed_in(app, user)
    response = client.post("/bodies/som/unfollow", data={"next": "/account/calendar"})
    assert response.headers["Location"] == "/account/calendar"
    elsewhere = client.post("/bodies/som/follow", data={"next": "https://evil.example/"})
    assert elsewhere.headers["Location"] == "/bodies/som"


def test_calendar_page_lists_only_what_the_person_may_still_see(app, world):
    staff = factories.secretariat_of(world["mechanism"])
    for thing in (world["body"], world["public"], world["closed"]):
        follow(staff, thing)
    db.session.commit()
    page = _text(_signed_in(app, staff).get("/account/calendar").text)
    assert "Senior Officials Meeting (NEASPEC) All its meetings" in page
    assert "SOM-1 (NEASPEC) This meeting, 2–5 September 2025, and its sessions" in page
    assert "SOM-2 closed" in page
    staff.roles.clear()  # no longer secretariat: the closed meeting is out of sight
    db.session.commit()
    page = _text(_signed_in(app, staff).get("/account/calendar").text)
    assert "SOM-1" in page and "SOM-2 closed" not in page


# The personal feed's address.


def test_new_address_is_shown_once_and_never_cached(app, world):
    user = factories.user()
    client = _signed_in(app, user)
    response = client.post("/account/calendar", data={"action": "create"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    secret = _secret_on(response.text)
    assert user_for_feed(secret) == user
    assert f'value="webcal://meetings.test/calendars/personal/{secret}.ics"' in response.text
    assert f'href="webcal://meetings.test/calendars/personal/{secret}.ics"' in response.text
    assert "Anyone who has the address can read this calendar" in _text(response.text)
    later = client.get("/account/calendar")
    assert secret not in later.text
    assert _secret_on(later.text) is None
    assert "Re-create (the old address stops working)" in later.text


def test_personal_feed_answers_at_the_new_address(app, world):
    client = _signed_in(app, factories.user())
    client.post(f"/meetings/{world['public'].id}/follow")
    secret = _secret_on(client.post("/account/calendar", data={"action": "create"}).text)
    feed = app.test_client().get(f"/calendars/personal/{secret}.ics")
    assert feed.status_code == 200
    assert feed.mimetype == "text/calendar"
    assert "SOM-1" in feed.text


def test_recreating_ends_the_old_address(app, world):
    user = factories.user()
    old = renew_feed_token(user)
    db.session.commit()
    client = _signed_in(app, user)
    new = _secret_on(client.post("/account/calendar", data={"action": "create"}).text)
    assert new != old
    assert user_for_feed(old) is None
    assert user_for_feed(new) == user


def test_stopping_the_address(app, world):
    user = factories.user()
    secret = renew_feed_token(user)
    db.session.commit()
    client = _signed_in(app, user)
    response = client.post("/account/calendar", data={"action": "stop"})
    assert response.headers["Location"] == "/account/calendar"
    assert user_for_feed(secret) is None
    assert feed_token_of(user) is None
    page = _text(client.get("/account/calendar").text)
    assert "Your calendar address is stopped" in page
    assert "Create my calendar address" in page


def test_unknown_action_changes_nothing(app, world):
    user = factories.user()
    response = _signed_in(app, user).post("/account/calendar", data={"action": "steal"})
    assert response.status_code == 200
    assert _secret_on(response.text) is None
    assert feed_token_of(user) is None


def test_address_starts_with_public_base_url(app, world):
    app.config["PUBLIC_BASE_URL"] = "https://meetings.example/"
    client = _signed_in(app, factories.user())
    page = client.post("/account/calendar", data={"action": "create"}).text
    assert 'value="https://meetings.example/calendars/personal/' in page
    assert 'value="webcal://meetings.example/calendars/personal/' in page


# Links on the pages.


def test_public_meeting_page_offers_subscribe_download_and_add_links(client, world):
    meeting_id = world["public"].id
    page = client.get(f"/meetings/{meeting_id}").text
    feed = f"meetings.test/calendars/meetings/{meeting_id}.ics"
    assert f'href="webcal://{feed}">Subscribe</a>' in page
    assert f'href="http://{feed}" download>Download .ics</a>' in page
    assert "https://calendar.google.com/calendar/render?action=TEMPLATE&amp;text=SOM-1" in page
    assert "dates=20250902/20250906" in page
    assert "startdt=2025-09-02&amp;enddt=2025-09-06&amp;allday=true" in page
    assert "Sign in to follow it in your personal calendar." in _text(page)


def test_month_precision_meeting_offers_no_day_to_add(client, world):
    meeting = factories.meeting(world["body"], number=3, title="SOM-3", start="2026-09", end="")
    page = client.get(f"/meetings/{meeting.id}").text
    assert f'href="webcal://meetings.test/calendars/meetings/{meeting.id}.ics"' in page
    assert "Add to Google Calendar" not in page and "Add to Outlook" not in page
    assert "Its dates are known only to the month: there is no day to add yet." in _text(page)


def test_restricted_meeting_page_points_to_the_personal_calendar(app, world):
    staff, closed = factories.secretariat_of(world["mechanism"]), world["closed"]
    page = _signed_in(app, staff).get(f"/meetings/{closed.id}").text
    assert "webcal://" not in page
    assert "Download .ics" not in page and "Add to Google Calendar" not in page
    assert "This meeting is not public, so it has no public calendar." in _text(page)
    assert 'href="/account/calendar">your personal calendar</a>' in page
    assert f'action="/meetings/{closed.id}/follow"' in page


def test_body_and_mechanism_pages_offer_their_feeds(client, world):
    body_page = client.get("/bodies/som").text
    assert 'href="webcal://meetings.test/calendars/bodies/som.ics">Subscribe</a>' in body_page
    assert "Add to Google Calendar" not in body_page
    mechanism_page = client.get("/mechanisms/neaspec").text
    assert 'href="webcal://meetings.test/calendars/mechanisms/neaspec.ics"' in mechanism_page
    assert "follow" not in mechanism_page.replace("Follow-up actions", "")


def test_restricted_body_page_has_no_public_feed(app, world):
    secret_body = factories.body(world["mechanism"], slug="closed", visibility="secretariat")
    staff = factories.secretariat_of(world["mechanism"])
    page = _signed_in(app, staff).get(f"/bodies/{secret_body.slug}").text
    assert "webcal://" not in page
    assert "This body is not public" in _text(page)


def test_account_page_links_to_the_calendar(app):
    page = _signed_in(app, factories.user()).get("/account").text
    assert '<a href="/account/calendar">Your calendar</a>' in page

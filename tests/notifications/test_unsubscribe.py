"""Unsubscribing by the emailed link: the page (no account needed) and RFC 8058's one click."""

from urllib.parse import urlsplit

from meetings.extensions import db
from meetings.notifications import unsubscribe
from meetings.notifications.models import Mode
from meetings.notifications.preferences import mode_for, modes_for, set_mode
from tests.notifications.conftest import pending

ADDRESS = "lin@example.org"


def _path(url: str) -> str:
    return urlsplit(url).path


def _page_path(kind_name: str, email: str = ADDRESS) -> str:
    return _path(unsubscribe.page_url(email, kind_name))


def test_status_email_carries_a_one_click_unsubscribe_that_turns_the_kind_off(
    app, smtp_server, meeting, staff_client
):
    registration = pending(meeting, ADDRESS)
    staff_client.post(f"/registrations/{registration.id}/approve")
    (message,) = smtp_server
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    one_click = message["List-Unsubscribe"].strip("<>")
    assert one_click.startswith("http://meetings.test/notifications/unsubscribe/")

    response = app.test_client().post(_path(one_click))  # the mail program's own button
    assert response.status_code == 200
    assert response.json == {"unsubscribed": ["registration_status"]}
    assert mode_for(ADDRESS, "registration_status") is Mode.OFF
    assert modes_for(ADDRESS)["meeting_reminder"] is Mode.IMMEDIATE  # only that kind

    staff_client.post(f"/registrations/{registration.id}/decline")
    assert len(smtp_server) == 1  # the decline is not emailed any more


def test_status_email_footer_links_to_the_unsubscribe_page(app, smtp_server, meeting, staff_client):
    registration = pending(meeting, ADDRESS)
    staff_client.post(f"/registrations/{registration.id}/approve")
    (message,) = smtp_server
    assert unsubscribe.page_url(ADDRESS, "registration_status") in message.get_content()


def test_opening_the_page_changes_nothing_and_its_button_does(app, client):
    with app.test_request_context():
        path = _page_path("registration_status")
    page = client.get(path)
    assert page.status_code == 200
    assert f"Email settings for {ADDRESS}" in page.text
    assert "Registration updates" in page.text and "Now: <strong>Immediately</strong>" in page.text
    assert mode_for(ADDRESS, "registration_status") is Mode.IMMEDIATE  # a mail scanner's GET

    response = client.post(path, data={"mode": "off"}, follow_redirects=True)
    assert "Done: no more registration updates will be sent to this address." in response.text
    assert "Now: <strong>Off</strong>" in response.text
    assert mode_for(ADDRESS, "registration_status") is Mode.OFF


def test_the_page_offers_the_daily_digest_too(app, client):
    with app.test_request_context():
        path = _page_path("meeting_reminder")
    response = client.post(path, data={"mode": "digest"}, follow_redirects=True)
    assert "Done: meeting reminders now come in one daily digest." in response.text
    assert mode_for(ADDRESS, "meeting_reminder") is Mode.DIGEST


def test_the_digests_link_covers_every_optional_kind(app, client):
    set_mode(ADDRESS, "meeting_reminder", Mode.DIGEST)
    db.session.commit()
    with app.test_request_context():
        path = _page_path(unsubscribe.ALL)
    assert "Meeting reminders — now: Daily digest" in client.get(path).text
    client.post(path, data={"mode": "off"})
    assert set(modes_for(ADDRESS).values()) == {Mode.OFF}


def test_an_invalid_token_is_not_found(app, client):
    with app.test_request_context():
        good = _page_path("registration_status")
    forged = good[:-3] + ("abc" if not good.endswith("abc") else "xyz")
    for path in (forged, "/notifications/unsubscribe/not-a-token"):
        assert client.get(path).status_code == 404
        assert client.post(path, data={"mode": "off"}).status_code == 404
        assert client.post(path + "/one-click").status_code == 404
    assert modes_for(ADDRESS)["registration_status"] is Mode.IMMEDIATE


def test_mandatory_and_unknown_kinds_have_no_unsubscribe(app, client):
    with app.test_request_context():
        paths = [_page_path("registration_link"), _page_path("no_such_kind")]
    for path in paths:
        assert client.get(path).status_code == 404
        assert client.post(path + "/one-click").status_code == 404


def test_one_click_needs_no_csrf_token_but_the_page_does(csrf_app):
    client = csrf_app.test_client()
    with csrf_app.test_request_context():
        path = _page_path("registration_status")
    assert client.post(path, data={"mode": "off"}).status_code == 400
    assert mode_for(ADDRESS, "registration_status") is Mode.IMMEDIATE
    assert client.post(path + "/one-click", data={"List-Unsubscribe": "One-Click"}).status_code == (
        200
    )
    assert mode_for(ADDRESS, "registration_status") is Mode.OFF

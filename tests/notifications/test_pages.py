"""One's email settings page, and a meeting's notification log as its staff read it."""

import html
import re
from datetime import UTC, datetime, timedelta
from itertools import count

import sqlalchemy as sa

from meetings.accounts.models import User
from meetings.extensions import db
from meetings.mail.models import MessageStatus, OutgoingMessage
from meetings.notifications.models import Mode, Notification, NotificationStatus
from meetings.notifications.preferences import modes_for
from tests import factories
from tests.conftest import sign_in
from tests.notifications.conftest import pending
from tests.pages import field_errors

STATUS = "mode_registration_status"
_keys = count(1)


def _text(page: str) -> str:
    """The page's words, as a reader sees them (tags dropped, spaces collapsed)."""
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))).strip()


def _row(page: str, notification_id: int) -> str:
    found = re.search(rf'<tr id="notification-{notification_id}".*?</tr>', page, re.S)
    assert found, f"notification {notification_id} is not on the page"
    return _text(found.group(0))


def _checked(page: str) -> dict[str, str]:
    """Each radio group's checked value."""
    radios = re.findall(r"<input[^>]*type=\"radio\"[^>]*>", page)
    return {
        re.search(r'name="([^"]+)"', r).group(1): re.search(r'value="([^"]+)"', r).group(1)
        for r in radios
        if "checked" in r
    }


def _notifications(meeting) -> list[Notification]:
    stmt = sa.select(Notification).where(Notification.meeting_id == meeting.id)
    return list(db.session.scalars(stmt.order_by(Notification.id)))


# One's own settings.


def test_preferences_page_asks_sign_in_first(client):
    response = client.get("/account/notifications")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/sign-in?next=/account/notifications")


def test_preferences_page_shows_each_optional_kind_with_its_current_mode(person_client, person):
    page = person_client.get("/account/notifications").text
    text = _text(page)
    assert "Registration updates" in text and "Participants" in text
    assert "Meeting reminders" in text and "Registrations awaiting approval" in text
    assert _checked(page)[STATUS] == "immediate"
    # The mandatory kinds are listed, and cannot be chosen.
    assert "Registration confirmation links" in text and "always sent" in text
    assert "mode_registration_link" not in page
    assert "Time zone for times in emails" in text


def test_preferences_are_saved_and_shown_checked(person_client, person):
    response = person_client.post(
        "/account/notifications",
        data={STATUS: "off", "mode_meeting_reminder": "digest", "timezone": " Asia/Tokyo "},
        follow_redirects=True,
    )
    assert "Your email settings are saved." in response.text
    checked = _checked(response.text)
    assert (checked[STATUS], checked["mode_meeting_reminder"]) == ("off", "digest")
    assert 'value="Asia/Tokyo"' in response.text
    modes = modes_for(person.email)
    assert (modes["registration_status"], modes["meeting_reminder"]) == (Mode.OFF, Mode.DIGEST)
    assert db.session.get(User, person.id).timezone == "Asia/Tokyo"


def test_bad_time_zone_is_a_field_error_and_nothing_is_lost(person_client, person):
    response = person_client.post(
        "/account/notifications",
        data={STATUS: "digest", "timezone": "Mars/Olympus"},
    )
    assert response.status_code == 200
    assert field_errors(response.text) == [
        "Unknown time zone 'Mars/Olympus': use an IANA name such as Asia/Bangkok."
    ]
    assert _checked(response.text)[STATUS] == "digest"  # the choice made is still there
    assert 'value="Mars/Olympus"' in response.text
    assert modes_for(person.email)["registration_status"] is Mode.IMMEDIATE  # nothing saved


def test_unknown_mode_is_a_field_error(person_client, person):
    response = person_client.post("/account/notifications", data={STATUS: "sometimes"})
    assert field_errors(response.text) == ["Not a valid choice."]
    assert modes_for(person.email)["registration_status"] is Mode.IMMEDIATE


def test_empty_time_zone_clears_it(person_client, person):
    person.timezone = "Asia/Tokyo"
    db.session.commit()
    person_client.post("/account/notifications", data={"timezone": ""})
    assert db.session.get(User, person.id).timezone is None


def test_preferences_form_needs_its_csrf_token(csrf_app):
    user = factories.user(email="kim@example.org")
    client = csrf_app.test_client()
    sign_in(client, user)
    response = client.post("/account/notifications", data={STATUS: "off"})
    assert response.status_code == 400
    assert "security token is missing or has expired, so nothing was saved" in _text(response.text)
    assert modes_for(user.email)["registration_status"] is Mode.IMMEDIATE


def test_account_page_links_to_the_preferences(person_client):
    assert 'href="/account/notifications"' in person_client.get("/account").text


# What people notice when they choose.


def test_turned_off_updates_are_not_sent_and_the_log_says_why(
    smtp_server, meeting, person, person_client, staff_client
):
    person_client.post("/account/notifications", data={STATUS: "off"})
    registration = pending(meeting, person.email, person)
    response = staff_client.post(f"/registrations/{registration.id}/approve")
    assert response.status_code == 302
    assert smtp_server == []
    (notification,) = _notifications(meeting)
    page = staff_client.get(f"/meetings/{meeting.id}/notifications").text
    row = _row(page, notification.id)
    assert "Registration updates" in row and person.email in row
    assert "Not sent" in row and "Turned off by the recipient." in row


def test_digest_choice_sends_nothing_at_once(
    smtp_server, meeting, person, person_client, staff_client
):
    person_client.post("/account/notifications", data={STATUS: "digest"})
    registration = pending(meeting, person.email, person)
    staff_client.post(f"/registrations/{registration.id}/approve")
    assert smtp_server == []
    (notification,) = _notifications(meeting)
    page = staff_client.get(f"/meetings/{meeting.id}/notifications?status=digest").text
    assert "Waiting for the daily digest" in _row(page, notification.id)


def test_by_default_the_update_is_sent_and_logged_as_sent(smtp_server, meeting, staff_client):
    registration = pending(meeting, "lin@example.org")
    staff_client.post(f"/registrations/{registration.id}/approve")
    assert [m["To"] for m in smtp_server] == ["lin@example.org"]
    (notification,) = _notifications(meeting)
    page = staff_client.get(f"/meetings/{meeting.id}/notifications").text
    row = _row(page, notification.id)
    assert "Sent" in row and " UTC" in row
    assert "Sent: 1" in _text(page)


# Failed emails, and sending them again.


def test_refused_email_is_logged_with_the_servers_reason_and_sent_again(
    picky_smtp_server, meeting, staff_client
):
    picky_smtp_server.refused.add("gone@example.org")
    registration = pending(meeting, "gone@example.org")
    staff_client.post(f"/registrations/{registration.id}/approve")
    assert picky_smtp_server.messages == []
    (notification,) = _notifications(meeting)
    log = f"/meetings/{meeting.id}/notifications"
    page = staff_client.get(log + "?status=failed").text
    row = _row(page, notification.id)
    assert "Failed" in row and "550 no such user" in row
    assert "Send again" in row
    assert "Failed: 1" in _text(page)

    picky_smtp_server.refused.clear()  # the address is fixed on the server's side
    retry = f"{log}/{notification.id}/retry"
    response = staff_client.post(retry, follow_redirects=True)
    assert "The email to gone@example.org is on its way again." in response.text
    assert [m["To"] for m in picky_smtp_server.messages] == ["gone@example.org"]
    assert "Sent" in _row(response.text, notification.id)
    assert "Send again" not in _row(response.text, notification.id)

    again = staff_client.post(retry, follow_redirects=True)
    nothing = "Nothing sent to gone@example.org. Its email has not failed: there is nothing to"
    assert nothing in again.text
    assert len(picky_smtp_server.messages) == 1


def test_retry_keeps_the_filter_the_log_had(picky_smtp_server, meeting, staff_client):
    picky_smtp_server.refused.add("gone@example.org")
    registration = pending(meeting, "gone@example.org")
    staff_client.post(f"/registrations/{registration.id}/approve")
    (notification,) = _notifications(meeting)
    log = f"/meetings/{meeting.id}/notifications"
    response = staff_client.post(
        f"{log}/{notification.id}/retry", data={"next": f"{log}?status=failed"}
    )
    assert response.headers["Location"].endswith(f"{log}?status=failed")
    response = staff_client.post(
        f"{log}/{notification.id}/retry", data={"next": "https://elsewhere.example/"}
    )
    assert response.headers["Location"].endswith(log)


def test_nothing_to_retry_is_refused_politely(meeting, staff_client):
    n = _add(meeting, NotificationStatus.SKIPPED, reason="Turned off by the recipient.")
    response = staff_client.post(
        f"/meetings/{meeting.id}/notifications/{n.id}/retry", follow_redirects=True
    )
    assert response.status_code == 200
    assert "This notification has no email to send again." in response.text


def test_secret_carrying_failed_email_cannot_be_sent_again(meeting, staff_client):
    message = _message(MessageStatus.FAILED, last_error="550 no such user", raw=None)
    n = _add(meeting, NotificationStatus.QUEUED, message=message)
    log = f"/meetings/{meeting.id}/notifications"
    row = _row(staff_client.get(log).text, n.id)
    assert "Its copy is not kept" in row and "Send again" not in row
    response = staff_client.post(f"{log}/{n.id}/retry", follow_redirects=True)
    assert "Its email carried a secret link, so no copy is kept" in response.text


def test_retry_of_another_meetings_notification_is_not_found(meeting, staff_client):
    other = factories.meeting(meeting.body)
    n = _add(other, NotificationStatus.QUEUED, message=_message(MessageStatus.FAILED))
    response = staff_client.post(f"/meetings/{meeting.id}/notifications/{n.id}/retry")
    assert response.status_code == 404
    assert staff_client.post(f"/meetings/{meeting.id}/notifications/999999/retry").status_code == (
        404
    )


def test_retry_needs_its_csrf_token(csrf_app):
    meeting = factories.meeting()
    n = _add(meeting, NotificationStatus.QUEUED, message=_message(MessageStatus.FAILED))
    client = csrf_app.test_client()
    sign_in(client, factories.secretariat_of(meeting.body.mechanism))
    response = client.post(f"/meetings/{meeting.id}/notifications/{n.id}/retry")
    assert response.status_code == 400
    assert db.session.get(OutgoingMessage, n.message_db_id).status is MessageStatus.FAILED


# The log itself.


def _message(status: MessageStatus, **fields) -> OutgoingMessage:
    values = {
        "kind": "registration_status",
        "recipient": "someone@example.org",
        "subject": "Registration confirmed",
        "message_id": "<x@example.org>",
        "raw": b"Subject: x\r\n\r\nText.\r\n",
        "status": status,
        **fields,
    }
    message = OutgoingMessage(**values)
    db.session.add(message)
    db.session.flush()
    return message


def _add(meeting, status: NotificationStatus, message=None, **fields) -> Notification:
    n = Notification(
        key=fields.pop("key", f"test:{next(_keys)}"),
        kind=fields.pop("kind", "registration_status"),
        recipient=fields.pop("recipient", "someone@example.org"),
        meeting_id=meeting.id,
        status=status,
        message_db_id=message.id if message else None,
        **fields,
    )
    db.session.add(n)
    db.session.commit()
    return n


def test_log_counts_each_outcome(meeting, staff_client):
    _add(meeting, NotificationStatus.PLANNED, key="a")
    _add(meeting, NotificationStatus.DIGEST, key="b")
    _add(meeting, NotificationStatus.SKIPPED, key="c")
    _add(meeting, NotificationStatus.CANCELLED, key="d")
    _add(meeting, NotificationStatus.FAILED, key="e", reason="The person has no email address.")
    _add(meeting, NotificationStatus.QUEUED, _message(MessageStatus.SENT), key="f")
    _add(meeting, NotificationStatus.QUEUED, _message(MessageStatus.FAILED), key="g")
    _add(meeting, NotificationStatus.QUEUED, _message(MessageStatus.QUEUED, attempts=2), key="h")
    _add(meeting, NotificationStatus.DIGESTED, _message(MessageStatus.SENT), key="i")
    text = _text(staff_client.get(f"/meetings/{meeting.id}/notifications").text)
    counts = (
        "All: 9 Planned: 1 Sent: 2 Waiting to be sent: 1 Failed: 2 Not sent or cancelled: 2 "
        "Waiting for the daily digest: 1"
    )
    assert counts in text
    failed = staff_client.get(f"/meetings/{meeting.id}/notifications?status=failed").text
    assert "2 notifications: failed" in _text(failed)
    assert "The person has no email address." in _text(failed)
    waiting = staff_client.get(f"/meetings/{meeting.id}/notifications?status=waiting").text
    assert "2 attempts so far." in _text(waiting)


def test_log_shows_due_times_in_utc_and_at_the_venue(meeting, staff_client):
    due = datetime(2026, 8, 19, 1, 0, tzinfo=UTC)
    n = _add(meeting, NotificationStatus.PLANNED, due_at=due, kind="meeting_reminder")
    row = _row(staff_client.get(f"/meetings/{meeting.id}/notifications").text, n.id)
    # Langkawi (Asia/Kuala_Lumpur) is UTC+8.
    assert "Meeting reminders" in row
    assert "2026-08-19 01:00" in row and "2026-08-19 09:00 (UTC+8)" in row


def test_log_pages_fifty_at_a_time_latest_due_first(meeting, staff_client):
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for i in range(51):
        db.session.add(
            Notification(
                key=f"many:{i}",
                kind="registration_status",
                recipient=f"p{i}@example.org",
                meeting_id=meeting.id,
                status=NotificationStatus.PLANNED,
                due_at=start + timedelta(hours=i),
            )
        )
    db.session.commit()
    log = f"/meetings/{meeting.id}/notifications"
    first = staff_client.get(log).text
    order = re.findall(r"<td>(p\d+@example\.org)</td>", first)
    assert (len(order), order[0], order[-1]) == (50, "p50@example.org", "p1@example.org")
    assert "Page 1 of 2" in first
    second = staff_client.get(log + "?page=2").text
    assert re.findall(r"<td>(p\d+@example\.org)</td>", second) == ["p0@example.org"]


def test_unknown_status_filter_is_a_clear_400(meeting, staff_client):
    response = staff_client.get(f"/meetings/{meeting.id}/notifications?status=lost")
    assert response.status_code == 400
    assert "Unknown status &#39;lost&#39;: choose one of planned, sent, waiting" in response.text


def test_log_is_for_the_meetings_staff(meeting, app):
    client = app.test_client()
    sign_in(client, factories.delegate_of(meeting.body.mechanism))
    assert client.get(f"/meetings/{meeting.id}/notifications").status_code == 403
    other = factories.secretariat_of(factories.mechanism())
    sign_in(client, other)
    assert client.get(f"/meetings/{meeting.id}/notifications").status_code == 403
    assert client.get("/meetings/999999/notifications").status_code == 404


def test_registrations_page_links_to_the_log(meeting, staff_client):
    page = staff_client.get(f"/meetings/{meeting.id}/registrations").text
    assert f'href="/meetings/{meeting.id}/notifications"' in page

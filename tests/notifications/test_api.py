"""The notifications API: a meeting's log for its staff, one's own email settings."""

from datetime import UTC, datetime, timedelta

import pytest

from meetings.accounts.models import User
from meetings.extensions import db
from meetings.mail.models import MessageStatus, OutgoingMessage
from meetings.notifications.models import Mode, Notification, NotificationStatus
from meetings.notifications.preferences import modes_for
from tests import factories
from tests.api.test_write_api import bearer

DUE = datetime(2026, 8, 19, 1, 0, tzinfo=UTC)


@pytest.fixture
def log(meeting):
    """A sent, a failed and a planned notification of the meeting, the failed one due last."""
    sent = OutgoingMessage(
        kind="registration_status",
        recipient="a@example.org",
        subject="Registration confirmed",
        message_id="<a@example.org>",
        status=MessageStatus.SENT,
        attempts=1,
        sent_at=DUE,
    )
    failed = OutgoingMessage(
        kind="registration_status",
        recipient="b@example.org",
        subject="Registration confirmed",
        message_id="<b@example.org>",
        raw=b"Subject: x\r\n\r\nText.\r\n",
        status=MessageStatus.FAILED,
        attempts=1,
        last_error="550 no such user",
    )
    db.session.add_all([sent, failed])
    db.session.flush()
    rows = {
        "sent": Notification(
            key="sent", kind="registration_status", recipient="a@example.org", due_at=DUE,
            status=NotificationStatus.QUEUED, message_db_id=sent.id, meeting_id=meeting.id,
        ),
        "failed": Notification(
            key="failed", kind="registration_status", recipient="b@example.org",
            due_at=DUE + timedelta(hours=1), status=NotificationStatus.QUEUED,
            message_db_id=failed.id, meeting_id=meeting.id,
        ),
        "planned": Notification(
            key="planned", kind="meeting_reminder", recipient="c@example.org",
            due_at=DUE - timedelta(days=1), status=NotificationStatus.PLANNED,
            meeting_id=meeting.id,
        ),
    }  # fmt: skip
    db.session.add_all(rows.values())
    db.session.commit()
    return rows


@pytest.fixture
def staff(meeting):
    return bearer(factories.secretariat_of(meeting.body.mechanism))


def test_staff_list_a_meetings_notifications_latest_due_first(client, meeting, log, staff):
    response = client.get(f"/api/v1/meetings/{meeting.id}/notifications", headers=staff)
    assert response.status_code == 200
    body = response.json
    assert [i["id"] for i in body["items"]] == [log[k].id for k in ("failed", "sent", "planned")]
    assert body["counts"] == {
        "planned": 1, "sent": 1, "waiting": 0, "failed": 1, "skipped": 0, "digest": 0,
    }  # fmt: skip
    assert (body["total"], body["timezone"]) == (3, "Asia/Kuala_Lumpur")
    failed = body["items"][0]
    assert failed["kind"] == "registration_status"
    assert failed["kind_label"] == "Registration updates"
    assert failed["recipient"] == "b@example.org"
    assert (failed["status"], failed["outcome"]) == ("queued", "failed")
    assert failed["detail"] == "550 no such user"
    assert failed["can_retry"] is True
    assert failed["message"] == {
        "status": "failed", "attempts": 1, "sent_at": None, "last_error": "550 no such user",
    }  # fmt: skip
    assert failed["due_at"] == "2026-08-19T02:00:00+00:00"
    assert failed["due_at_venue"] == "2026-08-19T10:00:00+08:00"
    sent = body["items"][1]
    assert (sent["outcome"], sent["message"]["sent_at"]) == ("sent", "2026-08-19T01:00:00+00:00")
    assert body["items"][2]["message"] is None


def test_the_list_filters_by_outcome_and_pages(client, meeting, log, staff):
    url = f"/api/v1/meetings/{meeting.id}/notifications"
    failed = client.get(url + "?status=failed", headers=staff).json
    assert ([i["id"] for i in failed["items"]], failed["total"]) == ([log["failed"].id], 1)
    first = client.get(url + "?page_size=2", headers=staff).json
    assert (len(first["items"]), first["previous"]) == (2, None)
    assert first["next"].endswith("page_size=2&page=2")
    second = client.get(url + "?page_size=2&page=2", headers=staff).json
    assert [i["id"] for i in second["items"]] == [log["planned"].id]


def test_unknown_status_is_a_422_naming_it(client, meeting, staff):
    url = f"/api/v1/meetings/{meeting.id}/notifications?status=lost"
    response = client.get(url, headers=staff)
    assert response.status_code == 422
    assert response.json["errors"]["query"] == {
        "status": [
            "Unknown status 'lost': use one of planned, sent, waiting, failed, skipped, digest."
        ]
    }


def test_only_the_meetings_staff_read_its_notifications(client, meeting, log):
    url = f"/api/v1/meetings/{meeting.id}/notifications"
    assert client.get(url).status_code == 401
    delegate = bearer(factories.delegate_of(meeting.body.mechanism))
    assert client.get(url, headers=delegate).status_code == 403
    other = bearer(factories.secretariat_of(factories.mechanism()))
    assert client.get(url, headers=other).status_code == 403
    manager = bearer(factories.manager_of(meeting.body))
    assert client.get(url, headers=manager).status_code == 200
    assert client.get("/api/v1/meetings/999999/notifications", headers=manager).status_code == 404


# One's own settings.


@pytest.fixture
def person(app):
    return factories.user(email="aiko@example.org")


def test_preferences_start_from_the_defaults(client, person):
    response = client.get("/api/v1/me/notification-preferences", headers=bearer(person))
    assert response.status_code == 200
    assert response.json["timezone"] is None
    assert response.json["preferences"]["registration_status"] == "immediate"
    assert "registration_link" not in response.json["preferences"]  # mandatory: always sent


def test_put_sets_what_is_given_and_keeps_the_rest(client, person):
    url, token = "/api/v1/me/notification-preferences", bearer(person)
    response = client.put(
        url,
        json={"timezone": "Asia/Tokyo", "preferences": {"meeting_reminder": "digest"}},
        headers=token,
    )
    assert response.status_code == 200
    assert response.json["timezone"] == "Asia/Tokyo"
    assert response.json["preferences"]["meeting_reminder"] == "digest"
    client.put(url, json={"preferences": {"registration_status": "off"}}, headers=token)
    modes = modes_for(person.email)
    assert (modes["meeting_reminder"], modes["registration_status"]) == (Mode.DIGEST, Mode.OFF)
    assert db.session.get(User, person.id).timezone == "Asia/Tokyo"
    assert client.put(url, json={"timezone": None}, headers=token).json["timezone"] is None


@pytest.mark.parametrize(
    ("sent", "errors"),
    [
        (
            {"preferences": {"meeting_reminder": "weekly"}},
            {
                "preferences": {
                    "meeting_reminder": [
                        "Unknown mode 'weekly': use one of immediate, digest, off."
                    ]
                }
            },
        ),
        (
            {"preferences": {"registration_link": "off"}},
            {
                "preferences": {
                    "registration_link": [
                        "Registration confirmation links are always sent: they cannot be changed."
                    ]
                }
            },
        ),
        (
            {"timezone": "Mars/Olympus"},
            {
                "timezone": [
                    "Unknown time zone 'Mars/Olympus': use an IANA name such as Asia/Bangkok."
                ]
            },
        ),
        ({"colour": "blue"}, {"colour": ["Unknown field."]}),
    ],
)
def test_bad_preferences_are_a_422_naming_the_field(client, person, sent, errors):
    url = "/api/v1/me/notification-preferences"
    response = client.put(url, json=sent, headers=bearer(person))
    assert response.status_code == 422
    assert response.json["errors"]["json"] == errors
    assert modes_for(person.email) == modes_for("nobody@example.org")  # nothing saved


def test_unknown_kind_is_a_422_listing_the_kinds_one_may_choose(client, person):
    sent = {"preferences": {"no_such_kind": "off", "meeting_reminder": "off"}}
    url = "/api/v1/me/notification-preferences"
    response = client.put(url, json=sent, headers=bearer(person))
    assert response.status_code == 422
    (message,) = response.json["errors"]["json"]["preferences"]["no_such_kind"]
    assert message.startswith("Unknown kind 'no_such_kind': use one of ")
    assert "meeting_reminder" in message and "registration_link" not in message
    assert modes_for(person.email)["meeting_reminder"] is Mode.IMMEDIATE  # nothing saved


def test_preferences_need_a_token_and_writes_a_read_write_one(client, person):
    url = "/api/v1/me/notification-preferences"
    assert client.get(url).status_code == 401
    assert client.put(url, json={}).status_code == 401
    reader = bearer(person, "read")
    assert client.get(url, headers=reader).status_code == 200
    sent = {"preferences": {"meeting_reminder": "off"}}
    assert client.put(url, json=sent, headers=reader).status_code == 403
    assert modes_for(person.email)["meeting_reminder"] is Mode.IMMEDIATE


def test_openapi_documents_the_notification_calls(client):
    spec = client.get("/api/v1/openapi.json").json
    paths = spec["paths"]
    assert set(paths["/api/v1/meetings/{meeting_id}/notifications"]) >= {"get"}
    assert set(paths["/api/v1/me/notification-preferences"]) >= {"get", "put"}
    params = {
        p["name"] for p in paths["/api/v1/meetings/{meeting_id}/notifications"]["get"]["parameters"]
    }
    assert params >= {"status", "page", "page_size"}
    assert paths["/api/v1/me/notification-preferences"]["put"]["security"] == [{"bearerAuth": []}]

"""Pages and API lists run a fixed number of SQL statements however much data there is."""

from contextlib import contextmanager
from datetime import date, time

import sqlalchemy as sa

from meetings.extensions import db
from meetings.mail.models import MessageStatus, OutgoingMessage
from meetings.mechanisms.services import save_programme_area
from meetings.notifications.models import Notification, NotificationStatus
from tests import factories
from tests.conftest import sign_in


@contextmanager
def count_queries():
    statements: list[str] = []

    def record(conn, cursor, statement, *args):
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "PRAGMA")):
            statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)


def _grow(mechanisms: int, meetings_per_body: int):
    for _ in range(mechanisms):
        mech = factories.mechanism()
        pillar = save_programme_area(mech, code="1", name="Climate", sdg_goals=[13])
        save_programme_area(mech, code="1-1", name="Transparency", parent_id=pillar.id)
        for _ in range(2):
            body = factories.body(mech)
            for n in range(meetings_per_body):
                factories.meeting(
                    body, number=n + 1, start=f"20{10 + n}", end="", title=f"Meeting {n}"
                )
            timed = factories.meeting(body, title="Timed", start="2026-09-02")
            factories.session(timed, start_time=time(9), end_time=time(10))


PAGES = [
    "/",
    "/meetings/",
    "/mechanisms/",
    "/api/v1/meetings",
    "/api/v1/mechanisms",
    "/api/v1/bodies",
]


def _counts(client, urls):
    result = {}
    for url in urls:
        with count_queries() as statements:
            assert client.get(url).status_code == 200, url
        result[url] = len(statements)
    return result


def test_list_pages_query_count_does_not_grow(client):
    _grow(1, 2)
    small = _counts(client, PAGES)
    _grow(3, 4)
    assert _counts(client, PAGES) == small


def test_detail_pages_query_count_does_not_grow(client):
    mech = factories.mechanism()
    body = factories.body(mech)
    meeting = factories.meeting(body)
    factories.session(meeting)
    urls = [
        f"/mechanisms/{mech.slug}",
        f"/bodies/{body.slug}",
        f"/meetings/{meeting.id}",
        f"/api/v1/meetings/{meeting.id}",
        f"/api/v1/mechanisms/{mech.id}",
    ]
    small = _counts(client, urls)
    for day in (3, 4, 5):
        for hour in (9, 11, 14):
            factories.session(
                meeting, day=date(2026, 9, day), start_time=time(hour), end_time=time(hour + 1)
            )
    for n in range(5):
        factories.meeting(body, title=f"Other {n}", start=f"20{10 + n}", end="")
    assert _counts(client, urls) == small


def test_signed_in_staff_pages_query_count_does_not_grow(client):
    """A secretariat officer's pages (roles loaded once per request) stay constant too."""
    mech = factories.mechanism()
    body = factories.body(mech)
    meeting = factories.meeting(body)
    sign_in(client, factories.secretariat_of(mech))
    urls = [*PAGES, f"/bodies/{body.slug}", f"/meetings/{meeting.id}", f"/mechanisms/{mech.slug}"]
    small = _counts(client, urls)
    _grow(2, 3)
    for n in range(4):
        factories.session(meeting, title=f"Closed {n}", visibility="secretariat")
        factories.meeting(
            body, title=f"Restricted {n}", start=f"20{10 + n}", end="", visibility="members"
        )
    assert _counts(client, urls) == small


def _notifications(meeting, start: int, stop: int) -> None:
    """Notifications of every outcome; the written ones with their email."""
    statuses = [NotificationStatus.PLANNED, NotificationStatus.SKIPPED, NotificationStatus.DIGEST]
    for i in range(start, stop):
        message = None
        if i % 2:
            message = OutgoingMessage(
                kind="registration_status",
                recipient=f"p{i}@example.org",
                subject="Registration confirmed",
                message_id=f"<{i}@example.org>",
                status=[MessageStatus.SENT, MessageStatus.FAILED, MessageStatus.QUEUED][i % 3],
                raw=b"Subject: x\r\n\r\nText.\r\n",
            )
            db.session.add(message)
            db.session.flush()
        db.session.add(
            Notification(
                key=f"count:{i}",
                kind="registration_status",
                recipient=f"p{i}@example.org",
                meeting_id=meeting.id,
                status=NotificationStatus.QUEUED if message else statuses[i % 3],
                message_db_id=message.id if message else None,
            )
        )
    db.session.commit()


def test_notification_pages_query_count_does_not_grow(client):
    """A meeting's notification log, its API list, one's email settings."""
    mech = factories.mechanism()
    meeting = factories.meeting(factories.body(mech))
    sign_in(client, factories.secretariat_of(mech))
    log = f"/meetings/{meeting.id}/notifications"
    urls = [
        log,
        f"{log}?status=failed",
        f"{log}?page=2",
        f"/api/v1{log}",
        "/api/v1/me/notification-preferences",
        "/account/notifications",
    ]
    _notifications(meeting, 0, 6)
    small = _counts(client, urls)
    _notifications(meeting, 6, 120)
    assert _counts(client, urls) == small

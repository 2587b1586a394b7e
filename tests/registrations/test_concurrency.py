"""Seats under real concurrency: simultaneous API requests against a threaded HTTP server.

The issue's guarantee: 200 simultaneous registrations for a meeting with 100 seats give
exactly 100 seats and 100 places on the waiting list, on SQLite and PostgreSQL alike; and a
delegation's quota holds the same way.
"""

import json
import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http.client import HTTPConnection

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade
from werkzeug.serving import make_server

from meetings import create_app
from meetings.accounts.services import create_user
from meetings.accounts.tokens import create_token
from meetings.extensions import db as _db
from meetings.registrations.models import Registration
from tests import factories
from tests.conftest import _empty_tables, _migrated, backends
from tests.registrations.test_api import open_registration

WORKERS = 32
HOST = "meetings.test"


@pytest.fixture(params=backends())
def server_port(request, database_urls) -> Iterator[int]:
    """The app on a real threaded HTTP server on 127.0.0.1; yields its port."""
    url = database_urls[request.param]
    engine = {"pool_pre_ping": True}
    if request.param == "sqlite":
        # Writers queue for SQLite's one write lock; give the queue of 200 time to drain.
        engine["connect_args"] = {"timeout": 30}
    else:
        engine.update(pool_size=WORKERS, max_overflow=0)
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": url,
            "SQLALCHEMY_ENGINE_OPTIONS": engine,
            "SECRET_KEY": "test-secret",
            "SERVER_NAME": HOST,
        }
    )
    with app.app_context():
        if url not in _migrated:
            upgrade()
            _migrated.add(url)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield server.server_port
        finally:
            server.shutdown()
            thread.join(timeout=10)
            server.server_close()
            _db.session.rollback()
            _empty_tables()
            _db.session.remove()
            _db.engine.dispose()


def _opened(**settings):
    meeting = factories.meeting(factories.body(factories.mechanism(member_states="CN JP KR")))
    return open_registration(meeting, open_to_public=True, **settings)


def _secrets(users) -> list[str]:
    secrets = [create_token(user, "load", "read_write")[1] for user in users]
    _db.session.commit()
    return secrets


def _post(port: int, path: str, secret: str, body: dict) -> int:
    connection = HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        headers = {
            "Host": HOST,
            "Authorization": f"Bearer {secret}",
            "Content-Type": "application/json",
        }
        connection.request("POST", path, body=json.dumps(body), headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def _all_at_once(port: int, path: str, calls: list[tuple[str, dict]]) -> Counter:
    """Send the calls from up to WORKERS threads, released together; count the statuses."""
    start = threading.Barrier(min(WORKERS, len(calls)))
    local = threading.local()

    def send(call: tuple[str, dict]) -> int:
        if not getattr(local, "started", False):
            local.started = True
            start.wait(timeout=30)
        return _post(port, path, *call)

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        return Counter(pool.map(send, calls))


def _statuses(meeting_id: int) -> Counter:
    _db.session.expire_all()
    stmt = sa.select(Registration.status).where(Registration.meeting_id == meeting_id)
    return Counter(status.value for status in _db.session.scalars(stmt))


def test_200_people_registering_at_once_fill_100_seats_and_wait_for_the_rest(server_port):
    meeting = _opened(capacity=100)
    users = [create_user(f"person{n}@example.org") for n in range(200)]
    calls = [(secret, {"name": "Someone", "category": "observer"}) for secret in _secrets(users)]
    answers = _all_at_once(server_port, f"/api/v1/meetings/{meeting.id}/registrations", calls)
    assert answers == Counter({201: 200})
    assert _statuses(meeting.id) == Counter({"pending": 100, "waitlisted": 100})


def test_20_nominations_at_once_for_a_quota_of_4_take_4_seats(server_port):
    meeting = _opened(delegation_quota=4)
    (secret,) = _secrets([factories.nfp_of(meeting.body.mechanism, "JP")])
    calls = [(secret, {"name": f"Delegate {n}", "email": f"d{n}@jp.example"}) for n in range(20)]
    answers = _all_at_once(server_port, f"/api/v1/meetings/{meeting.id}/registrations", calls)
    assert answers == Counter({201: 4, 422: 16})
    assert _statuses(meeting.id) == Counter({"pending": 4})

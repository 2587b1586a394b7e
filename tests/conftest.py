"""Fixtures: an app on SQLite always, and on PostgreSQL when TEST_DATABASE_URL is set; a real
SMTP server on loopback (smtp_server); cheap password hashing and a temporary mail outbox.

Each backend's database is built once per run by the Alembic migrations (not create_all),
and emptied after every test. Under CI, a missing TEST_DATABASE_URL is an error, not a skip.
"""

import email
import email.policy
import os
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from argon2 import PasswordHasher
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy.engine import make_url

from meetings import create_app
from meetings.accounts import passwords
from meetings.extensions import db as _db

PG_URL = os.environ.get("TEST_DATABASE_URL", "")


def pytest_configure(config):
    if os.environ.get("CI") and not PG_URL:
        raise pytest.UsageError("CI must set TEST_DATABASE_URL: PostgreSQL tests may not skip.")


def backends() -> list[str]:
    return ["sqlite", "postgresql"] if PG_URL else ["sqlite"]


def _psycopg(url: str) -> sa.URL:
    parsed = make_url(url)
    return parsed.set(drivername="postgresql+psycopg")


@contextmanager
def new_pg_database(prefix: str) -> Iterator[str]:
    """A new, empty database on TEST_DATABASE_URL's server (its name), dropped afterwards."""
    admin = sa.create_engine(_psycopg(PG_URL), isolation_level="AUTOCOMMIT")
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield name
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def database_urls(tmp_path_factory) -> Iterator[dict[str, str]]:
    """One empty database per backend for the whole run; PostgreSQL's is dropped at the end."""
    urls = {"sqlite": f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"}
    if not PG_URL:
        yield urls
        return
    with new_pg_database("meetings_test") as name:
        pg = _psycopg(PG_URL).set(database=name)
        yield {**urls, "postgresql": pg.render_as_string(hide_password=False)}


def make_app(url: str, tmp_path) -> Flask:
    return create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "test-secret",
            "WTF_CSRF_ENABLED": False,
            "SERVER_NAME": "meetings.test",
            # Tasks run in the test's process, right where they are handed over; the
            # integration tests (tests/workers) run real workers on real brokers instead.
            "CELERY_TASK_ALWAYS_EAGER": True,
            "CELERY_BROKER_URL": "memory://",
            "DOCUMENT_STORAGE_PATH": str(tmp_path / "documents"),
        }
    )


_migrated: set[str] = set()


@pytest.fixture(params=backends())
def app(request, database_urls, tmp_path) -> Iterator[Flask]:
    url = database_urls[request.param]
    application = make_app(url, tmp_path)
    with application.app_context():
        if url not in _migrated:
            upgrade()
            _migrated.add(url)
        yield application
        _db.session.rollback()
        _empty_tables()
        _db.session.remove()
        _db.engine.dispose()


def _empty_tables() -> None:
    with _db.engine.begin() as conn:
        for table in reversed(_db.metadata.sorted_tables):
            conn.execute(table.delete())


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def client(app):
    """The anonymous public."""
    return app.test_client()


@pytest.fixture
def feeds_rendered_each_time(app):
    """Keep no rendered feed (calendars/rendered.py): to count what rendering one reads."""
    app.config["FEED_CACHE_MB"] = 0
    app.extensions.pop("rendered_feeds", None)


def sign_in(client, user) -> None:
    """Make the test client's session that of a signed-in user (as the sign-in page does)."""
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True


@pytest.fixture
def admin_client(app):
    """A site administrator's browser: may see and change everything."""
    from tests import factories

    client = app.test_client()
    sign_in(client, factories.admin(email="admin@example.org"))
    return client


@pytest.fixture
def csrf_app(database_urls, tmp_path) -> Iterator[Flask]:
    """An app with CSRF protection on, as in production (SQLite)."""
    application = make_app(database_urls["sqlite"], tmp_path)
    application.config["WTF_CSRF_ENABLED"] = True
    with application.app_context():
        if database_urls["sqlite"] not in _migrated:
            upgrade()
            _migrated.add(database_urls["sqlite"])
        yield application
        _empty_tables()
        _db.session.remove()


@pytest.fixture(autouse=True)
def _outbox_in_tmp(monkeypatch, tmp_path):
    """Without an SMTP server, mail goes to a temporary outbox, not the project's instance/."""
    monkeypatch.setenv("MAIL_OUTBOX", str(tmp_path / "outbox"))


@pytest.fixture(autouse=True)
def _cheap_hashing(monkeypatch):
    """argon2id with tiny costs: the same code paths, a hundred times faster."""
    hasher = PasswordHasher(time_cost=1, memory_cost=256, parallelism=1)
    monkeypatch.setattr(passwords, "_hasher", hasher)
    monkeypatch.setattr(passwords, "_DUMMY_HASH", hasher.hash("not a password of anyone"))


class _Collector:
    """An aiosmtpd handler keeping each message it accepts."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        raw = envelope.original_content or envelope.content
        # SMTP carries CRLF line ends; tests read the text as a mail program shows it.
        raw = raw.replace(b"\r\n", b"\n")
        self.messages.append(email.message_from_bytes(raw, policy=email.policy.default))
        return "250 Message accepted"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(app):
    """An SMTP server on 127.0.0.1 that the app sends to; yields the messages it receives."""
    handler = _Collector()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port, MAIL_USE_TLS=False)
    try:
        yield handler.messages
    finally:
        controller.stop()

"""Fixtures for the tests with real Celery workers on real brokers (marker `broker`).

TEST_BROKER_URL (Redis, e.g. redis://127.0.0.1:6379/15, a database these tests empty) is
needed, TEST_AMQP_URL (RabbitMQ) is optional. Under CI a missing TEST_BROKER_URL is an error,
not a skip. The database is the run's PostgreSQL database when TEST_DATABASE_URL is set (the
one of tests/conftest.py's `database_urls`), else a SQLite file of these tests' own.
"""

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from flask import Flask
from flask_migrate import upgrade

from meetings.extensions import db
from tests.conftest import PG_URL, _empty_tables, _migrated
from tests.workers.support import (
    RESULTS,
    Mailbox,
    Worker,
    close_app,
    empty_broker,
    site_app,
    worker_env,
)

BROKER_URL = os.environ.get("TEST_BROKER_URL", "")
AMQP_URL = os.environ.get("TEST_AMQP_URL", "")
# PostgreSQL first: the backend of most tests when it is there (the SKIP LOCKED path).
BACKENDS = ["postgresql", "sqlite"] if PG_URL else ["sqlite"]


def pytest_configure(config):
    if os.environ.get("CI") and not BROKER_URL:
        raise pytest.UsageError(
            "CI must set TEST_BROKER_URL (Redis): the real-worker tests may not skip."
        )


def pytest_terminal_summary(terminalreporter):
    if RESULTS:
        terminalreporter.section("real Celery workers")
        for line in RESULTS:
            terminalreporter.write_line(line)


@pytest.fixture
def broker(request) -> Iterator[str]:
    """The broker's URL (Redis unless parametrized "amqp"), emptied before and after."""
    name = getattr(request, "param", "redis")
    url = {"redis": BROKER_URL, "amqp": AMQP_URL}[name]
    if not url:
        variable = {"redis": "TEST_BROKER_URL", "amqp": "TEST_AMQP_URL"}[name]
        pytest.skip(f"{variable} is not set: no {name} broker to run a real worker on")
    empty_broker(url)
    yield url
    empty_broker(url)


@pytest.fixture(scope="session")
def worker_database_urls(database_urls, tmp_path_factory) -> dict[str, str]:
    """The run's PostgreSQL database; a SQLite file of our own (workers open it too)."""
    urls = {"sqlite": f"sqlite:///{tmp_path_factory.mktemp('workers') / 'workers.sqlite3'}"}
    if "postgresql" in database_urls:
        urls["postgresql"] = database_urls["postgresql"]
    return urls


@pytest.fixture
def backend(request) -> str:
    return getattr(request, "param", BACKENDS[0])


@dataclass
class Site:
    app: Flask
    backend: str
    database_url: str
    broker_url: str


@pytest.fixture
def site(backend, worker_database_urls, broker) -> Iterator[Site]:
    """The web app on the test database, handing work to `broker`; its context is pushed.

    Emptied after the test (the PostgreSQL database is the whole run's)."""
    if not BROKER_URL:
        pytest.skip("TEST_BROKER_URL is not set: no broker to run a real worker on")
    url = worker_database_urls[backend]
    app = site_app(url, broker)
    try:
        with app.app_context():
            if url not in _migrated:
                upgrade()
                _migrated.add(url)
            yield Site(app=app, backend=backend, database_url=url, broker_url=broker)
            db.session.rollback()
            _empty_tables()
            db.session.remove()
            db.engine.dispose()
    finally:
        close_app(app)


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    """An SMTP server on loopback, counting what it receives; a test may stop and start it."""
    box = Mailbox().start()
    yield box
    box.stop()


@pytest.fixture
def start_worker(site, mailbox, tmp_path) -> Iterator[Callable[..., Worker]]:
    """Start real workers on the site's database and broker, sending to `mailbox`.

    start_worker(beat=True, concurrency=2, **environment) -> Worker. All are stopped at the
    end (SIGTERM, then SIGKILL), before the database is emptied."""
    workers: list[Worker] = []

    def start(*, beat: bool = True, concurrency: int = 2, start: bool = True, **settings):
        env = worker_env(site.database_url, site.broker_url, mailbox.port, **settings)
        worker = Worker(env, tmp_path, beat=beat, concurrency=concurrency)
        workers.append(worker)
        return worker.start() if start else worker

    yield start
    for worker in workers:
        worker.stop()


@dataclass
class Shared:
    site: Site
    mailbox: Mailbox
    worker: Worker


@pytest.fixture(scope="module")
def _shared(worker_database_urls, tmp_path_factory) -> Iterator[Shared]:
    if not BROKER_URL:
        pytest.skip("TEST_BROKER_URL is not set: no broker to run a real worker on")
    url = worker_database_urls[BACKENDS[0]]
    empty_broker(BROKER_URL)
    box = Mailbox().start()
    app = site_app(url, BROKER_URL)
    try:
        with app.app_context():
            if url not in _migrated:
                upgrade()
                _migrated.add(url)
            env = worker_env(url, BROKER_URL, box.port)
            worker = Worker(env, tmp_path_factory.mktemp("shared-worker"))
            try:
                worker.start()
                yield Shared(Site(app, BACKENDS[0], url, BROKER_URL), box, worker)
            finally:
                worker.stop()
                db.session.rollback()
                _empty_tables()
                db.session.remove()
                db.engine.dispose()
    finally:
        close_app(app)
        box.stop()
        empty_broker(BROKER_URL)


@pytest.fixture
def shared(_shared) -> Iterator[Shared]:
    """One worker (with its beat) for a module's tests, on the first backend and Redis.

    Each test finds the SMTP server running with nothing received, the worker running (a test
    may kill it) and the database empty; the worker stays up between tests (it finds nothing
    to do), so that it is started once: tests must wait until their mail is settled."""
    _shared.mailbox.start()
    _shared.mailbox.collector.clear()
    if not _shared.worker.running:
        _shared.worker.start()
    yield _shared
    db.session.rollback()
    _empty_tables()
    db.session.remove()

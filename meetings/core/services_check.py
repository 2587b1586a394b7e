"""Whether the services the app needs answer: the database, the broker, the schema, the
document storage. Used by /healthz and /readyz, and before a production server or worker
starts (`require_production`). Each check says what is wrong in a few words, never a
password or a connection string."""

import os
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask

from meetings.extensions import db

ROOT = Path(__file__).resolve().parent.parent.parent
PRODUCTION = "production"

# What a production deployment must set (the embedded defaults are for one machine only).
REQUIRED_IN_PRODUCTION = {
    "SECRET_KEY": "the key that signs sessions and links (at least 32 characters)",  # nosec B105  # a description, not a key
    "DATABASE_URL": "the PostgreSQL database (postgresql://user:password@host/name)",
    "CELERY_BROKER_URL": "the broker (redis://host:6379/0 or amqp://user:password@host//)",
    "PUBLIC_BASE_URL": "the address people reach the site at (https://meetings.example.org)",
    "MAIL_SERVER": "the SMTP server mail is sent through",
}


def is_production() -> bool:
    return os.environ.get("MEETINGS_ENV", "").strip().lower() == PRODUCTION


def missing_settings() -> list[str]:
    """What production lacks or sets wrongly, one line each."""
    problems = []
    for name, what in REQUIRED_IN_PRODUCTION.items():
        if not os.environ.get(name, "").strip():
            problems.append(f"{name} is not set: {what}.")
    key = os.environ.get("SECRET_KEY", "")
    if key and len(key) < 32:
        problems.append("SECRET_KEY is too short: use at least 32 random characters.")
    if os.environ.get("DATABASE_URL", "").startswith("sqlite"):
        problems.append("DATABASE_URL names SQLite: production runs on PostgreSQL.")
    if os.environ.get("CELERY_BROKER_URL", "").startswith("filesystem"):
        problems.append("CELERY_BROKER_URL is the filesystem broker: use Redis or RabbitMQ.")
    return problems


def database_problem() -> str | None:
    try:
        with db.engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except Exception as exc:  # any failure means: not reachable
        return f"the database does not answer ({type(exc).__name__})"
    return None


def broker_problem(app: Flask) -> str | None:
    celery = app.extensions["celery"]
    try:
        with celery.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, timeout=3)
    except Exception as exc:
        return f"the broker does not answer ({type(exc).__name__})"
    return None


def schema_problem() -> str | None:
    """The database's schema is not the code's: `flask db upgrade` has not been run."""
    try:
        heads = set(ScriptDirectory(str(ROOT / "migrations")).get_heads())
        with db.engine.connect() as connection:
            current = set(MigrationContext.configure(connection).get_current_heads())
    except Exception as exc:
        return f"the schema cannot be read ({type(exc).__name__})"
    if current != heads:
        return "the database is not migrated: run `flask --app wsgi db upgrade`"
    return None


def storage_problem(app: Flask) -> str | None:
    folder = Path(app.config["DOCUMENT_STORAGE_PATH"])
    if not folder.is_dir():
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            return "the document storage folder cannot be created"
    if not os.access(folder, os.W_OK):
        return "the document storage folder is not writable"
    return None


def live_checks(app: Flask) -> dict[str, Callable[[], str | None]]:
    return {"database": database_problem, "broker": lambda: broker_problem(app)}


def ready_checks(app: Flask) -> dict[str, Callable[[], str | None]]:
    return {
        **live_checks(app),
        "schema": schema_problem,
        "storage": lambda: storage_problem(app),
    }


def require_production(app: Flask) -> None:
    """Before a production web server or worker starts: the database and the broker answer.
    Refuses to start with one line saying what is wrong."""
    if not is_production():
        return
    with app.app_context():
        for check in live_checks(app).values():
            if problem := check():
                raise SystemExit(f"Not starting: {problem}.")
        # A server that forks its workers after this (gunicorn's preload) must not hand them
        # the connection the check opened.
        db.engine.dispose()

"""Health and readiness (/healthz, /readyz) against real services, and a production start
that refuses, in one line, when a setting is missing or a service does not answer."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from meetings import create_app

ROOT = Path(__file__).resolve().parents[2]
UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def test_healthy_services_answer_200(client):
    for url in ("/livez", "/healthz", "/readyz"):
        response = client.get(url)
        assert response.status_code == 200, response.json
        assert response.json["status"] == "ok"
        assert response.headers["Cache-Control"] == "no-store"
    assert set(client.get("/readyz").json["checks"]) == {"database", "broker", "schema", "storage"}


def test_a_broker_that_does_not_answer_is_a_503_naming_it(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
            "CELERY_BROKER_URL": UNREACHABLE_REDIS,
            "DOCUMENT_STORAGE_PATH": str(tmp_path / "documents"),
        }
    )
    assert app.test_client().get("/livez").status_code == 200  # the process itself answers
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    checks = response.json["checks"]
    assert checks["broker"].startswith("the broker does not answer")
    assert checks["database"] == "ok"
    # An empty database answers, but its schema is not the code's.
    assert checks["schema"] == "the database is not migrated: run `flask --app wsgi db upgrade`"
    assert "127.0.0.1" not in response.text  # no address or credentials in the answer


def _start(env: dict[str, str]) -> subprocess.CompletedProcess:
    """Start the WSGI app as a production server would, with only these settings."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TEST_", "MEETINGS_"))}
    for name in ("SECRET_KEY", "DATABASE_URL", "CELERY_BROKER_URL", "PUBLIC_BASE_URL"):
        clean.pop(name, None)
    clean.pop("MAIL_SERVER", None)
    return subprocess.run(
        [sys.executable, "-c", "import wsgi"],
        cwd=ROOT,
        env={**clean, "MEETINGS_ENV": "production", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


GOOD = {
    "SECRET_KEY": "k" * 40,
    "PUBLIC_BASE_URL": "https://meetings.example.org",
    "MAIL_SERVER": "127.0.0.1",
}


@pytest.mark.parametrize(
    "env,line",
    [
        (
            {},
            "Not starting: SECRET_KEY is not set: the key that signs sessions and links",
        ),
        (
            {**GOOD, "SECRET_KEY": "short", "DATABASE_URL": "sqlite:///x.db"},
            "CELERY_BROKER_URL is not set",
        ),
        (
            {
                **GOOD,
                "DATABASE_URL": "postgresql://u@127.0.0.1:1/x",
                "CELERY_BROKER_URL": "redis://x",
            },
            "Not starting: the database does not answer (OperationalError).",
        ),
    ],
)
def test_a_misconfigured_production_refuses_to_start_in_one_line(env, line):
    started = _start(env)
    assert started.returncode == 1
    lines = started.stderr.strip().splitlines()
    assert len(lines) == 1 and line in lines[0]
    assert "Traceback" not in started.stderr


def test_a_short_key_and_sqlite_are_refused_in_production():
    started = _start({**GOOD, "SECRET_KEY": "short", "DATABASE_URL": "sqlite:///x.db"})
    assert "SECRET_KEY is too short" in started.stderr
    assert "DATABASE_URL names SQLite: production runs on PostgreSQL." in started.stderr


@pytest.mark.postgres
def test_production_refuses_a_broker_that_does_not_answer(database_urls):
    url = database_urls.get("postgresql")
    if url is None:
        pytest.skip("needs TEST_DATABASE_URL")
    started = _start({**GOOD, "DATABASE_URL": url, "CELERY_BROKER_URL": UNREACHABLE_REDIS})
    assert started.returncode == 1
    assert started.stderr.strip() == "Not starting: the broker does not answer (OperationalError)."

"""Load test (`make load`): gunicorn with several workers on loopback, in production mode on
PostgreSQL and Redis, with the seed history plus generated volume; wrk drives each endpoint
in turn for a bounded time and reports requests per second and p50/p95/p99 latency, and the
ratio to a trivial endpoint (/livez) of the same server.

Needs wrk (Debian package `wrk`), PostgreSQL (LOAD_DATABASE_ADMIN_URL, default
postgresql://postgres@127.0.0.1:5432/postgres) and Redis (LOAD_BROKER_URL, default
redis://127.0.0.1:6379/14). A database `meetings_load` is created afresh each run.
Settings: LOAD_SECONDS (10 per endpoint), LOAD_CONNECTIONS (16), LOAD_THREADS (2),
WEB_CONCURRENCY (gunicorn processes, 4), LOAD_MEETINGS (5,000 generated meetings).
"""

import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[2]
PORT = int(os.environ.get("LOAD_PORT", "8093"))
SECONDS = int(os.environ.get("LOAD_SECONDS", "10"))
CONNECTIONS = int(os.environ.get("LOAD_CONNECTIONS", "16"))
THREADS = int(os.environ.get("LOAD_THREADS", "2"))
PROCESSES = int(os.environ.get("WEB_CONCURRENCY", "4"))
MEETINGS = int(os.environ.get("LOAD_MEETINGS", "5000"))
ADMIN_URL = os.environ.get(
    "LOAD_DATABASE_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
BROKER_URL = os.environ.get("LOAD_BROKER_URL", "redis://127.0.0.1:6379/14")
DATABASE = "meetings_load"

# wrk prints its own summary; this adds the percentiles we report, as one JSON line.
REPORT_LUA = """
done = function(summary, latency, requests)
  io.write(string.format(
    '{"requests": %d, "seconds": %f, "errors": %d, "non_2xx": %d,'
    .. ' "p50": %f, "p95": %f, "p99": %f}\\n',
    summary.requests, summary.duration / 1e6,
    summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.timeout, summary.errors.status,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000))
end
"""


def endpoints(meeting_id: int, document_id: int) -> list[tuple[str, str, str]]:
    """(group, name, path): the trivial endpoint first, then pages, API and feeds."""
    year = date.today().year
    return [
        ("trivial", "livez", "/livez"),
        ("page", "home (upcoming)", "/"),
        ("page", "all meetings", "/meetings/"),
        ("page", "a meeting", f"/meetings/{meeting_id}"),
        ("page", "a body", "/bodies/neaspec-som"),
        ("page", "planning, 24 months", "/planning"),
        ("page", "planning, a year", f"/planning/{year}"),
        ("page", "a theme", "/themes/air-pollution"),
        ("page", "a document", f"/documents/{document_id}"),
        ("page", "search", "/search?q=plan"),
        ("api", "meetings", "/api/v1/meetings?page_size=50"),
        ("api", "a meeting", f"/api/v1/meetings/{meeting_id}"),
        ("api", "planning calendar", "/api/v1/planning/calendar?months=12"),
        ("api", "actions", "/api/v1/actions"),
        ("api", "search", "/api/v1/search?q=plan"),
        ("feed", "a body's feed", "/calendars/bodies/neaspec-som.ics"),
        ("feed", "a mechanism's feed", "/calendars/mechanisms/asean-china.ics"),
        ("feed", "a meeting's feed", f"/calendars/meetings/{meeting_id}.ics"),
    ]


def _database_url() -> str:
    admin = sa.make_url(ADMIN_URL).set(drivername="postgresql+psycopg")
    engine = sa.create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)"))
        connection.execute(sa.text(f"CREATE DATABASE {DATABASE}"))
    engine.dispose()
    return admin.set(database=DATABASE).render_as_string(hide_password=False)


def _environment(database_url: str, storage: Path) -> dict[str, str]:
    return {
        **os.environ,
        "MEETINGS_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": BROKER_URL,
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{PORT}",
        "MAIL_SERVER": "127.0.0.1",
        "DOCUMENT_STORAGE_PATH": str(storage),
        "GUNICORN_BIND": f"127.0.0.1:{PORT}",
        "WEB_CONCURRENCY": str(PROCESSES),
        "GUNICORN_THREADS": "1",
    }


def _prepare(env: dict[str, str]) -> tuple[int, int]:
    """Migrate, seed, add the generated meetings; the ids of a meeting and a document."""
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    for command in (["db", "upgrade"], ["seed"]):
        subprocess.run([*flask, *command], cwd=ROOT, env=env, check=True, capture_output=True)
    os.environ.update(env)
    from meetings import create_app
    from meetings.bodies.models import Body
    from meetings.documents.models import Document
    from meetings.extensions import db
    from meetings.schedule.models import Meeting

    app = create_app()
    with app.app_context():
        bodies = list(db.session.scalars(sa.select(Body.id).order_by(Body.id)))
        start = date.today() - timedelta(days=MEETINGS)
        rows = [
            {
                "body_id": bodies[n % len(bodies)],
                "title": f"Generated meeting {n}",
                "theme": "",
                "description": "",
                "start_date": start + timedelta(days=2 * n),
                "end_date": start + timedelta(days=2 * n + n % 3),
                "date_precision": "day",
                "timezone": "Asia/Bangkok",
                "city": "Bangkok",
                "country_code": "TH",
                "venue": "",
                "host": "",
                "status": "confirmed",
                "source": "",
                "uid": f"load-{n}",
                "sequence": 0,
            }
            for n in range(MEETINGS)
        ]
        db.session.execute(sa.insert(Meeting), rows)
        db.session.commit()
        db.session.execute(sa.text("ANALYZE"))
        meeting_id = db.session.scalars(
            sa.select(Meeting.id).where(Meeting.number == 24).order_by(Meeting.id)
        ).first()
        document_id = db.session.scalars(sa.select(Document.id).order_by(Document.id)).first()
        db.session.remove()
        db.engine.dispose()
    return meeting_id, document_id


def _wait_until_up() -> None:
    for _ in range(100):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/readyz", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not become ready")


def _wrk(path: str, script: Path, seconds: int = SECONDS) -> dict:
    out = subprocess.run(
        [
            "wrk",
            f"-t{THREADS}",
            f"-c{CONNECTIONS}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(script),
            f"http://127.0.0.1:{PORT}{path}",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install wrk")
    work = Path(tempfile.mkdtemp(prefix="meetings-load-"))
    env = _environment(_database_url(), work / "documents")
    meeting_id, document_id = _prepare(env)
    script = work / "report.lua"
    script.write_text(REPORT_LUA)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        _wait_until_up()
        results = []
        for group, name, path in endpoints(meeting_id, document_id):
            _wrk(path, script, seconds=2)  # warm up
            results.append((group, name, path, _wrk(path, script)))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    trivial = results[0][3]["requests"] / results[0][3]["seconds"]
    print(
        f"gunicorn {PROCESSES} processes, wrk {THREADS} threads x {CONNECTIONS} connections,"
        f" {SECONDS} s per endpoint, seed history + {MEETINGS} generated meetings, PostgreSQL,"
        f" {os.cpu_count()} CPUs shared by server and client"
    )
    print("| kind | endpoint | req/s | p50 ms | p95 ms | p99 ms | vs /livez | errors |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for group, name, path, r in results:
        rate = r["requests"] / r["seconds"]
        errors = r["errors"] + r["non_2xx"]
        print(
            f"| {group} | {name} (`{path}`) | {rate:.0f} | {r['p50']:.1f} | {r['p95']:.1f}"
            f" | {r['p99']:.1f} | {rate / trivial:.2f} | {errors} |"
        )
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

"""Planning across mechanisms (`make bench`): clash detection for one meeting against 50,000
meetings, and the planning pages (24 months, a year, a month) and API with the seed history
and 5,000 generated meetings. Run on SQLite, and on PostgreSQL too when TEST_DATABASE_URL is set.

Reports the median time, the SQL statements run, and the database's plan of the clash query
(it must read the date index, not scan the table).
"""

import statistics
import time
from datetime import date, timedelta

import sqlalchemy as sa

from meetings.access.principal import SYSTEM
from meetings.bodies.models import Body
from meetings.extensions import db
from meetings.planning.clashes import clashes_of, near
from meetings.schedule.models import Meeting
from meetings.seeding.loader import load_history
from tests.test_query_counts import count_queries

CLASH_VOLUME = 50_000
PAGE_VOLUME = 5_000
ROUNDS = 10
LINES: list[str] = []


def _generate(bodies: list[Body], volume: int, first: date, every_days: float) -> None:
    """Meetings over the years from `first`, across all bodies, inserted in bulk."""
    rows = []
    for n in range(volume):
        day = first + timedelta(days=int(n * every_days))
        rows.append(
            {
                "body_id": bodies[n % len(bodies)].id,
                "title": f"Generated meeting {n}",
                "theme": "",
                "description": "",
                "start_date": day,
                "end_date": day + timedelta(days=n % 3),
                "date_precision": "day",
                "timezone": "Asia/Bangkok",
                "city": "Bangkok",
                "country_code": "TH",
                "venue": "",
                "host": "",
                "status": "planned",
                "source": "",
                "uid": f"bench-{n}",
                "sequence": 0,
            }
        )
    for i in range(0, len(rows), 5000):
        db.session.execute(sa.insert(Meeting), rows[i : i + 5000])
    db.session.commit()


def _median_ms(action) -> float:
    times = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def _plan(stmt: sa.Select) -> str:
    dialect = db.engine.dialect.name
    sql = str(stmt.compile(db.engine, compile_kwargs={"literal_binds": True}))
    prefix = "EXPLAIN QUERY PLAN " if dialect == "sqlite" else "EXPLAIN "
    rows = db.session.execute(sa.text(prefix + sql)).all()
    return " | ".join(str(r[-1]) for r in rows)


def test_clashes_against_50000_meetings(benchmark, app):
    load_history()
    bodies = db.session.query(Body).order_by(Body.id).all()
    _generate(bodies, CLASH_VOLUME, date(2030, 1, 1), 0.4)  # about 55 years, ~2.5 a day
    db.session.execute(sa.text("ANALYZE"))
    meeting = db.session.scalars(
        sa.select(Meeting).where(Meeting.title == "Generated meeting 25000")
    ).one()
    backend = db.engine.dialect.name
    with count_queries() as statements:
        found = clashes_of(meeting, SYSTEM)
    ms = _median_ms(lambda: clashes_of(meeting, SYSTEM))
    nearby = len(near(meeting.start_date, meeting.end_date, SYSTEM, meeting.id, 3))
    low, high = meeting.start_date - timedelta(days=3), meeting.end_date + timedelta(days=3)
    stmt = sa.select(Meeting.id).where(
        Meeting.start_date >= low - timedelta(days=31),
        Meeting.start_date <= high,
        Meeting.end_date >= low,
    )
    LINES.append(
        f"{backend}: clashes of one meeting among {CLASH_VOLUME + 75} meetings: {len(found)} found"
        f" ({nearby} near) in {ms:.1f} ms (median of {ROUNDS}), {len(statements)} SQL statements"
    )
    LINES.append(f"  plan of the date range: {_plan(stmt)}")
    benchmark.pedantic(lambda: clashes_of(meeting, SYSTEM), rounds=ROUNDS, warmup_rounds=1)


def test_planning_page_with_5000_meetings(benchmark, app, client):
    load_history()
    bodies = db.session.query(Body).order_by(Body.id).all()
    today = date.today()
    _generate(bodies, PAGE_VOLUME, today - timedelta(days=PAGE_VOLUME // 2), 1)
    backend = db.engine.dialect.name
    urls = (
        "/planning",
        f"/planning/{today.year}",
        f"/planning/{today.year}/{today.month}",
        "/planning?theme=air-pollution",
        "/api/v1/planning",
        "/api/v1/planning/calendar?months=24",
    )
    for url in urls:
        with count_queries() as statements:
            assert client.get(url).status_code == 200
        ms = _median_ms(lambda u=url: client.get(u))
        LINES.append(
            f"{backend}: {url} with {PAGE_VOLUME + 75} meetings: {ms:.1f} ms,"
            f" {len(statements)} SQL statements"
        )
    benchmark.pedantic(lambda: client.get("/planning"), rounds=ROUNDS, warmup_rounds=1)


def pytest_terminal_summary_lines() -> list[str]:
    return list(LINES)

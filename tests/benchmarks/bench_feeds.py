"""The feed of a body with 2,000 meetings of 3 sessions each, against icalendar alone.

`make bench` prints, in one run: the time to serve the feed through the app rendered from
nothing (cold), with its events already serialised (as after a change of one meeting), and
as kept whole under its validator; the time the icalendar package alone takes to build and
serialise the same events from plain Python objects (the floor), the cold ratio to it, the
time of a 304 answer and the SQL statements per feed rendered.
Goals (issue 4): cold feed within 1.5x the floor, 304 at least 20x faster than the full
feed, statements constant whatever the number of meetings.
"""

import statistics
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from icalendar import Calendar, Event

from meetings.calendars import feeds
from meetings.calendars.rendered import EXTENSION
from meetings.extensions import db
from meetings.schedule.models import Meeting, Session
from tests import factories
from tests.test_query_counts import count_queries

MEETINGS = 2000
SESSIONS_PER_MEETING = 3
ZONES = ("Asia/Seoul", "Asia/Bangkok", "Asia/Shanghai", "Asia/Tokyo")
STAMP = datetime(2026, 1, 5, 8, 30, tzinfo=UTC)
RESULTS: dict[str, float] = {}


@dataclass(frozen=True)
class PlainMeeting:
    uid: str
    title: str
    start: date
    end: date
    zone: str
    city: str
    sessions: tuple


@dataclass(frozen=True)
class PlainSession:
    uid: str
    title: str
    starts_at: datetime
    ends_at: datetime
    room: str


def plain_meetings(count: int, tag: str = "") -> list[PlainMeeting]:
    """The generated history as plain objects: what the floor builds from."""
    result = []
    for n in range(count):
        start = date(2000, 1, 3) + timedelta(days=5 * n)
        sessions = tuple(
            PlainSession(
                uid=str(uuid.uuid5(uuid.NAMESPACE_URL, f"{tag}s{n}-{k}")),
                title=f"Session {k + 1}",
                starts_at=datetime.combine(start, datetime.min.time(), UTC)
                + timedelta(hours=1 + 3 * k),
                ends_at=datetime.combine(start, datetime.min.time(), UTC)
                + timedelta(hours=2 + 3 * k),
                room=f"Room {k + 1}",
            )
            for k in range(SESSIONS_PER_MEETING)
        )
        result.append(
            PlainMeeting(
                uid=str(uuid.uuid5(uuid.NAMESPACE_URL, f"{tag}m{n}")),
                title=f"Generated meeting {n}",
                start=start,
                end=start + timedelta(days=2),
                zone=ZONES[n % len(ZONES)],
                city="Seoul",
                sessions=sessions,
            )
        )
    return result


def floor_feed(meetings: list[PlainMeeting]) -> bytes:
    """icalendar alone: the same calendar properties and events, nothing else."""
    cal = Calendar()
    for key, value in (
        ("prodid", "-//bench//EN"),
        ("version", "2.0"),
        ("calscale", "GREGORIAN"),
        ("method", "PUBLISH"),
        ("name", "Bench body"),
        ("x-wr-calname", "Bench body"),
        ("x-wr-timezone", "Asia/Seoul"),
        ("x-published-ttl", timedelta(hours=6)),
    ):
        cal.add(key, value)
    cal.add("refresh-interval", timedelta(hours=6), parameters={"VALUE": "DURATION"})
    for m in meetings:
        cal.add_component(_floor_event(m.uid, m.title, m.start, m.end + timedelta(days=1), m.city))
        for s in m.sessions:
            starts = s.starts_at.astimezone(_zone(m.zone))
            ends = s.ends_at.astimezone(_zone(m.zone))
            cal.add_component(_floor_event(s.uid, f"{s.title} — {m.title}", starts, ends, s.room))
    cal.add_missing_timezones()
    return cal.to_ical()


def _floor_event(uid, summary, start, end, location) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", STAMP)
    event.add("last-modified", STAMP)
    event.add("sequence", 0)
    event.add("summary", summary)
    event.add("location", location)
    event.add("description", f"{summary}\nhttps://meetings.test/meetings/1")
    event.add("url", "https://meetings.test/meetings/1")
    event.add("status", "CONFIRMED")
    event.add("categories", ["SOM"])
    event.add("dtstart", start)
    event.add("dtend", end)
    return event


def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def load_body(meetings: list[PlainMeeting], slug: str = "bench-body"):
    """Insert the generated meetings and sessions into one body, in bulk."""
    body = factories.body(slug=slug, numbering_style="none", number_prefix="")
    now = datetime.now(UTC)
    common = {"theme": "", "description": "", "venue": "", "host": "", "source": ""}
    rows = [
        {
            **common,
            "body_id": body.id,
            "uid": m.uid,
            "sequence": 0,
            "title": m.title,
            "start_date": m.start,
            "end_date": m.end,
            "date_precision": "day",
            "timezone": m.zone,
            "city": m.city,
            "country_code": "KR",
            "format": "in_person",
            "status": "confirmed",
            "created_at": now,
            "updated_at": now,
        }
        for m in meetings
    ]
    db.session.execute(sa.insert(Meeting), rows)
    stmt = sa.select(Meeting.uid, Meeting.id).filter_by(body_id=body.id)
    ids = {uid: meeting_id for uid, meeting_id in db.session.execute(stmt).all()}
    db.session.execute(
        sa.insert(Session),
        [
            {
                "meeting_id": ids[m.uid],
                "uid": s.uid,
                "sequence": 0,
                "title": s.title,
                "kind": "plenary",
                "starts_at": s.starts_at,
                "ends_at": s.ends_at,
                "room": s.room,
                "description": "",
                "created_at": now,
                "updated_at": now,
            }
            for m in meetings
            for s in m.sessions
        ],
    )
    db.session.commit()
    return body


def _median(fn, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


@pytest.fixture
def big_body(app):
    meetings = plain_meetings(MEETINGS)
    return load_body(meetings), meetings


def _forget_feeds(app) -> None:
    app.extensions.pop(EXTENSION, None)


def _forget_events(app) -> None:
    _forget_feeds(app)
    feeds.meeting_events.cache_clear()
    feeds.action_events.cache_clear()


def _statements(app, client, url: str) -> int:
    _forget_feeds(app)
    with count_queries() as statements:
        assert client.get(url).status_code == 200
    return len(statements)


def test_feed_against_the_floor(benchmark, app, client, big_body):
    body, meetings = big_body
    url = f"/calendars/bodies/{body.slug}.ics"
    small = load_body(plain_meetings(20, tag="small"), slug="small-body")
    first = client.get(url)
    assert first.status_code == 200
    assert first.data.count(b"BEGIN:VEVENT") == MEETINGS * (1 + SESSIONS_PER_MEETING)
    statements = (
        _statements(app, client, f"/calendars/bodies/{small.slug}.ics"),
        _statements(app, client, url),
    )
    etag = first.headers["ETag"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304

    feed = _median(lambda: (_forget_events(app), client.get(url)), rounds=5)
    events_kept = _median(lambda: (_forget_feeds(app), client.get(url)), rounds=5)
    client.get(url)
    kept = _median(lambda: client.get(url), rounds=50)
    floor = _median(lambda: floor_feed(meetings), rounds=5)
    not_modified = _median(lambda: client.get(url, headers={"If-None-Match": etag}), rounds=50)
    RESULTS.update(
        feed_s=feed,
        events_kept_s=events_kept,
        kept_s=kept,
        floor_s=floor,
        ratio=feed / floor,
        not_modified_s=not_modified,
        speedup_304=feed / not_modified,
        sql_statements=statements,
        events=MEETINGS * (1 + SESSIONS_PER_MEETING),
        feed_bytes=len(first.data),
    )
    benchmark.extra_info.update(RESULTS)
    benchmark.pedantic(lambda: (_forget_events(app), client.get(url)), rounds=3, warmup_rounds=0)


def pytest_terminal_summary_lines() -> list[str]:
    if not RESULTS:
        return []
    r = RESULTS
    return [
        f"feed of {r['events']} events ({r['feed_bytes']:,} bytes):"
        f" app {r['feed_s'] * 1000:.0f} ms, icalendar alone {r['floor_s'] * 1000:.0f} ms,"
        f" ratio {r['ratio']:.2f} (goal <= 1.5)",
        f"with its events serialised before: {r['events_kept_s'] * 1000:.0f} ms;"
        f" kept whole: {r['kept_s'] * 1000:.2f} ms",
        f"304: {r['not_modified_s'] * 1000:.2f} ms, {r['speedup_304']:.0f}x faster (goal >= 20)",
        "SQL statements per feed: {} with 20 meetings, {} with {}".format(
            *r["sql_statements"], MEETINGS
        ),
    ]

"""Search over 5,000 documents with about 1,000 words of text each (`make bench`).

Run on SQLite (FTS5), and on PostgreSQL (full-text search) too when TEST_DATABASE_URL is
set. The documents get their text as a worker would have read it; the index is written by
the same flush listener as in production. Each benchmark reports the SQL statements the
request ran and how many documents matched, printed at the end of the run (median of 10).
"""

import random
import statistics
import time

import pytest
import sqlalchemy as sa

from meetings.core.models import utcnow
from meetings.documents.models import (
    Document,
    DocumentFile,
    DocumentStatus,
    DocumentType,
    TextStatus,
)
from meetings.extensions import db
from meetings.schedule.models import Meeting
from meetings.seeding.loader import load_history
from tests.test_query_counts import count_queries

VOLUME = 5000
WORDS_PER_DOCUMENT = 1000
INDEXING: dict[str, float] = {}


def _vocabulary(rng: random.Random) -> list[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    return ["".join(rng.choices(letters, k=rng.randint(4, 10))) for _ in range(20_000)]


@pytest.fixture
def corpus(app):
    """The seed history and VOLUME generated documents spread over its meetings."""
    load_history()
    rng = random.Random(7)
    vocabulary = _vocabulary(rng)
    # Zipf-like: a few words are everywhere, most are rare.
    weights = [1 / (rank + 1) for rank in range(len(vocabulary))]
    meetings = db.session.query(Meeting).order_by(Meeting.id).all()
    types, now = list(DocumentType), utcnow()
    started = time.perf_counter()
    for n in range(VOLUME):
        meeting = meetings[n % len(meetings)]
        text = " ".join(rng.choices(vocabulary, weights, k=WORDS_PER_DOCUMENT))
        document = Document(
            body_id=meeting.body_id,
            meeting_id=meeting.id,
            type=types[n % len(types)],
            symbol=f"GEN/{n}",
            title=f"Generated document {n} on {vocabulary[n % 500]}",
            status=DocumentStatus.ISSUED,
            published_at=now,
        )
        document.files.append(
            DocumentFile(
                language="en",
                revision=1,
                storage_key="0" * 64,
                filename=f"gen-{n}.txt",
                media_type="text/plain",
                kind="txt",
                size=len(text),
                text=text,
                text_status=TextStatus.DONE,
            )
        )
        db.session.add(document)
        if n % 500 == 499:
            db.session.commit()
    db.session.commit()
    INDEXING[db.engine.dialect.name] = time.perf_counter() - started
    if db.engine.dialect.name == "postgresql":
        # As autovacuum would have by now: without statistics the planner takes every table
        # for a few rows and joins 5,000 documents one by one.
        db.session.execute(sa.text("ANALYZE"))
        db.session.commit()
    return vocabulary


QUERIES = {
    "common_word": lambda v: v[0],
    "two_common_words": lambda v: f"{v[0]} {v[1]}",
    "rare_word": lambda v: v[15000],
    "prefix": lambda v: v[3][:3],
    "symbol": lambda v: "GEN/4321",
    "no_match": lambda v: "zzzzzzzzzzzz",
}
ROUNDS = 10
LINES: list[str] = []


def _median_ms(client, url: str) -> float:
    times = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        assert client.get(url).status_code == 200
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def test_search(benchmark, client, corpus):
    """Each query on the page and the API, on one corpus (built once: it takes a while)."""
    backend = db.engine.dialect.name
    LINES.append(
        f"{backend}: {VOLUME} documents x {WORDS_PER_DOCUMENT} words indexed in"
        f" {INDEXING[backend]:.1f} s"
    )
    for name, words in QUERIES.items():
        query = words(corpus)
        page, api = f"/search?q={query}", f"/api/v1/search?q={query}&page_size=50"
        with count_queries() as statements:
            found = client.get(api).json["documents"]["total"]
        LINES.append(
            f"  {name:17} {found:5} found: page {_median_ms(client, page):7.1f} ms,"
            f" API {_median_ms(client, api):7.1f} ms, {len(statements)} SQL statements"
        )
    url = f"/search?q={QUERIES['common_word'](corpus)}"
    benchmark.pedantic(lambda: client.get(url), rounds=ROUNDS, warmup_rounds=1)


def pytest_terminal_summary_lines() -> list[str]:
    return list(LINES)

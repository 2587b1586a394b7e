"""Search over 5,000 documents with about 1,000 words of text each (`make bench`).

Run on SQLite (FTS5), and on PostgreSQL (full-text search) too when TEST_DATABASE_URL is
set. The documents get their text as a worker would have read it; the index is written by
the same flush listener as in production. Each benchmark reports the SQL statements the
request ran and how many documents matched.
"""

import random
import time

import pytest

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
    return vocabulary


QUERIES = {
    "common_word": lambda v: v[0],
    "two_common_words": lambda v: f"{v[0]} {v[1]}",
    "rare_word": lambda v: v[15000],
    "prefix": lambda v: v[3][:3],
    "symbol": lambda v: "GEN/4321",
    "no_match": lambda v: "zzzzzzzzzzzz",
}


@pytest.mark.parametrize("name", list(QUERIES))
def test_search_page(benchmark, client, corpus, name):
    url = f"/search?q={QUERIES[name](corpus)}"
    with count_queries() as statements:
        response = client.get(url)
    assert response.status_code == 200
    benchmark.extra_info["sql_statements"] = len(statements)
    benchmark.extra_info["indexing_seconds"] = round(INDEXING[db.engine.dialect.name], 1)
    benchmark.pedantic(lambda: client.get(url), rounds=10, warmup_rounds=1)


@pytest.mark.parametrize("name", ["common_word", "rare_word", "prefix"])
def test_search_api(benchmark, client, corpus, name):
    url = f"/api/v1/search?q={QUERIES[name](corpus)}&page_size=50"
    response = client.get(url)
    assert response.status_code == 200
    benchmark.extra_info["documents_matched"] = response.json["documents"]["total"]
    benchmark.pedantic(lambda: client.get(url), rounds=10, warmup_rounds=1)

"""The migration that indexes sessions, actions and people, down and up again with data in
the database: the entries of meetings keep their ids (SQLite's FTS5 rowids) and stay found,
the new kinds are indexed as the application would index them, and search_fts stays whole.
"""

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from meetings.access.principal import ANONYMOUS
from meetings.extensions import db
from meetings.search.index import rebuild
from meetings.search.people import search_people
from meetings.search.query import SearchFilter, search_actions, search_meetings, search_sessions
from tests import factories
from tests.conftest import PG_URL, make_app
from tests.test_migrations import fresh_database

BEFORE = "81aa57b570a7"
ENTRIES = "SELECT id, meeting_id, terms FROM search_entry ORDER BY id"


def titles(search, text: str) -> list[str]:
    return [r.title for r in search(ANONYMOUS, SearchFilter(text=text), 1, 10).items]


def fts_rowids(word: str) -> list[int]:
    sql = sa.text("SELECT rowid FROM search_fts WHERE search_fts MATCH :word ORDER BY rowid")
    return list(db.session.scalars(sql, {"word": word}))


def check_fts() -> None:
    """FTS5 compares its index with search_entry, word by word; raises when they differ."""
    db.session.execute(
        sa.text("INSERT INTO search_fts(search_fts, rank) VALUES('integrity-check', 1)")
    )


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_down_and_up_with_data_indexes_the_new_kinds(backend, tmp_path):
    if backend == "postgresql" and not PG_URL:
        pytest.skip("TEST_DATABASE_URL is not set")
    with fresh_database(backend, tmp_path) as url:
        app = make_app(url, tmp_path)
        with app.app_context():
            upgrade()
            meeting = factories.meeting(title="Forum on coral reefs")
            factories.session(meeting, title="Dugong workshop", room="Hall Mangrove")
            lead = factories.user(name="Ayesha Rahman")
            factories.action(
                meeting.body,
                title="Assess kelp forests",
                lead_kind="person",
                lead_user_id=lead.id,
            )
            db.session.commit()
            meetings_before = db.session.execute(sa.text(ENTRIES)).all()[:1]
            db.session.remove()

            downgrade(revision=BEFORE)
            assert db.session.execute(sa.text(ENTRIES)).all() == meetings_before
            if backend == "sqlite":
                check_fts()
                assert fts_rowids("coral") == [meetings_before[0].id]
            db.session.remove()

            upgrade()
            assert db.session.execute(sa.text(ENTRIES)).all()[:1] == meetings_before
            assert titles(search_meetings, "coral") == ["Forum on coral reefs"]
            assert titles(search_sessions, "mangrove coral") == ["Dugong workshop"]
            assert titles(search_actions, "kelp") == ["Assess kelp forests"]
            people = search_people(ANONYMOUS, SearchFilter(text="rahman"), 1, 10).items
            assert [p.name for p in people] == ["Ayesha Rahman"]
            if backend == "sqlite":
                check_fts()

            migrated = db.session.execute(sa.text(ENTRIES)).all()
            rebuild()
            db.session.commit()
            assert db.session.execute(sa.text(ENTRIES)).all() == migrated
            db.session.remove()
            db.engine.dispose()

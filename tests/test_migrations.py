"""The migrations build the schema the models describe, on SQLite and on PostgreSQL."""

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from meetings.extensions import db
from meetings.search.models import include_name
from tests.conftest import PG_URL, _psycopg, make_app, new_pg_database


@contextmanager
def fresh_database(backend: str, tmp_path) -> Iterator[str]:
    """An empty database of the backend, dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
        return
    with new_pg_database("meetings_mig") as name:
        yield _psycopg(PG_URL).set(database=name).render_as_string(hide_password=False)


def _diff(app):
    with db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_name": include_name}
        )
        return compare_metadata(context, db.metadata)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_migrations_match_models_and_go_down_and_up(backend, tmp_path):
    if backend == "postgresql" and not PG_URL:
        pytest.skip("TEST_DATABASE_URL is not set")
    with fresh_database(backend, tmp_path) as url:
        app = make_app(url, tmp_path)
        with app.app_context():
            upgrade()
            assert _diff(app) == []
            downgrade(revision="base")
            assert sa.inspect(db.engine).get_table_names() == ["alembic_version"]
            upgrade()
            assert {"mechanism", "body", "meeting", "session"} <= set(
                sa.inspect(db.engine).get_table_names()
            )
            db.session.remove()
            db.engine.dispose()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_upgrade_keeps_the_data_of_an_earlier_schema(backend, tmp_path):
    """A database made by the first release, with meetings in it, upgrades in place."""
    if backend == "postgresql" and not PG_URL:
        pytest.skip("TEST_DATABASE_URL is not set")
    stamp = "'2026-01-01 00:00:00'"
    rows = [
        "INSERT INTO mechanism (id, slug, name, short_name, description, secretariat, website,"
        f" default_timezone, source, created_at, updated_at) VALUES (1, 'neaspec', 'NEASPEC',"
        f" 'NEASPEC', '', '', '', 'Asia/Seoul', '', {stamp}, {stamp})",
        "INSERT INTO body (id, mechanism_id, slug, name, short_name, kind, description, cadence,"
        " cadence_note, numbering_style, number_prefix, position, source, created_at, updated_at)"
        " VALUES (1, 1, 'som', 'SOM', 'SOM', 'governing', '', 'annual', '', 'prefixed', 'SOM',"
        f" 0, '', {stamp}, {stamp})",
        "INSERT INTO meeting (id, body_id, number, title, theme, description, start_date,"
        " end_date, date_precision, timezone, city, venue, host, status, source, created_at,"
        " updated_at) VALUES (1, 1, 24, 'SOM-24', '', '', '2020-01-01', '2020-12-31', 'year',"
        f" 'Asia/Seoul', '', '', '', 'held', '', {stamp}, {stamp})",
    ]
    with fresh_database(backend, tmp_path) as url:
        app = make_app(url, tmp_path)
        with app.app_context():
            upgrade(revision="2b1b8da1c1ee")
            with db.engine.begin() as conn:
                for row in rows:
                    conn.exec_driver_sql(row)
            upgrade()
            with db.engine.connect() as conn:
                kept = conn.exec_driver_sql("SELECT title, visibility, sequence, uid FROM meeting")
                kept = kept.all()
            assert [tuple(r)[:3] for r in kept] == [("SOM-24", None, 0)]
            assert len(kept[0].uid) == 36
            db.session.remove()
            db.engine.dispose()

"""The migrations build the schema the models describe, on SQLite and on PostgreSQL."""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from meetings.extensions import db
from tests.conftest import PG_URL, _psycopg, make_app


@contextmanager
def fresh_database(backend: str, tmp_path) -> Iterator[str]:
    """An empty database of the backend, dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
        return
    admin = sa.create_engine(_psycopg(PG_URL), isolation_level="AUTOCOMMIT")
    name = f"meetings_mig_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield _psycopg(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _diff(app):
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
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

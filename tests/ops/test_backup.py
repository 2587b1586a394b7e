"""Backup and restore as docs/operations.md tells them: the same data comes back.

PostgreSQL: pg_dump -Fc of the database and a tar of the document storage; pg_restore into a
fresh database, the files unpacked into a fresh folder, `db upgrade`. SQLite: the online
backup API (what `sqlite3 ... ".backup ..."` runs). Each compares the row count of every
table, the meetings, and the documents with the SHA-256 of their stored files.
"""

import hashlib
import shutil
import sqlite3
import subprocess
import tarfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy.engine import make_url

from meetings.documents.models import Document, DocumentFile
from meetings.documents.storage import get_storage
from meetings.extensions import db
from meetings.schedule.models import Meeting
from meetings.seeding.loader import load_history
from tests import factories
from tests.conftest import PG_URL, _psycopg, make_app, new_pg_database


def snapshot() -> dict:
    """What a restore must bring back: every table's rows counted, the meetings, and each
    document with the hash of each of its stored files (read back from the storage)."""
    tables = sa.inspect(db.engine).get_table_names()
    counts = {
        t: db.session.scalar(sa.select(sa.func.count()).select_from(sa.table(t))) for t in tables
    }
    columns = ("id", "body_id", "number", "title", "start_date", "end_date", "timezone", "status")
    meetings = db.session.execute(
        sa.select(*(getattr(Meeting, c) for c in columns)).order_by(Meeting.id)
    ).all()
    return {"counts": counts, "meetings": [tuple(m) for m in meetings], "files": _files()}


def _files() -> list[tuple]:
    storage = get_storage()
    rows = db.session.execute(
        sa.select(Document.id, Document.title, DocumentFile.storage_key)
        .join(DocumentFile, DocumentFile.document_id == Document.id)
        .order_by(Document.id, DocumentFile.id)
    ).all()
    result = []
    for document_id, title, key in rows:
        with storage.open(key) as handle:
            result.append((document_id, title, key, hashlib.sha256(handle.read()).hexdigest()))
    return result


def _seeded(app: Flask) -> dict:
    """Migrate, load the seed history (with its documents and files) and take a snapshot."""
    with app.app_context():
        upgrade()
        load_history()
        factories.admin(email="admin@example.org")
        taken = snapshot()
        _close()
    assert taken["counts"]["meeting"] > 0 and taken["files"]
    return taken


def _close() -> None:
    db.session.remove()
    db.engine.dispose()


def _app(url: str, storage: Path, tmp_path: Path) -> Flask:
    app = make_app(url, tmp_path)
    app.config["DOCUMENT_STORAGE_PATH"] = str(storage)
    return app


@contextmanager
def _pg_database() -> Iterator[str]:
    """A new, empty PostgreSQL database (its libpq URL), dropped afterwards."""
    with new_pg_database("meetings_backup") as name:
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)


def _run(*command: str) -> None:
    subprocess.run(command, check=True, capture_output=True, text=True, timeout=120)


def _sqlalchemy_url(libpq_url: str) -> str:
    return _psycopg(libpq_url).render_as_string(hide_password=False)


def _pack(folder: Path, archive: Path) -> None:
    """tar -C folder -czf archive ."""
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(folder, arcname=".")


def _unpack(archive: Path, folder: Path) -> None:
    """mkdir folder && tar -C folder -xzf archive"""
    folder.mkdir(parents=True)
    with tarfile.open(archive) as tar:
        tar.extractall(folder, filter="data")


def _restored(app: Flask) -> dict:
    """`flask db upgrade` on the restored database, then its snapshot; it also takes new rows
    (its sequences came back with it)."""
    with app.app_context():
        upgrade()
        taken = snapshot()
        body = db.session.get(Meeting, taken["meetings"][0][0]).body
        factories.meeting(body, title="After the restore", start="2030-05-04")
        _close()
    return taken


@pytest.mark.postgres
def test_pg_dump_and_pg_restore_into_a_fresh_database_bring_back_the_same_data(tmp_path):
    if not PG_URL:
        pytest.skip("needs TEST_DATABASE_URL")
    for tool in ("pg_dump", "pg_restore"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is not installed (postgresql-client)")
    backup = tmp_path / "backup"
    backup.mkdir()
    with _pg_database() as source:
        before = _seeded(_app(_sqlalchemy_url(source), tmp_path / "documents", tmp_path))
        _run(
            "pg_dump", "--format=custom", "--no-owner", f"--file={backup / 'meetings.dump'}", source
        )
        _pack(tmp_path / "documents", backup / "documents.tar.gz")
    with _pg_database() as target:
        _run(
            "pg_restore",
            "--no-owner",
            "--exit-on-error",
            f"--dbname={target}",
            str(backup / "meetings.dump"),
        )
        _unpack(backup / "documents.tar.gz", tmp_path / "restored-documents")
        after = _restored(_app(_sqlalchemy_url(target), tmp_path / "restored-documents", tmp_path))
    assert after == before


def test_sqlite_online_backup_brings_back_the_same_data(tmp_path):
    source = tmp_path / "meetings.sqlite3"
    before = _seeded(_app(f"sqlite:///{source}", tmp_path / "documents", tmp_path))
    copy = tmp_path / "backup" / "meetings.sqlite3"
    copy.parent.mkdir()
    # What `sqlite3 meetings.sqlite3 ".backup backup/meetings.sqlite3"` does.
    with closing(sqlite3.connect(source)) as live, closing(sqlite3.connect(copy)) as target:
        live.backup(target)
    _pack(tmp_path / "documents", tmp_path / "backup" / "documents.tar.gz")
    _unpack(tmp_path / "backup" / "documents.tar.gz", tmp_path / "restored-documents")
    after = _restored(_app(f"sqlite:///{copy}", tmp_path / "restored-documents", tmp_path))
    assert after == before

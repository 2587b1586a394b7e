"""Read the text of uploaded files for search, in a worker, once per file.

An upload asks for its file to be read after the commit; a periodic pass reads any file
still pending a few minutes later (the hand-over was lost, or a worker died mid-way).
"""

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from meetings.core.after_commit import on_commit
from meetings.core.background import enqueue
from meetings.core.models import utcnow
from meetings.documents.models import DocumentFile, TextStatus
from meetings.documents.storage import get_storage
from meetings.documents.text import TextUnreadable, read_text
from meetings.extensions import db

TASK = "documents.read_text"
STALE_AFTER = timedelta(minutes=2)
BATCH = 20


def read_files(file_ids: list[int]) -> dict[str, int]:
    """Read the pending files among these; counts by outcome."""
    counts = {"done": 0, "failed": 0, "skipped": 0}
    for file_id in file_ids:
        counts[_read_one(int(file_id))] += 1
    return counts


def read_pending() -> dict[str, int]:
    """Read files left pending for more than STALE_AFTER, a batch at a time."""
    cutoff = utcnow() - STALE_AFTER
    ids = db.session.scalars(
        sa.select(DocumentFile.id)
        .where(
            DocumentFile.text_status == TextStatus.PENDING.value,
            DocumentFile.uploaded_at <= cutoff,
        )
        .order_by(DocumentFile.id)
        .limit(BATCH)
    ).all()
    db.session.rollback()
    return read_files(list(ids))


def _read_one(file_id: int) -> str:
    # PostgreSQL: a second worker skips the row another is reading. SQLite has one writer
    # at a time; a file read twice gets the same words, so no harm either way.
    stmt = sa.select(DocumentFile).where(
        DocumentFile.id == file_id, DocumentFile.text_status == TextStatus.PENDING.value
    )
    if db.engine.dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    row = db.session.scalar(stmt)
    if row is None:
        db.session.rollback()
        return "skipped"
    try:
        with get_storage().open(row.storage_key) as handle:
            data = handle.read()
        row.text = read_text(row.kind, data)
        row.text_status, row.text_error = TextStatus.DONE, ""
        outcome = "done"
    except (TextUnreadable, OSError) as exc:
        row.text, row.text_status, row.text_error = "", TextStatus.FAILED, str(exc)[:1000]
        current_app.logger.warning("Could not read the text of file %s: %s", file_id, exc)
        outcome = "failed"
    db.session.commit()
    return outcome


on_commit(TASK, lambda ids: enqueue(TASK, ids))

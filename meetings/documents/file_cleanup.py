"""Remove a file this transaction stored when the transaction does not commit.

A file is stored after its row is flushed; if the commit then fails (or the request rolls
back for any other reason) the row is gone and the file would be an orphan. Files that were
already on disk before (the same content uploaded earlier) are never removed here, and a
file is removed only when no committed row names it.
"""

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session as OrmSession

from meetings.extensions import db

KEY = "stored_document_files"


def stored(key: str) -> None:
    """Note a file that did not exist before this transaction stored it."""
    session = db.session()
    session.info.setdefault(KEY, set()).add(key)


def _committed(session: OrmSession) -> None:
    if session.get_nested_transaction() is None:
        session.info.pop(KEY, None)


def _rolled_back(session: OrmSession, previous_transaction) -> None:
    if previous_transaction.nested:
        return
    keys = session.info.pop(KEY, None)
    if keys:
        remove_unreferenced(keys)


# Columns that name stored files: a file is kept while any of them names it.
_REFERENCES: list[sa.Column] = []


def referenced_by(column) -> None:
    """Register a column holding storage keys (a model's, at import)."""
    if column not in _REFERENCES:
        _REFERENCES.append(column)


def remove_unreferenced(keys: set[str]) -> list[str]:
    """Delete the stored files of `keys` that no registered column names; those deleted."""
    from meetings.documents.storage import get_storage

    with db.engine.connect() as conn:
        used = {
            key
            for column in _REFERENCES
            for key in conn.scalars(sa.select(column).where(column.in_(keys)))
        }
    storage, removed = get_storage(), []
    for key in sorted(keys - used):
        try:
            storage.delete(key)
            removed.append(key)
        except OSError:
            current_app.logger.exception("Could not remove the orphan file %s", key)
    return removed


def init_app(app) -> None:
    for name, listener in (("after_commit", _committed), ("after_soft_rollback", _rolled_back)):
        if not sa.event.contains(db.session, name, listener):
            sa.event.listen(db.session, name, listener)

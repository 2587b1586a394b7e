"""Work to do once the current transaction has committed, dropped if it rolls back.

Used to hand work to the Celery workers (mail to send, a sweep to run): the workers must
only see rows that exist, and nothing may be handed over for a change that did not happen.
`later(name, item)` collects items under a name during the transaction; after the commit,
the callback registered for that name gets them all, once.
"""

from collections.abc import Callable

import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import Session as OrmSession

from meetings.extensions import db

KEY = "after_commit"
_callbacks: dict[str, Callable[[list], None]] = {}


def on_commit(name: str, callback: Callable[[list], None]) -> None:
    """Register what to do, after a commit, with the items collected under `name`."""
    _callbacks[name] = callback


def later(name: str, item: object = None) -> None:
    """Collect `item` for `name`'s callback, run when the current transaction commits."""
    session = db.session()
    if not session.in_transaction():
        session.begin()  # so that a rollback, even with nothing else done, drops it
    session.info.setdefault(KEY, {}).setdefault(name, []).append(item)


def _after_commit(session: OrmSession) -> None:
    if session.get_nested_transaction() is not None:
        return  # a savepoint released: the real commit is still to come
    for name, items in session.info.pop(KEY, {}).items():
        _callbacks[name](items)


def _discard(session: OrmSession, previous_transaction) -> None:
    if not previous_transaction.nested:
        session.info.pop(KEY, None)


def init_app(app: Flask) -> None:
    for name, listener in (("after_commit", _after_commit), ("after_soft_rollback", _discard)):
        if not sa.event.contains(db.session, name, listener):
            sa.event.listen(db.session, name, listener)

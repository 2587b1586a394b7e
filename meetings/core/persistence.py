"""Flushing that turns a database constraint violation into a field error."""

from sqlalchemy.exc import IntegrityError

from meetings.core.validation import DomainValidationError
from meetings.extensions import db


def flush_or_raise(constraints: dict[str, tuple[str, str]]) -> None:
    """Flush the session; map a violated constraint to (field, message), rolling back.

    Keys are constraint names (PostgreSQL reports them) or the column lists SQLite reports
    ("meeting.body_id, meeting.number"). Services check first; this catches the race.
    """
    try:
        db.session.flush()
    except IntegrityError as exc:
        db.session.rollback()
        text = str(exc.orig)
        for key, (field, message) in constraints.items():
            if key in text:
                raise DomainValidationError({field: message}) from exc
        raise

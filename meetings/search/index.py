"""Keep the search index in step with meetings and documents, in the same transaction.

Before each flush, every meeting or document that is new or changed (a document also when
one of its files is added or has its text read) gets its entry's words written again. An
entry never outlives its record: the foreign keys delete it with the meeting or document,
and a deleted document's entry is emptied.
"""

import sqlalchemy as sa
from sqlalchemy.orm import Session as OrmSession

from meetings.bodies.numbering import meeting_label
from meetings.core.countries import country_name
from meetings.documents.models import Document, DocumentFile
from meetings.extensions import db
from meetings.schedule.models import Meeting
from meetings.search.models import SearchEntry
from meetings.search.terms import terms

MEETING_WORDS = ("title", "theme", "description", "city", "venue", "host")


def meeting_terms(meeting: Meeting) -> str:
    body = meeting.body
    return terms(
        *(getattr(meeting, name) or "" for name in MEETING_WORDS),
        country_name(meeting.country_code) or "",
        meeting_label(body, meeting.number) if body is not None else "",
        body.short_name if body is not None else "",
        body.name if body is not None else "",
    )


def document_terms(document: Document) -> str:
    if document.deleted_at is not None:
        return ""
    return terms(
        document.symbol or "",
        document.title,
        document.description,
        *(f.text for f in document.current_files),
    )


def _entry(session: OrmSession, **key) -> SearchEntry:
    ((name, thing),) = key.items()
    if thing.id is not None:
        found = session.scalar(
            sa.select(SearchEntry).where(getattr(SearchEntry, f"{name}_id") == thing.id)
        )
        if found is not None:
            return found
    entry = SearchEntry(**key)
    session.add(entry)
    return entry


def _before_flush(session: OrmSession, _context, _instances) -> None:
    changed = [o for o in (*session.new, *session.dirty) if session.is_modified(o)]
    meetings = {id(o): o for o in changed if isinstance(o, Meeting)}
    documents = {id(o): o for o in changed if isinstance(o, Document)}
    for o in changed:
        if isinstance(o, DocumentFile) and o.document is not None:
            documents.setdefault(id(o.document), o.document)
    if not meetings and not documents:
        return
    with session.no_autoflush:
        for meeting in meetings.values():
            if meeting not in session.deleted:
                _entry(session, meeting=meeting).terms = meeting_terms(meeting)
        for document in documents.values():
            if document not in session.deleted:
                _entry(session, document=document).terms = document_terms(document)


def init_app(app) -> None:
    if not sa.event.contains(db.session, "before_flush", _before_flush):
        sa.event.listen(db.session, "before_flush", _before_flush)


def rebuild() -> int:
    """Write every entry again (after a change of the word rules); the count written."""
    count = 0
    for meeting in db.session.scalars(sa.select(Meeting)):
        _entry(db.session(), meeting=meeting).terms = meeting_terms(meeting)
        count += 1
    for document in db.session.scalars(sa.select(Document)):
        _entry(db.session(), document=document).terms = document_terms(document)
        count += 1
    db.session.flush()
    return count

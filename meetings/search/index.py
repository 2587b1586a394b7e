"""Keep the search index in step with what it finds, in the same transaction.

Before each flush, every record that is new, or whose searched fields changed, gets its
entry's words written again: any change of a meeting or document (a document also when one
of its files is added or has its text read); a session's title, description, room or
meeting (and the sessions of a renamed meeting, whose title they hold); an action's title,
item, description or lead; the name of a registration or of an account. An entry never
outlives its record: the foreign keys delete it with the record, and a deleted document's
entry is emptied.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import selectinload

from meetings.accounts.models import User
from meetings.actions.models import Action, LeadKind
from meetings.bodies.numbering import meeting_label
from meetings.core.countries import country_name
from meetings.documents.models import Document, DocumentFile
from meetings.extensions import db
from meetings.registrations.models import Registration
from meetings.schedule.models import Meeting, Session
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


def session_terms(session: Session) -> str:
    meeting = session.meeting
    return terms(
        session.title or "",
        session.description or "",
        session.room or "",
        meeting.title if meeting is not None else "",
    )


def action_terms(action: Action) -> str:
    """Its item, title, description and lead organisation or member state: never the name
    of a lead person (people are found as people, where their name may be seen)."""
    country = action.lead_country if action.lead_kind is LeadKind.MEMBER_STATE else None
    return terms(
        action.item or "",
        action.title or "",
        action.description or "",
        action.lead_organisation or "",
        (country_name(country) or "") if country else "",
    )


def registration_terms(registration: Registration) -> str:
    return terms(registration.name or "")


def user_terms(user: User) -> str:
    return terms(user.name or "")


@dataclass(frozen=True)
class Kind:
    """A kind of record the index holds: its key in SearchEntry, its words, and the fields
    whose change rewrites them (None: any change)."""

    model: type
    key: str
    words: Callable[[object], str]
    fields: tuple[str, ...] | None = None


KINDS = (
    Kind(Meeting, "meeting", meeting_terms),
    Kind(Document, "document", document_terms),
    Kind(Session, "session", session_terms, ("title", "description", "room", "meeting_id")),
    Kind(
        Action,
        "action",
        action_terms,
        ("item", "title", "description", "lead_kind", "lead_organisation", "lead_country"),
    ),
    Kind(Registration, "registration", registration_terms, ("name",)),
    Kind(User, "user", user_terms, ("name",)),
)


def _changed(orm: OrmSession, thing, kind: Kind) -> bool:
    if thing in orm.new or kind.fields is None:
        return True
    attrs = sa.inspect(thing).attrs
    return any(attrs[name].history.has_changes() for name in kind.fields)


def _write(orm: OrmSession, kind: Kind, things: Iterable, every: bool = False) -> int:
    """Write the entries of these records (of one kind), loading those that exist in one
    statement (`every`: all of the kind's entries, for a rebuild)."""
    things = [t for t in things if t not in orm.deleted]
    column = getattr(SearchEntry, f"{kind.key}_id")
    ids = sorted({t.id for t in things if t.id is not None})
    wanted = column.is_not(None) if every else column.in_(ids)
    found = orm.scalars(sa.select(SearchEntry).where(wanted)) if ids else ()
    existing = {getattr(e, f"{kind.key}_id"): e for e in found}
    for thing in things:
        entry = existing.get(thing.id) if thing.id is not None else None
        if entry is None:
            entry = SearchEntry(**{kind.key: thing})
            orm.add(entry)
        entry.terms = kind.words(thing)
    return len(things)


def _before_flush(orm: OrmSession, _context, _instances) -> None:
    changed = [o for o in (*orm.new, *orm.dirty) if orm.is_modified(o)]
    if not changed:
        return
    pending: dict[str, dict[int, object]] = {kind.key: {} for kind in KINDS}
    for o in changed:
        if isinstance(o, DocumentFile) and o.document is not None:
            pending["document"].setdefault(id(o.document), o.document)
            continue
        for kind in KINDS:
            if isinstance(o, kind.model) and _changed(orm, o, kind):
                pending[kind.key].setdefault(id(o), o)
    if not any(pending.values()):
        return
    with orm.no_autoflush:
        for meeting in _renamed(orm, pending["meeting"].values()):
            for session in meeting.sessions:
                pending["session"].setdefault(id(session), session)
        for kind in KINDS:
            if pending[kind.key]:
                _write(orm, kind, pending[kind.key].values())


def _renamed(orm: OrmSession, meetings: Iterable[Meeting]) -> list[Meeting]:
    """Meetings already saved whose title changed: their sessions hold the title."""
    return [
        m
        for m in meetings
        if m not in orm.new
        and m not in orm.deleted
        and sa.inspect(m).attrs.title.history.has_changes()
    ]


def init_app(app) -> None:
    if not sa.event.contains(db.session, "before_flush", _before_flush):
        sa.event.listen(db.session, "before_flush", _before_flush)


LOAD_FOR_WORDS = {
    "meeting": (selectinload(Meeting.body),),
    "document": (selectinload(Document.files),),
    "session": (selectinload(Session.meeting),),
}


def rebuild() -> int:
    """Write every entry again (after a change of the word rules); the count written."""
    orm = db.session()
    count = 0
    for kind in KINDS:
        stmt = sa.select(kind.model).options(*LOAD_FOR_WORDS.get(kind.key, ()))
        count += _write(orm, kind, orm.scalars(stmt).all(), every=True)
    orm.flush()
    return count

"""Find meetings, sessions, documents and follow-up actions by their words and by filters,
as the viewer may see them (people: meetings/search/people.py).

Every word of the query must appear, as a word or the start of one ("strat" finds
"strategic"), in the title, symbol or text of a document; the title, theme, place or body of
a meeting; the title, description or room of a session or its meeting's title; the title,
item, description or lead organisation of an action. Results come newest first (actions: the
latest due first), so both databases list them in the same order.
"""

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, selectinload

from meetings.access.policies import meeting_visible, session_visible
from meetings.access.principal import Principal
from meetings.actions.models import Action
from meetings.actions.queries import ActionFilter, filtered_actions, list_options
from meetings.bodies.models import Body
from meetings.documents.models import Document, DocumentFile, DocumentStatus, DocumentType
from meetings.documents.services import visible_documents_query
from meetings.extensions import db
from meetings.mechanisms.models import Mechanism
from meetings.schedule.models import Meeting, Session
from meetings.search.models import FTS_TABLE, SearchEntry
from meetings.search.terms import query_words

AdoptedAt = sa.orm.aliased(Meeting, name="adopted_at")


@dataclass(frozen=True)
class SearchFilter:
    text: str = ""
    mechanism_id: int | None = None
    body_id: int | None = None
    meeting_id: int | None = None  # tabled or adopted at it (documents only)
    types: tuple[DocumentType, ...] = ()
    statuses: tuple[DocumentStatus, ...] = ()
    language: str | None = None
    year: int | None = None

    @property
    def words(self) -> list[str]:
        return query_words(self.text)

    @property
    def documents_only(self) -> bool:
        """Filters that only documents have: meetings are left out of the results."""
        return bool(self.types or self.statuses or self.language or self.meeting_id)

    @property
    def has_filters(self) -> bool:
        """Any filter beside the words (people are found by their names alone)."""
        return bool(self.mechanism_id or self.body_id or self.year or self.documents_only)

    def year_bounds(self) -> tuple[date, date]:
        return date(self.year, 1, 1), date(self.year, 12, 31)


@dataclass
class Results:
    items: list = field(default_factory=list)
    total: int = 0


def matching_entries(words: list[str]) -> sa.ColumnElement[bool]:
    """SearchEntry rows holding every word (as a prefix), by the database's own index."""
    return matching_any([words])


def matching_any(phrases: list[list[str]], whole_below: int = 0) -> sa.ColumnElement[bool]:
    """SearchEntry rows holding every word of at least one phrase (words as query_words makes
    them: letters and digits only), in one match of the database's own index. A word is
    matched as the start of a word, except words shorter than `whole_below` letters, matched
    whole (the "e" of "e-waste" is not the start of every word in "e")."""
    phrases = [words for words in phrases if words]
    if not phrases:
        return sa.false()
    if db.engine.dialect.name == "postgresql":

        def pg(w: str) -> str:
            return w if len(w) < whole_below else f"{w}:*"

        query = " | ".join("(" + " & ".join(pg(w) for w in words) + ")" for words in phrases)
        # On the GIN index, whatever the planner would choose (see migration d41e6a3b9c20);
        # in FROM, so that the function runs once and its rows are kept for the join.
        matched = sa.func.search_matches(query).column_valued("matched_entry_id")
        return SearchEntry.id.in_(sa.select(matched))

    def fts(w: str) -> str:
        return f'"{w}"' if len(w) < whole_below else f'"{w}"*'

    query = " OR ".join("(" + " ".join(fts(w) for w in words) + ")" for words in phrases)
    fts = sa.table(FTS_TABLE, sa.column("rowid"))
    matched = sa.select(fts.c.rowid).where(sa.text(f"{FTS_TABLE} MATCH :fts_query"))
    return SearchEntry.id.in_(matched.params(fts_query=query))


def search_documents(viewer: Principal, f: SearchFilter, page: int, per_page: int) -> Results:
    stmt = visible_documents_query(viewer).outerjoin(
        AdoptedAt, Document.adopted_at_id == AdoptedAt.id
    )
    if f.words:
        matched = sa.select(SearchEntry.document_id).where(matching_entries(f.words))
        stmt = stmt.where(Document.id.in_(matched))
    if f.mechanism_id:
        stmt = stmt.where(Body.mechanism_id == f.mechanism_id)
    if f.body_id:
        stmt = stmt.where(Document.body_id == f.body_id)
    if f.meeting_id:
        stmt = stmt.where(
            sa.or_(Document.meeting_id == f.meeting_id, Document.adopted_at_id == f.meeting_id)
        )
    if f.types:
        stmt = stmt.where(Document.type.in_([t.value for t in f.types]))
    if f.statuses:
        stmt = stmt.where(Document.status.in_([s.value for s in f.statuses]))
    if f.language:
        has_language = sa.select(DocumentFile.id).where(
            DocumentFile.document_id == Document.id, DocumentFile.language == f.language
        )
        stmt = stmt.where(has_language.exists())
    if f.year:
        first, last = date(f.year, 1, 1), date(f.year, 12, 31)
        stmt = stmt.where(
            sa.or_(
                Document.adopted_on.between(first, last),
                AdoptedAt.start_date.between(first, last),
                Meeting.start_date.between(first, last),
            )
        )
    total = db.session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery()))
    newest = sa.func.coalesce(Document.adopted_on, AdoptedAt.start_date, Meeting.start_date)
    stmt = (
        stmt.options(
            selectinload(Document.files),
            selectinload(Document.body).selectinload(Body.mechanism),
            selectinload(Document.meeting),
            selectinload(Document.adopted_at),
        )
        .order_by(newest.desc().nulls_last(), Document.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    return Results(list(db.session.scalars(stmt)), total or 0)


def search_meetings(viewer: Principal, f: SearchFilter, page: int, per_page: int) -> Results:
    if f.documents_only:
        return Results()
    stmt = (
        sa.select(Meeting)
        .join(Body, Meeting.body_id == Body.id)
        .join(Mechanism, Body.mechanism_id == Mechanism.id)
        .where(meeting_visible(viewer))
    )
    if f.words:
        matched = sa.select(SearchEntry.meeting_id).where(matching_entries(f.words))
        stmt = stmt.where(Meeting.id.in_(matched))
    stmt = _on_meeting(stmt, f)
    total = _count(stmt)
    stmt = (
        stmt.options(selectinload(Meeting.body).selectinload(Body.mechanism))
        .order_by(Meeting.start_date.desc(), Meeting.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    return Results(list(db.session.scalars(stmt)), total or 0)


def _on_meeting(stmt: sa.Select, f: SearchFilter) -> sa.Select:
    """The mechanism, body and year filters on a statement joined to Meeting and Body."""
    if f.mechanism_id:
        stmt = stmt.where(Body.mechanism_id == f.mechanism_id)
    if f.body_id:
        stmt = stmt.where(Meeting.body_id == f.body_id)
    if f.year:
        first, last = f.year_bounds()
        stmt = stmt.where(Meeting.start_date <= last, Meeting.end_date >= first)
    return stmt


def _count(stmt: sa.Select) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery())) or 0


def search_sessions(viewer: Principal, f: SearchFilter, page: int, per_page: int) -> Results:
    """Sessions the viewer may see; the year is that of their meeting, as for meetings."""
    if f.documents_only:
        return Results()
    stmt = (
        sa.select(Session)
        .join(Meeting, Session.meeting_id == Meeting.id)
        .join(Body, Meeting.body_id == Body.id)
        .join(Mechanism, Body.mechanism_id == Mechanism.id)
        .where(session_visible(viewer))
    )
    if f.words:
        matched = sa.select(SearchEntry.session_id).where(matching_entries(f.words))
        stmt = stmt.where(Session.id.in_(matched))
    stmt = _on_meeting(stmt, f)
    total = _count(stmt)
    stmt = (
        stmt.options(
            contains_eager(Session.meeting)
            .contains_eager(Meeting.body)
            .contains_eager(Body.mechanism)
        )
        .order_by(Session.starts_at.desc(), Session.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    return Results(list(db.session.scalars(stmt)), total)


def search_actions(viewer: Principal, f: SearchFilter, page: int, per_page: int) -> Results:
    """Actions of the bodies the viewer may see (as every list of actions); the year is one
    their due date (or period) falls in. The latest due first, those without a date last."""
    if f.documents_only:
        return Results()
    stmt = filtered_actions(viewer, ActionFilter(mechanism_id=f.mechanism_id, body_id=f.body_id))
    if f.words:
        matched = sa.select(SearchEntry.action_id).where(matching_entries(f.words))
        stmt = stmt.where(Action.id.in_(matched))
    if f.year:
        first, last = f.year_bounds()
        starts = sa.func.coalesce(Action.due_start, Action.due_end)
        stmt = stmt.where(Action.due_end >= first, starts <= last)
    total = _count(stmt)
    stmt = (
        stmt.order_by(None)
        .order_by(Action.due_end.desc().nulls_last(), Action.id.desc())
        .options(*list_options())
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    return Results(list(db.session.scalars(stmt).unique()), total)

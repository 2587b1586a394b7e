"""The search page: documents and meetings by words and filters.

Anyone may search; each reader finds only what they may see. A filter the page cannot use
(an unknown type, a year that is not one) is left out and named in a notice, never an error.
"""

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import Blueprint, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from meetings.access.guards import current_principal
from meetings.access.policies import can_view_body, can_view_mechanism, meeting_visible
from meetings.access.principal import Principal
from meetings.bodies.models import Body
from meetings.bodies.services import get_body, list_bodies
from meetings.core.validation import parse_choice
from meetings.documents.models import (
    LANGUAGES,
    STATUS_LABELS,
    TYPE_LABELS,
    DocumentStatus,
    DocumentType,
)
from meetings.extensions import db
from meetings.mechanisms.models import Mechanism
from meetings.mechanisms.services import SLUG, get_mechanism, list_mechanisms
from meetings.schedule.models import Meeting
from meetings.search.query import SearchFilter, search_documents, search_meetings
from meetings.search.terms import MAX_QUERY_WORDS, words

bp = Blueprint("search", __name__)
PER_PAGE = 20
MAX_PAGE = 100_000
MAX_QUERY_CHARS = 500
YEARS = (1900, 2200)
PAGE_ARGS = {"documents": "documents_page", "meetings": "meetings_page"}


@dataclass
class Asked:
    """What the reader asked for, as far as it could be understood."""

    filter: SearchFilter
    mechanism: Mechanism | None = None
    body: Body | None = None
    notices: list[str] = field(default_factory=list)

    @property
    def has_filters(self) -> bool:
        f = self.filter
        return any((f.mechanism_id, f.body_id, f.types, f.statuses, f.language, f.year))

    @property
    def is_search(self) -> bool:
        """Words or filters to search by; otherwise the page only shows its form."""
        return bool(self.filter.words) or self.has_filters


@bp.get("/search")
def index():
    p = current_principal()
    asked = read_args(request.args, p)
    documents = meetings = None
    seen_meetings: set[int] = set()
    if asked.is_search:
        documents = _section(p, asked, "documents", search_documents)
        meetings = _section(p, asked, "meetings", search_meetings)
        adopted_at = {d.adopted_at_id for d in documents.items} - {None}
        seen_meetings = visible_meeting_ids(p, adopted_at)
    return render_template(
        "search/index.html",
        asked=asked,
        documents=documents,
        meetings=meetings,
        seen_meetings=seen_meetings,
        per_page=PER_PAGE,
        mechanisms=list_mechanisms(p),
        bodies=list_bodies(p),
        types=TYPE_LABELS,
        statuses=STATUS_LABELS,
        languages=LANGUAGES,
        years=YEARS,
    )


def visible_meeting_ids(p: Principal, ids: set[int]) -> set[int]:
    """Those of these meetings the reader may see (a document may be adopted at a meeting
    closed to them), in one statement."""
    if not ids:
        return set()
    stmt = (
        sa.select(Meeting.id)
        .join(Body, Meeting.body_id == Body.id)
        .join(Mechanism, Body.mechanism_id == Mechanism.id)
        .where(Meeting.id.in_(sorted(ids)), meeting_visible(p))
    )
    return set(db.session.scalars(stmt))


def read_args(args: MultiDict, p: Principal) -> Asked:
    """The search filter the query string asks for; what could not be used, in notices."""
    notices: list[str] = []
    mechanism = _mechanism(args.get("mechanism", ""), p, notices)
    body = _body(args.get("body", ""), p, notices)
    f = SearchFilter(
        text=_text(args.get("q", ""), notices),
        mechanism_id=mechanism.id if mechanism else None,
        body_id=body.id if body else None,
        types=_choices(args.getlist("type"), DocumentType, "document type", notices),
        statuses=_choices(args.getlist("status"), DocumentStatus, "status", notices),
        language=_language(args.get("language", ""), notices),
        year=_year(args.get("year", ""), notices),
    )
    return Asked(f, mechanism, body, notices)


def _text(value: str, notices: list[str]) -> str:
    text = value.strip()[:MAX_QUERY_CHARS]
    found = words(text)
    if text and not found:
        notices.append("Your search has no words in it (only punctuation or symbols).")
    elif len(set(found)) > MAX_QUERY_WORDS:
        notices.append(f"Only the first {MAX_QUERY_WORDS} words were searched for.")
    return text


def _mechanism(slug: str, p: Principal, notices: list[str]) -> Mechanism | None:
    if not slug:
        return None
    mechanism = get_mechanism(slug) if SLUG.match(slug) else None
    if mechanism is None or not can_view_mechanism(p, mechanism):
        notices.append(f"There is no mechanism “{slug}”: that filter was left out.")
        return None
    return mechanism


def _body(slug: str, p: Principal, notices: list[str]) -> Body | None:
    if not slug:
        return None
    body = get_body(slug) if SLUG.match(slug) else None
    if body is None or not can_view_body(p, body):
        notices.append(f"There is no body “{slug}”: that filter was left out.")
        return None
    return body


def _choices(values: list[str], enum, noun: str, notices: list[str]) -> tuple:
    chosen = []
    for value in (v for v in values if v):
        choice = parse_choice(enum, value)
        if choice is None:
            notices.append(f"There is no {noun} “{value}”: that filter was left out.")
        elif choice not in chosen:
            chosen.append(choice)
    return tuple(chosen)


def _language(code: str, notices: list[str]) -> str | None:
    if code and code not in LANGUAGES:
        notices.append(f"There is no language “{code}”: that filter was left out.")
        return None
    return code or None


def _year(value: str, notices: list[str]) -> int | None:
    value = value.strip()
    if not value:
        return None
    year = int(value) if value.isascii() and value.isdigit() else None
    if year is None or not YEARS[0] <= year <= YEARS[1]:
        notices.append(
            f"“{value}” is not a year from {YEARS[0]} to {YEARS[1]}: that filter was left out."
        )
        return None
    return year


def _page(name: str) -> int:
    page = request.args.get(PAGE_ARGS[name], 1, type=int)
    return min(max(page, 1), MAX_PAGE)


@dataclass
class Section:
    """One page of a kind of results, with the links to the pages beside it."""

    items: list
    total: int
    page: int
    pages: int
    prev: str | None
    next: str | None


def _section(p: Principal, asked: Asked, name: str, search) -> Section:
    page = _page(name)
    results = search(p, asked.filter, page, PER_PAGE)
    pages = max((results.total + PER_PAGE - 1) // PER_PAGE, 1)
    return Section(
        items=results.items,
        total=results.total,
        page=page,
        pages=pages,
        prev=_page_url(name, page - 1) if page > 1 else None,
        next=_page_url(name, page + 1) if page < pages else None,
    )


def _page_url(name: str, page: int) -> str:
    args = request.args.to_dict(flat=False)
    args[PAGE_ARGS[name]] = [str(page)]
    return url_for(".index", **args)

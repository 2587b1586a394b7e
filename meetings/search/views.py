"""The search page: meetings, sessions, documents, follow-up actions and people, by words
and filters.

Anyone may search; each reader finds only what they may see. Every kind of result has its
section, with its count: the page lists the first few of each and links to all of one kind
(`?kind=actions`), which is paged. A filter the page cannot use (an unknown type or kind, a
year that is not one) is left out and named in a notice, never an error.
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
from meetings.search.kinds import KIND_LABELS, SEARCHES
from meetings.search.query import SearchFilter
from meetings.search.terms import MAX_QUERY_WORDS, words

bp = Blueprint("search", __name__)
PER_PAGE = 20  # on the page of one kind
FIRST = 5  # of each kind, on the page of every kind
MAX_PAGE = 100_000
MAX_QUERY_CHARS = 500
YEARS = (1900, 2200)


@dataclass
class Asked:
    """What the reader asked for, as far as it could be understood."""

    filter: SearchFilter
    mechanism: Mechanism | None = None
    body: Body | None = None
    kind: str | None = None  # one kind of result, paged; None: the first few of every kind
    notices: list[str] = field(default_factory=list)

    @property
    def has_filters(self) -> bool:
        f = self.filter
        return any((f.mechanism_id, f.body_id, f.types, f.statuses, f.language, f.year))

    @property
    def is_search(self) -> bool:
        """Words or filters to search by; otherwise the page only shows its form."""
        return bool(self.filter.words) or self.has_filters

    @property
    def kinds(self) -> tuple[str, ...]:
        return (self.kind,) if self.kind else tuple(SEARCHES)


@bp.get("/search")
def index():
    p = current_principal()
    asked = read_args(request.args, p)
    sections: list[Section] = []
    seen_meetings: set[int] = set()
    if asked.is_search:
        sections = [_section(p, asked, kind) for kind in asked.kinds]
        adopted_at = {
            d.adopted_at_id for s in sections if s.kind == "documents" for d in s.items
        } - {None}
        seen_meetings = visible_meeting_ids(p, adopted_at)
    return render_template(
        "search/index.html",
        asked=asked,
        sections=sections,
        seen_meetings=seen_meetings,
        kind_labels=KIND_LABELS,
        every_kind_url=_url(kind=None, page=None) if asked.kind else None,
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
    return Asked(f, mechanism, body, _kind(args.get("kind", ""), notices), notices)


def _text(value: str, notices: list[str]) -> str:
    text = value.strip()
    if len(text) > MAX_QUERY_CHARS:
        notices.append(f"Only the first {MAX_QUERY_CHARS} characters were searched for.")
        text = text[:MAX_QUERY_CHARS]
    found = words(text)
    if text and not found:
        notices.append("Your search has no words in it (only punctuation or symbols).")
    elif len(set(found)) > MAX_QUERY_WORDS:
        notices.append(f"Only the first {MAX_QUERY_WORDS} words were searched for.")
    return text


def _kind(value: str, notices: list[str]) -> str | None:
    value = value.strip()
    if value and value not in SEARCHES:
        shown = value if len(value) <= 40 else value[:40] + "…"
        names = ", ".join(SEARCHES)
        notices.append(f"There is no kind of result “{shown}” (only {names}): all are shown.")
        return None
    return value or None


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


def _page() -> int:
    page = request.args.get("page", 1, type=int)
    return min(max(page, 1), MAX_PAGE)


@dataclass
class Section:
    """The results of one kind: a page of them (or the first few), with its links."""

    kind: str
    label: str
    items: list
    total: int
    first: int  # the number of the first item listed
    left_out: str | None = None  # why this kind is not searched
    pages: int = 1
    page: int = 1
    prev: str | None = None
    next: str | None = None
    more: str | None = None  # all of this kind, on a page of their own


def _left_out(kind: str, f: SearchFilter) -> str | None:
    if kind == "documents":
        return None
    if f.documents_only:
        listed = KIND_LABELS[kind].lower()
        return f"Document type, status and language apply to documents only: no {listed} listed."
    if kind == "people" and f.has_filters:
        return "People are found by their names alone: choose no filter to find them."
    if kind == "people" and not f.words:
        return "Type a name to find people."
    return None


def _section(p: Principal, asked: Asked, kind: str) -> Section:
    label, left_out = KIND_LABELS[kind], _left_out(kind, asked.filter)
    if left_out:
        return Section(kind, label, [], 0, 1, left_out=left_out)
    if asked.kind is None:
        results = SEARCHES[kind](p, asked.filter, 1, FIRST)
        more = _url(kind=kind, page=None) if results.total > FIRST else None
        return Section(kind, label, results.items, results.total, 1, more=more)
    page = _page()
    results = SEARCHES[kind](p, asked.filter, page, PER_PAGE)
    pages = max((results.total + PER_PAGE - 1) // PER_PAGE, 1)
    return Section(
        kind,
        label,
        results.items,
        results.total,
        first=(page - 1) * PER_PAGE + 1,
        pages=pages,
        page=page,
        prev=_url(page=page - 1) if page > 1 else None,
        next=_url(page=page + 1) if page < pages else None,
    )


def _url(**changes) -> str:
    """This search's address with some arguments changed (None: left out)."""
    args = request.args.to_dict(flat=False)
    for name, value in changes.items():
        args.pop(name, None)
        if value is not None:
            args[name] = [str(value)]
    return url_for(".index", **args)

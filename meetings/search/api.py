"""/api/v1/search: meetings, sessions, documents, follow-up actions and people by words and
filters."""

import marshmallow as ma
from flask_smorest import Blueprint

from meetings.access.guards import current_principal
from meetings.bodies.api import body_from_arg
from meetings.core.api import page_envelope, page_size
from meetings.mechanisms.api import mechanism_from_arg
from meetings.search.kinds import KINDS, SEARCHES
from meetings.search.query import SearchFilter
from meetings.search.schemas import SearchQuerySchema, SearchResultsSchema

blp = Blueprint(
    "search_api",
    __name__,
    url_prefix="/api/v1/search",
    description="Search meetings, sessions, documents, follow-up actions and people by words, "
    "mechanism, body, type, status, language and year.",
)


@blp.get("")
@blp.arguments(SearchQuerySchema, location="query", unknown=ma.RAISE)
@blp.response(200, SearchResultsSchema)
def search(args: dict):
    """Find meetings, sessions, documents, actions and people, as the caller may see them.

    Every word must appear, as a word or the start of one, in a meeting's title, theme,
    place or body; a session's title, description, room or meeting; a document's title,
    symbol or text; an action's title, item, description or lead organisation; or the name
    of a person the caller may see named. Results come newest first (actions: the latest due
    first; people: by name). Asking for a type, status or language searches documents only;
    people are found by words alone, without filters. `kind` limits the answer to some kinds.
    """
    f = search_filter(args)
    viewer, page, size = current_principal(), args["page"], page_size(args)
    kinds = [k for k in KINDS if k in set(args.get("kind") or KINDS)]
    answer = {}
    for kind in kinds:
        results = SEARCHES[kind](viewer, f, page, size)
        answer[kind] = page_envelope(results.items, results.total, page, size)
    return answer


def search_filter(args: dict) -> SearchFilter:
    """The filter the query arguments ask for; an unknown mechanism or body is a 422."""
    mechanism = mechanism_from_arg(args.get("mechanism"))
    body = body_from_arg(args.get("body"))
    return SearchFilter(
        text=args.get("q", ""),
        mechanism_id=mechanism.id if mechanism else None,
        body_id=body.id if body else None,
        types=tuple(args.get("type") or ()),
        statuses=tuple(args.get("status") or ()),
        language=args.get("language"),
        year=args.get("year"),
    )

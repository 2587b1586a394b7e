"""/api/v1/search: documents and meetings by words and filters."""

import marshmallow as ma
from flask_smorest import Blueprint

from meetings.access.guards import current_principal
from meetings.bodies.api import body_from_arg
from meetings.core.api import page_envelope, page_size
from meetings.mechanisms.api import mechanism_from_arg
from meetings.search.query import SearchFilter, search_documents, search_meetings
from meetings.search.schemas import SearchQuerySchema, SearchResultsSchema

blp = Blueprint(
    "search_api",
    __name__,
    url_prefix="/api/v1/search",
    description="Search documents and meetings by words, mechanism, body, type, status, "
    "language and year.",
)


@blp.get("")
@blp.arguments(SearchQuerySchema, location="query", unknown=ma.RAISE)
@blp.response(200, SearchResultsSchema)
def search(args: dict):
    """Find documents and meetings, newest first, as the caller may see them.

    Every word must appear, as a word or the start of one, in a document's title, symbol or
    text, or in a meeting's title, theme, place or body. Asking for a type, status or
    language searches documents only.
    """
    f = search_filter(args)
    viewer, page, size = current_principal(), args["page"], page_size(args)
    documents = search_documents(viewer, f, page, size)
    meetings = search_meetings(viewer, f, page, size)
    return {
        "documents": page_envelope(documents.items, documents.total, page, size),
        "meetings": page_envelope(meetings.items, meetings.total, page, size),
    }


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

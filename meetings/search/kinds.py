"""The kinds of result a search finds, in the order pages and answers give them."""

from collections.abc import Callable

from meetings.access.principal import Principal
from meetings.search.people import search_people
from meetings.search.query import (
    Results,
    SearchFilter,
    search_actions,
    search_documents,
    search_meetings,
    search_sessions,
)

Search = Callable[[Principal, SearchFilter, int, int], Results]
SEARCHES: dict[str, Search] = {
    "meetings": search_meetings,
    "sessions": search_sessions,
    "documents": search_documents,
    "actions": search_actions,
    "people": search_people,
}
KINDS = tuple(SEARCHES)
KIND_LABELS = {
    "meetings": "Meetings",
    "sessions": "Sessions",
    "documents": "Documents",
    "actions": "Follow-up actions",
    "people": "People",
}

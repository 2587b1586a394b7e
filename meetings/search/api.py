"""/api/v1/search: documents and meetings by words and filters."""

from flask_smorest import Blueprint

blp = Blueprint(
    "search_api",
    __name__,
    url_prefix="/api/v1/search",
    description="Search documents and meetings by words, mechanism, body, type, status, "
    "language and year.",
)

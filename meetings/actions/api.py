"""/api/v1/actions: list, read, create, change follow-up actions and post progress."""

from flask_smorest import Blueprint

blp = Blueprint(
    "actions_api",
    __name__,
    url_prefix="/api/v1/actions",
    description="Follow-up actions traced to their meeting, document and item; progress "
    "updates and reviews.",
)

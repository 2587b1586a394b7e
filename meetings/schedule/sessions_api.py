"""/api/v1/sessions/<id>: read, change and delete one session of a meeting."""

from flask_smorest import Blueprint
from sqlalchemy.orm import joinedload

from meetings.access.guards import current_principal, require, visible_or_404
from meetings.access.policies import can_manage_body, can_view_session
from meetings.bodies.models import Body
from meetings.core.api import (
    deleted,
    guard_first,
    patched,
    refuse_anonymous_writes,
    saved,
    writes,
)
from meetings.extensions import db
from meetings.schedule import services
from meetings.schedule.models import Meeting, Session
from meetings.schedule.schemas import SessionPatchSchema, SessionSchema

blp = Blueprint(
    "sessions_api",
    __name__,
    url_prefix="/api/v1/sessions",
    description="Sessions of meetings; add one with POST /api/v1/meetings/{meeting_id}/sessions.",
)
blp.before_request(refuse_anonymous_writes)


def _visible(session_id: int) -> Session:
    options = [joinedload(Session.meeting).joinedload(Meeting.body).joinedload(Body.mechanism)]
    return visible_or_404(db.session.get(Session, session_id, options=options), can_view_session)


def _managed(session_id: int) -> Session:
    session = _visible(session_id)
    body = session.meeting.body
    allowed = can_manage_body(current_principal(), body)
    require(allowed, f"Only the secretariat or managers of {body.short_name}.", session)
    return session


@blp.get("/<int:session_id>")
@blp.response(200, SessionSchema)
def read(session_id: int):
    """Read one session."""
    return _visible(session_id)


@blp.patch("/<int:session_id>")
@writes(blp, 404)
@guard_first(_managed)
@blp.arguments(SessionPatchSchema)
@blp.response(200, SessionSchema)
def update(session: Session, changes: dict):
    """Change a session (its body's staff); fields left out keep their values."""
    start, end = services.session_local_times(session, session.meeting.timezone)
    local = {"day": start.date(), "start_time": start.time(), "end_time": end.time()}
    values = patched(session, SessionPatchSchema(), changes, **local)
    return saved(lambda: services.update_session(session, **values))


@blp.delete("/<int:session_id>")
@writes(blp, 404)
@blp.response(204)
def delete(session_id: int):
    """Delete a session (its body's staff)."""
    session = _managed(session_id)
    deleted(lambda: services.delete_session(session))

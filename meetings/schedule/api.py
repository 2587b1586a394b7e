"""GET /api/v1/meetings (filtered, paged) and /api/v1/meetings/<id> with its sessions."""

import marshmallow as ma
from flask_smorest import Blueprint, abort

from meetings.access.guards import current_principal
from meetings.access.policies import can_view_body, can_view_meeting
from meetings.bodies.models import Body
from meetings.bodies.services import get_body
from meetings.core.api import page_envelope, page_size
from meetings.core.ids import as_id
from meetings.extensions import db
from meetings.mechanisms.api import mechanism_from_arg
from meetings.schedule import services
from meetings.schedule.schemas import (
    MeetingDetailSchema,
    MeetingPageSchema,
    MeetingQuerySchema,
)

blp = Blueprint(
    "meetings_api",
    __name__,
    url_prefix="/api/v1/meetings",
    description="Meetings of bodies, with dates to their precision and sessions in UTC.",
)


@blp.get("")
@blp.arguments(MeetingQuerySchema, location="query", unknown=ma.RAISE)
@blp.response(200, MeetingPageSchema)
def list_all(args: dict):
    """List meetings, oldest first, filtered by mechanism, body, dates and status."""
    mechanism = mechanism_from_arg(args.get("mechanism"))
    body = _body_from_arg(args.get("body"))
    f = services.MeetingFilter(
        mechanism_id=mechanism.id if mechanism else None,
        body_id=body.id if body else None,
        date_from=args.get("date_from"),
        date_to=args.get("date_to"),
        statuses=tuple(args.get("status") or ()),
        viewer=current_principal(),
    )
    size = page_size(args)
    meetings, total = services.page_of_meetings(f, args["page"], size)
    return page_envelope(meetings, total, args["page"], size)


@blp.get("/<int:meeting_id>")
@blp.response(200, MeetingDetailSchema)
def read(meeting_id: int):
    """Read one meeting with its sessions."""
    meeting = services.get_meeting(meeting_id)
    if meeting is None or not can_view_meeting(current_principal(), meeting):
        abort(404, message=f"No meeting {meeting_id}.")
    return meeting


def _body_from_arg(value: str | None) -> Body | None:
    if not value:
        return None
    record_id = as_id(value)
    body = db.session.get(Body, record_id) if record_id else get_body(value)
    if body is None or not can_view_body(current_principal(), body):
        abort(422, errors={"query": {"body": [f"Unknown body {value!r}."]}})
    return body

"""/api/v1/meetings: list (filtered, paged) and read them with their sessions; create, change
and delete them, and add sessions to them."""

import marshmallow as ma
from flask_smorest import Blueprint, abort

from meetings.access.guards import current_principal, require
from meetings.access.policies import can_manage_body, can_view_body, can_view_meeting
from meetings.bodies.api import body_from_arg
from meetings.bodies.models import Body
from meetings.core.api import (
    LOCATION,
    created,
    deleted,
    guard_first,
    named_or_422,
    page_envelope,
    page_size,
    patched,
    refuse_anonymous_writes,
    saved,
    writes,
)
from meetings.extensions import db
from meetings.mechanisms.api import mechanism_from_arg
from meetings.schedule import services
from meetings.schedule.lookup import managed_meeting
from meetings.schedule.models import Meeting
from meetings.schedule.schemas import (
    MeetingCreateSchema,
    MeetingDetailSchema,
    MeetingPageSchema,
    MeetingPatchSchema,
    MeetingQuerySchema,
    SessionInputSchema,
    SessionSchema,
)

blp = Blueprint(
    "meetings_api",
    __name__,
    url_prefix="/api/v1/meetings",
    description="Meetings of bodies, with dates to their precision and sessions in UTC.",
)
blp.before_request(refuse_anonymous_writes)


@blp.get("")
@blp.arguments(MeetingQuerySchema, location="query", unknown=ma.RAISE)
@blp.response(200, MeetingPageSchema)
def list_all(args: dict):
    """List meetings, oldest first, filtered by mechanism, body, dates and status."""
    mechanism = mechanism_from_arg(args.get("mechanism"))
    body = body_from_arg(args.get("body"))
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


@blp.post("")
@writes(blp)
@blp.arguments(MeetingCreateSchema)
@blp.response(201, MeetingDetailSchema, headers=LOCATION)
def create(data: dict):
    """Create a meeting of a body (the mechanism's secretariat or the body's managers)."""
    body_id = data.pop("body_id")
    body = named_or_422(db.session.get(Body, body_id), can_view_body, "body_id")
    allowed = can_manage_body(current_principal(), body)
    require(allowed, f"Only the secretariat or managers of {body.short_name} add meetings.", body)
    meeting = saved(lambda: services.create_meeting(body, **data))
    return created(meeting, "meetings_api.read", meeting_id=meeting.id)


@blp.patch("/<int:meeting_id>")
@writes(blp, 404)
@guard_first(managed_meeting)
@blp.arguments(MeetingPatchSchema)
@blp.response(200, MeetingDetailSchema)
def update(meeting: Meeting, changes: dict):
    """Change a meeting (its body's staff); fields left out keep their values."""
    areas = [a.id for a in meeting.programme_areas]
    values = patched(meeting, MeetingPatchSchema(), changes, programme_area_ids=areas)
    return saved(lambda: services.update_meeting(meeting, **values))


@blp.delete("/<int:meeting_id>")
@writes(blp, 404)
@blp.response(204)
def delete(meeting_id: int):
    """Delete a meeting and its sessions (its body's staff)."""
    meeting = managed_meeting(meeting_id)
    deleted(lambda: services.delete_meeting(meeting))


@blp.post("/<int:meeting_id>/sessions")
@writes(blp, 404)
@guard_first(managed_meeting)
@blp.arguments(SessionInputSchema)
@blp.response(201, SessionSchema, headers=LOCATION)
def create_session(meeting: Meeting, data: dict):
    """Add a session to a meeting, in the venue's local day and times (its body's staff)."""
    session = saved(lambda: services.create_session(meeting, **data))
    return created(session, "sessions_api.read", session_id=session.id)

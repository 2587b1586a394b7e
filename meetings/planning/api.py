"""/api/v1/meetings/<id>/clashes: the meetings near a meeting's dates, across the mechanisms
the caller may see, with who would be expected at both (for the body's staff, who plan it)."""

import marshmallow as ma
from flask_smorest import Blueprint

from meetings.access.guards import current_principal
from meetings.planning.clashes import clashes_of
from meetings.schedule.lookup import managed_meeting

blp = Blueprint(
    "planning_api",
    __name__,
    url_prefix="/api/v1",
    description="Planning across mechanisms: clashes between meetings.",
)


class ClashSchema(ma.Schema):
    meeting_id = ma.fields.Integer()
    title = ma.fields.String()
    dates_label = ma.fields.String(metadata={"description": "As people write them"})
    place_label = ma.fields.String()
    body = ma.fields.String()
    mechanism = ma.fields.String()
    gap_days = ma.fields.Integer(metadata={"description": "0: they overlap"})
    summary = ma.fields.String(metadata={"description": "Overlaps it. / 2 days apart."})
    shared_states = ma.fields.List(
        ma.fields.String(), metadata={"description": "Member states of both mechanisms"}
    )
    people = ma.fields.List(
        ma.fields.String(),
        metadata={"description": "Registered, participating or NFP at both (names)"},
    )
    conjunction = ma.fields.Boolean(metadata={"description": "Held in conjunction with it"})
    needs_attention = ma.fields.Boolean(
        metadata={"description": "False only for a conjunction meeting next to it"}
    )


@blp.get("/meetings/<int:meeting_id>/clashes")
@blp.response(200, ClashSchema(many=True))
@blp.alt_response(404, response="NOT_FOUND")
def clashes(meeting_id: int):
    """The meetings within PLANNING_CLASH_DAYS of this one (or overlapping it), nearest first,
    and those held in conjunction with it wherever they are. For the body's staff."""
    meeting = managed_meeting(meeting_id, "see its clashes")
    return clashes_of(meeting, current_principal())

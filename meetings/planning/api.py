"""Planning across mechanisms: /api/v1/meetings/<id>/clashes, the meetings near a meeting's
dates with who would be expected at both (for the body's staff, who plan it); and
/api/v1/planning, the meetings scheduled and expected from the bodies' cadences over the next
24 months, with the bodies overdue for a meeting."""

import marshmallow as ma
from flask_smorest import Blueprint

from meetings.access.guards import current_principal
from meetings.bodies.api import body_from_arg
from meetings.core.models import utc_today
from meetings.mechanisms.api import mechanism_from_arg
from meetings.planning.clashes import clashes_of
from meetings.planning.projection import PlanFilter, project
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


class PlannedMeetingSchema(ma.Schema):
    id = ma.fields.Integer()
    title = ma.fields.String()
    dates_label = ma.fields.String()


class BodyPlanSchema(ma.Schema):
    body = ma.fields.Function(lambda p: p.body.slug, metadata={"description": "Its slug"})
    name = ma.fields.Function(lambda p: p.body.name)
    mechanism = ma.fields.Function(lambda p: p.body.mechanism.slug)
    cadence = ma.fields.Function(lambda p: p.body.cadence.value)
    last = ma.fields.Nested(
        PlannedMeetingSchema,
        allow_none=True,
        metadata={"description": "Its latest meeting that has begun"},
    )
    scheduled = ma.fields.List(ma.fields.Nested(PlannedMeetingSchema))
    expected = ma.fields.Function(
        lambda p: [e.month.strftime("%Y-%m") for e in p.expected],
        metadata={"description": "Months its cadence expects a meeting nobody has scheduled"},
    )
    overdue = ma.fields.Boolean(
        metadata={
            "description": "Further from its last meeting than its cadence allows, "
            "with nothing scheduled"
        }
    )


class ProjectionSchema(ma.Schema):
    start = ma.fields.Function(lambda p: p.start.strftime("%Y-%m"))
    end = ma.fields.Function(lambda p: p.end.strftime("%Y-%m"))
    bodies = ma.fields.List(ma.fields.Nested(BodyPlanSchema))


class ProjectionQuerySchema(ma.Schema):
    mechanism = ma.fields.String(metadata={"description": "Only this mechanism (slug or id)"})
    body = ma.fields.String(metadata={"description": "Only this body (slug or id)"})
    country = ma.fields.String(
        validate=ma.validate.Regexp(r"^[A-Za-z]{2}$", error="A country's ISO alpha-2 code."),
        metadata={"description": "Only the mechanisms this member state belongs to"},
    )


@blp.get("/planning")
@blp.arguments(ProjectionQuerySchema, location="query", unknown=ma.RAISE)
@blp.response(200, ProjectionSchema)
def projection(args: dict):
    """The bodies the caller may see, with their meetings scheduled and expected over the next
    24 months (from this month), and whether each is overdue for a meeting."""
    mechanism = mechanism_from_arg(args.get("mechanism"))
    body = body_from_arg(args.get("body"))
    country = args["country"].upper() if args.get("country") else None
    f = PlanFilter(
        mechanism_id=mechanism.id if mechanism else None,
        body_id=body.id if body else None,
        country=country,
    )
    return project(current_principal(), utc_today(), f)

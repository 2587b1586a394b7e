"""Planning across mechanisms: /api/v1/meetings/<id>/clashes, the meetings near a meeting's
dates with who would be expected at both (for the body's staff, who plan it); and
/api/v1/planning, the meetings scheduled and expected from the bodies' cadences over the next
24 months, with the bodies overdue for a meeting."""

from datetime import date

import marshmallow as ma
import sqlalchemy as sa
from flask_smorest import Blueprint, abort

from meetings.access.guards import current_principal
from meetings.access.policies import mechanism_visible
from meetings.bodies.api import body_from_arg
from meetings.core.dates import add_months, iso_bound
from meetings.core.ids import MAX_ID
from meetings.core.models import utc_today
from meetings.extensions import db
from meetings.mechanisms.api import mechanism_from_arg
from meetings.mechanisms.models import ProgrammeArea
from meetings.planning.calendar import MAX_MONTHS, month_in_range, window
from meetings.planning.clashes import clashes_of
from meetings.planning.projection import PlanFilter, areas_chosen, project
from meetings.schedule.lookup import managed_meeting
from meetings.themes.models import Theme

blp = Blueprint(
    "planning_api",
    __name__,
    url_prefix="/api/v1",
    description="Planning across mechanisms: clashes between meetings, the bodies' cadences "
    "projected, and the planning calendar.",
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
    area = ma.fields.Integer(
        strict=False,
        validate=ma.validate.Range(min=1, max=MAX_ID),
        metadata={
            "description": "Only meetings on this programme area (id) or its sub-areas, and "
            "the bodies that held or scheduled such meetings"
        },
    )
    theme = ma.fields.String(
        validate=ma.validate.Length(max=80),
        metadata={"description": "Only meetings on the programme areas of this theme (slug)"},
    )


@blp.get("/planning")
@blp.arguments(ProjectionQuerySchema, location="query", unknown=ma.RAISE)
@blp.response(200, ProjectionSchema)
def projection(args: dict):
    """The bodies the caller may see, with their meetings scheduled and expected over the next
    24 months (from this month), and whether each is overdue for a meeting."""
    return project(current_principal(), utc_today(), _plan_filter(args))


class CalendarQuerySchema(ProjectionQuerySchema):
    start = ma.fields.String(
        data_key="from",
        validate=ma.validate.Regexp(r"^\d{4}-\d{2}$", error="A month as YYYY-MM: 2027-09."),
        metadata={"description": "The first month (YYYY-MM); this month when left out"},
    )
    months = ma.fields.Integer(
        load_default=12,
        strict=False,
        validate=ma.validate.Range(min=1, max=MAX_MONTHS),
        metadata={"description": f"How many months, 1 to {MAX_MONTHS}"},
    )


class NearSchema(ma.Schema):
    meeting_id = ma.fields.Function(lambda n: n.meeting.id)
    title = ma.fields.Function(lambda n: n.meeting.title)
    mechanism = ma.fields.Function(lambda n: n.meeting.body.mechanism.slug)
    dates_label = ma.fields.Function(lambda n: n.meeting.dates_label)
    gap_days = ma.fields.Integer(metadata={"description": "0: they overlap"})


class CalendarMeetingSchema(PlannedMeetingSchema):
    body = ma.fields.Function(lambda m: m.body.slug)
    mechanism = ma.fields.Function(lambda m: m.body.mechanism.slug)
    start_date = ma.fields.Function(lambda m: iso_bound(m.start_date, m.date_precision))
    end_date = ma.fields.Function(lambda m: iso_bound(m.end_date, m.date_precision))
    date_precision = ma.fields.Function(lambda m: m.date_precision.value)
    status = ma.fields.Function(lambda m: m.status.value)


class CalendarEntrySchema(ma.Schema):
    meeting = ma.fields.Nested(CalendarMeetingSchema)
    clashes = ma.fields.List(
        ma.fields.Nested(NearSchema),
        metadata={"description": "Meetings you may see within PLANNING_CLASH_DAYS of it"},
    )


class ExpectedSchema(ma.Schema):
    body = ma.fields.Function(lambda e: e.body.slug)
    mechanism = ma.fields.Function(lambda e: e.body.mechanism.slug)
    month = ma.fields.Function(lambda e: e.month.strftime("%Y-%m"))


class CalendarMonthSchema(ma.Schema):
    month = ma.fields.Function(lambda m: m.first_day.strftime("%Y-%m"))
    meetings = ma.fields.List(ma.fields.Nested(CalendarEntrySchema), attribute="entries")
    expected = ma.fields.List(
        ma.fields.Nested(ExpectedSchema),
        metadata={"description": "Meetings the cadence expects that nobody has scheduled"},
    )
    mechanisms = ma.fields.Function(
        lambda m: len(m.mechanisms), metadata={"description": "How many mechanisms meet"}
    )


class CalendarSchema(ma.Schema):
    start = ma.fields.Function(lambda w: w.first_day.strftime("%Y-%m"))
    end = ma.fields.Function(lambda w: w.last_day.strftime("%Y-%m"))
    months = ma.fields.List(ma.fields.Nested(CalendarMonthSchema))
    year_only = ma.fields.List(
        ma.fields.Nested(CalendarEntrySchema),
        metadata={"description": "Meetings in the window known only to their year"},
    )


@blp.get("/planning/calendar")
@blp.arguments(CalendarQuerySchema, location="query", unknown=ma.RAISE)
@blp.response(200, CalendarSchema)
def calendar(args: dict):
    """The planning calendar: month by month, the meetings you may see (neither cancelled
    nor postponed) with their clashes, and the meetings expected from the bodies' cadences."""
    today = utc_today()
    first = today.replace(day=1)
    if args.get("start"):
        year, month = (int(part) for part in args["start"].split("-"))
        problem = month_in_range(year, month)
        if problem:
            abort(422, errors={"query": {"from": [problem]}})
        first = date(year, month, 1)
    last_month = add_months(first, args["months"] - 1)
    if month_in_range(last_month.year) is not None:
        abort(422, errors={"query": {"months": [month_in_range(last_month.year)]}})
    return window(current_principal(), today, _plan_filter(args), first, args["months"])


def _plan_filter(args: dict) -> PlanFilter:
    """The filter the query names; a 422 naming the argument for anything unknown."""
    p = current_principal()
    mechanism = mechanism_from_arg(args.get("mechanism"))
    body = body_from_arg(args.get("body"))
    country = args["country"].upper() if args.get("country") else None
    offered = {
        a.id: a
        for a in db.session.scalars(
            sa.select(ProgrammeArea).join(ProgrammeArea.mechanism).where(mechanism_visible(p))
        )
    }
    area = None
    if args.get("area") is not None:
        area = offered.get(args["area"])
        if area is None:
            abort(422, errors={"query": {"area": [f"Unknown programme area {args['area']}."]}})
    theme = None
    if args.get("theme"):
        theme = db.session.scalar(sa.select(Theme).where(Theme.slug == args["theme"]))
        if theme is None:
            abort(422, errors={"query": {"theme": [f"Unknown theme {args['theme']!r}."]}})
    return PlanFilter(
        mechanism_id=mechanism.id if mechanism else None,
        body_id=body.id if body else None,
        country=country,
        area_ids=areas_chosen(area, theme, offered),
    )

"""JSON shapes of meetings and sessions."""

import marshmallow as ma

from meetings.access.guards import current_principal
from meetings.access.policies import can_view_meeting, can_view_session
from meetings.bodies.schemas import BodyLinksMixin
from meetings.core.api import (
    InputSchema,
    PageQuerySchema,
    PatchMixin,
    absolute,
    ical_url,
    page_schema,
    record_id,
    sized_string,
    visibility_field,
)
from meetings.core.countries import country_name
from meetings.core.dates import DatePrecision, iso_bound
from meetings.core.timezones import in_zone
from meetings.mechanisms.schemas import ProgrammeAreaLinkSchema
from meetings.schedule.models import Meeting, MeetingFormat, MeetingStatus, Session, SessionKind
from meetings.schedule.services import label

PARTIAL_DATE = {
    "description": "ISO 8601 to the meeting's precision: 2025-09-02 (day), 2019-09 (month), "
    "2015 (year). A month-precision meeting is never given a day.",
    "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$",
}


class SessionSchema(ma.Schema):
    id = ma.fields.Integer()
    url = ma.fields.Method("_url")
    title = ma.fields.String()
    kind = ma.fields.Enum(SessionKind, by_value=True)
    starts_at = ma.fields.AwareDateTime(metadata={"description": "UTC"})
    ends_at = ma.fields.AwareDateTime(metadata={"description": "UTC"})
    local_starts_at = ma.fields.Method(
        "_local_start", metadata={"description": "In the meeting's time zone, with offset."}
    )
    local_ends_at = ma.fields.Method("_local_end")
    timezone = ma.fields.Function(lambda s: s.meeting.timezone)
    room = ma.fields.String()
    description = ma.fields.String()
    meeting_id = ma.fields.Integer()
    visibility = visibility_field(meeting_level=True)

    def _url(self, obj) -> str:
        return absolute("schedule.meeting_detail", meeting_id=obj.meeting_id) + f"#session-{obj.id}"

    def _local_start(self, obj) -> str:
        return in_zone(obj.starts_at, obj.meeting.timezone).isoformat()

    def _local_end(self, obj) -> str:
        return in_zone(obj.ends_at, obj.meeting.timezone).isoformat()


class MeetingSchema(BodyLinksMixin, ma.Schema):
    id = ma.fields.Integer()
    url = ma.fields.Method("_url")
    ical_url = ma.fields.Method("_ical_url")
    title = ma.fields.String()
    number = ma.fields.Integer(allow_none=True)
    label = ma.fields.Function(lambda m: label(m) or None, metadata={"description": "SOM-24"})
    body = ma.fields.Method("_body")
    mechanism = ma.fields.Method("_mechanism")
    theme = ma.fields.String()
    description = ma.fields.String()
    start_date = ma.fields.Function(
        lambda m: iso_bound(m.start_date, m.date_precision), metadata=PARTIAL_DATE
    )
    end_date = ma.fields.Function(
        lambda m: iso_bound(m.end_date, m.date_precision), metadata=PARTIAL_DATE
    )
    date_precision = ma.fields.Enum(DatePrecision, by_value=True)
    dates = ma.fields.String(attribute="dates_label", metadata={"description": "As people write"})
    timezone = ma.fields.String(metadata={"description": "IANA zone of the venue"})
    city = ma.fields.String()
    country = ma.fields.String(
        attribute="country_code", allow_none=True, metadata={"description": "ISO 3166-1 alpha-2"}
    )
    country_name = ma.fields.Function(lambda m: country_name(m.country_code) or None)
    venue = ma.fields.String()
    host = ma.fields.String()
    format = ma.fields.Enum(MeetingFormat, by_value=True)
    status = ma.fields.Enum(MeetingStatus, by_value=True)
    held_with = ma.fields.Method("_held_with", allow_none=True)
    source = ma.fields.String()
    visibility = visibility_field(meeting_level=True)
    updated_at = ma.fields.AwareDateTime()

    def _url(self, obj) -> str:
        return absolute("schedule.meeting_detail", meeting_id=obj.id)

    def _ical_url(self, obj) -> str:
        return ical_url("meetings", obj.id)

    def _held_with(self, obj) -> dict | None:
        if obj.held_with is None or not can_view_meeting(current_principal(), obj.held_with):
            return None
        return {
            "id": obj.held_with_id,
            "url": absolute("schedule.meeting_detail", meeting_id=obj.held_with_id),
        }


class MeetingDetailSchema(MeetingSchema):
    programme_areas = ma.fields.List(
        ma.fields.Nested(ProgrammeAreaLinkSchema),
        metadata={"description": "What it works on, of its mechanism's areas"},
    )
    # Only the sessions the reader may see; documented as the list of Session it is.
    sessions = ma.fields.Method(
        "_sessions",
        metadata={"type": "array", "items": {"$ref": "#/components/schemas/Session"}},
    )

    def _sessions(self, obj) -> list[dict]:
        p = current_principal()
        return SessionSchema(many=True).dump([s for s in obj.sessions if can_view_session(p, s)])


MeetingPageSchema = page_schema(MeetingSchema, "MeetingPage")


class MeetingQuerySchema(PageQuerySchema):
    mechanism = ma.fields.String(metadata={"description": "Mechanism slug or id."})
    body = ma.fields.String(metadata={"description": "Body slug or id."})
    date_from = ma.fields.Date(
        data_key="from",
        metadata={"description": "Meetings ending on or after this date (YYYY-MM-DD)."},
    )
    date_to = ma.fields.Date(
        data_key="to",
        metadata={"description": "Meetings starting on or before this date (YYYY-MM-DD)."},
    )
    status = ma.fields.List(
        ma.fields.Enum(MeetingStatus, by_value=True),
        metadata={"description": "One or more statuses (repeat the argument)."},
    )

    @ma.validates_schema
    def _window(self, data, **_):
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            raise ma.ValidationError("'to' is before 'from'.", field_name="to")


class MeetingInputSchema(InputSchema):
    """A meeting's own fields; which body it belongs to is set when it is created."""

    number = ma.fields.Integer(allow_none=True, metadata={"description": "24 for SOM-24"})
    title = sized_string(Meeting.title, metadata={"description": "Empty: titled from its body."})
    theme = ma.fields.String()
    description = ma.fields.String()
    start = ma.fields.String(required=True, metadata=PARTIAL_DATE)
    end = ma.fields.String(
        allow_none=True, metadata={**PARTIAL_DATE, "description": "Same precision as start."}
    )
    timezone = ma.fields.String(required=True, metadata={"description": "IANA zone of the venue"})
    city = sized_string(Meeting.city)
    country_code = ma.fields.String(allow_none=True, metadata={"description": "ISO alpha-2"})
    venue = sized_string(Meeting.venue)
    host = sized_string(Meeting.host)
    format = ma.fields.Enum(MeetingFormat, by_value=True, allow_none=True)
    status = ma.fields.Enum(MeetingStatus, by_value=True)
    held_with_id = record_id(allow_none=True)
    programme_area_ids = ma.fields.List(
        record_id(),
        metadata={"description": "Ids of its mechanism's programme areas; all replaced"},
    )
    source = ma.fields.String()
    visibility = visibility_field(meeting_level=True)


class MeetingCreateSchema(MeetingInputSchema):
    body_id = record_id(required=True)


class MeetingPatchSchema(PatchMixin, MeetingInputSchema):
    """A meeting changed by PATCH: the fields sent are checked, the rest kept."""


class SessionInputSchema(InputSchema):
    """A session, in the venue's local day and times."""

    title = sized_string(Session.title, required=True)
    kind = ma.fields.Enum(SessionKind, by_value=True)
    day = ma.fields.Date(required=True, metadata={"description": "At the venue"})
    start_time = ma.fields.Time(required=True, metadata={"description": "Venue time, 09:00"})
    end_time = ma.fields.Time(required=True, metadata={"description": "Venue time, 10:30"})
    room = sized_string(Session.room)
    description = ma.fields.String()
    visibility = visibility_field(meeting_level=True)


class SessionPatchSchema(PatchMixin, SessionInputSchema):
    """A session changed by PATCH: the fields sent are checked, the rest kept."""

"""JSON shape of a body."""

import marshmallow as ma

from meetings.bodies.models import Body, BodyKind, Cadence, NumberingStyle
from meetings.bodies.services import MAX_REMINDER_DAYS, MAX_REMINDERS
from meetings.core.api import (
    InputSchema,
    PatchMixin,
    absolute,
    ical_url,
    record_id,
    sized_string,
    visibility_field,
)
from meetings.core.ids import MAX_ID

DAYS = ma.validate.Range(min=1, max=MAX_REMINDER_DAYS)
REMINDER_DAYS = (
    f"Days before each meeting that its registered participants are reminded (1 to "
    f"{MAX_REMINDER_DAYS}, at most {MAX_REMINDERS}; [] for none)."
)
NFP_REMINDER_DAYS = (
    "Days before registration closes that National Focal Points of a delegation nobody is "
    f"nominated for are reminded (1 to {MAX_REMINDER_DAYS})."
)
APPROVAL_REMINDER_DAYS = (
    "Days before each meeting that its staff are told of registrations still awaiting "
    f"approval (1 to {MAX_REMINDER_DAYS})."
)


class BodySchema(ma.Schema):
    id = ma.fields.Integer()
    slug = ma.fields.String()
    url = ma.fields.Method("_url")
    ical_url = ma.fields.Method("_ical_url")
    name = ma.fields.String()
    short_name = ma.fields.String()
    kind = ma.fields.Enum(BodyKind, by_value=True)
    description = ma.fields.String()
    mechanism = ma.fields.Method("_mechanism")
    cadence = ma.fields.Enum(Cadence, by_value=True)
    cadence_note = ma.fields.String()
    numbering_style = ma.fields.Enum(NumberingStyle, by_value=True)
    number_prefix = ma.fields.String()
    usual_month = ma.fields.Integer(allow_none=True)
    conjunction_body = ma.fields.Method("_conjunction", allow_none=True)
    visibility = visibility_field(meeting_level=False)
    reminder_days = ma.fields.List(ma.fields.Integer(), metadata={"description": REMINDER_DAYS})
    nfp_reminder_days = ma.fields.Integer(metadata={"description": NFP_REMINDER_DAYS})
    approval_reminder_days = ma.fields.Integer(metadata={"description": APPROVAL_REMINDER_DAYS})
    updated_at = ma.fields.DateTime()

    def _url(self, obj) -> str:
        return absolute("bodies.detail", slug=obj.slug)

    def _ical_url(self, obj) -> str:
        return ical_url("bodies", obj.slug)

    def _mechanism(self, obj) -> dict:
        m = obj.mechanism
        return {
            "id": m.id,
            "slug": m.slug,
            "short_name": m.short_name,
            "url": absolute("mechanisms.detail", slug=m.slug),
        }

    def _conjunction(self, obj) -> dict | None:
        other = obj.conjunction_body
        if other is None:
            return None
        return {
            "id": other.id,
            "slug": other.slug,
            "short_name": other.short_name,
            "url": absolute("bodies.detail", slug=other.slug),
        }


class BodyInputSchema(InputSchema):
    """A body's own fields; which mechanism it belongs to is set when it is created."""

    slug = sized_string(Body.slug, required=True)
    name = sized_string(Body.name, required=True)
    short_name = sized_string(
        Body.short_name, required=True, metadata={"description": "As titles use it: SOM."}
    )
    kind = ma.fields.Enum(BodyKind, by_value=True, required=True)
    description = ma.fields.String()
    cadence = ma.fields.Enum(Cadence, by_value=True, required=True)
    cadence_note = sized_string(Body.cadence_note)
    numbering_style = ma.fields.Enum(NumberingStyle, by_value=True, required=True)
    number_prefix = sized_string(Body.number_prefix)
    usual_month = ma.fields.Integer(allow_none=True, validate=ma.validate.Range(min=1, max=12))
    conjunction_body_id = record_id(allow_none=True)
    position = ma.fields.Integer(validate=ma.validate.Range(min=0, max=MAX_ID))
    source = ma.fields.String()
    visibility = visibility_field(meeting_level=False)
    reminder_days = ma.fields.List(
        ma.fields.Integer(strict=True, validate=DAYS),
        metadata={"description": REMINDER_DAYS + " Duplicates count once. Default [14, 1]."},
    )
    nfp_reminder_days = ma.fields.Integer(
        strict=True, validate=DAYS, metadata={"description": NFP_REMINDER_DAYS + " Default 7."}
    )
    approval_reminder_days = ma.fields.Integer(
        strict=True, validate=DAYS, metadata={"description": APPROVAL_REMINDER_DAYS + " Default 7."}
    )


class BodyCreateSchema(BodyInputSchema):
    mechanism_id = record_id(required=True)


class BodyPatchSchema(PatchMixin, BodyInputSchema):
    """A body changed by PATCH: the fields sent are checked, the rest kept."""


class BodyLinksMixin:
    """`body` and `mechanism` of a record that has a body (meetings, documents), as links."""

    def _body(self, obj) -> dict:
        b = obj.body
        return {
            "id": b.id,
            "slug": b.slug,
            "short_name": b.short_name,
            "name": b.name,
            "url": absolute("bodies.detail", slug=b.slug),
        }

    def _mechanism(self, obj) -> dict:
        m = obj.body.mechanism
        return {
            "id": m.id,
            "slug": m.slug,
            "short_name": m.short_name,
            "url": absolute("mechanisms.detail", slug=m.slug),
        }

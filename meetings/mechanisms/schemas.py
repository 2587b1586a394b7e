"""JSON shapes of mechanisms, member states and programme areas."""

import marshmallow as ma

from meetings.access.guards import current_principal
from meetings.access.policies import can_view_body
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
from meetings.mechanisms.models import Mechanism, ProgrammeArea


class MemberStateSchema(ma.Schema):
    country = ma.fields.String(attribute="country_code", metadata={"description": "ISO alpha-2"})
    name = ma.fields.String()


class ProgrammeAreaLinkSchema(ma.Schema):
    """An area named where it is used (an action's, a meeting's)."""

    id = ma.fields.Integer()
    code = ma.fields.String()
    name = ma.fields.String()


class ProgrammeAreaSchema(ma.Schema):
    id = ma.fields.Integer()
    url = ma.fields.Method("_url")
    code = ma.fields.String()
    name = ma.fields.String()
    description = ma.fields.String()
    parent_id = ma.fields.Integer(allow_none=True)
    sdg_goals = ma.fields.List(ma.fields.Integer())
    position = ma.fields.Integer()

    def _url(self, obj) -> str:
        return absolute("mechanisms.detail", slug=obj.mechanism.slug) + f"#area-{obj.id}"


class MechanismSchema(ma.Schema):
    id = ma.fields.Integer()
    slug = ma.fields.String()
    url = ma.fields.Method("_url")
    ical_url = ma.fields.Method("_ical_url")
    name = ma.fields.String()
    short_name = ma.fields.String()
    description = ma.fields.String()
    secretariat = ma.fields.String()
    website = ma.fields.String()
    default_timezone = ma.fields.String()
    member_states = ma.fields.List(ma.fields.Nested(MemberStateSchema))
    programme_areas = ma.fields.List(ma.fields.Nested(ProgrammeAreaSchema))
    bodies = ma.fields.Method("_bodies")
    visibility = visibility_field(meeting_level=False)
    updated_at = ma.fields.DateTime()

    def _url(self, obj) -> str:
        return absolute("mechanisms.detail", slug=obj.slug)

    def _ical_url(self, obj) -> str:
        return ical_url("mechanisms", obj.slug)

    def _bodies(self, obj) -> list[dict]:
        return [
            {
                "id": b.id,
                "slug": b.slug,
                "short_name": b.short_name,
                "name": b.name,
                "url": absolute("bodies.detail", slug=b.slug),
            }
            for b in obj.bodies
            if can_view_body(current_principal(), b)
        ]


class MechanismInputSchema(InputSchema):
    slug = sized_string(
        Mechanism.slug, required=True, metadata={"description": "Lower-case letters, digits, -."}
    )
    name = sized_string(Mechanism.name, required=True)
    short_name = sized_string(Mechanism.short_name, required=True)
    description = ma.fields.String()
    secretariat = ma.fields.String()
    website = sized_string(Mechanism.website)
    default_timezone = sized_string(
        Mechanism.default_timezone, required=True, metadata={"description": "IANA zone"}
    )
    member_states = ma.fields.List(
        ma.fields.String(), required=True, metadata={"description": "ISO alpha-2 codes"}
    )
    source = ma.fields.String()
    visibility = visibility_field(meeting_level=False)


class MechanismPatchSchema(PatchMixin, MechanismInputSchema):
    """A mechanism changed by PATCH: the fields sent are checked, the rest kept."""


class ProgrammeAreaInputSchema(InputSchema):
    code = sized_string(ProgrammeArea.code, required=True)
    name = sized_string(ProgrammeArea.name, required=True)
    description = ma.fields.String()
    sdg_goals = ma.fields.List(ma.fields.Integer(), metadata={"description": "SDGs 1 to 17"})
    parent_id = record_id(allow_none=True, metadata={"description": "A top-level area."})
    position = ma.fields.Integer(validate=ma.validate.Range(min=0, max=MAX_ID))


class ProgrammeAreaPatchSchema(PatchMixin, ProgrammeAreaInputSchema):
    """A programme area changed by PATCH: the fields sent are checked, the rest kept."""

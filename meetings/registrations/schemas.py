"""JSON shapes of registration settings and registrations."""

import marshmallow as ma

from meetings.access import policies
from meetings.access.guards import current_principal
from meetings.core.api import InputSchema, PageQuerySchema, absolute, page_schema, sized_string
from meetings.registrations.models import (
    Category,
    DelegationRole,
    Registration,
    RegistrationStatus,
)

CATEGORY = ma.validate.OneOf([c.value for c in Category])
PERSONAL = {
    "type": "string",
    "nullable": True,
    "description": "Shown to the person, the NFP of their delegation, the secretariat and "
    "administrators; else null.",
}


# The rules live in meetings.access.policies; these names stay for the API's checks.
is_own = policies.is_own_registration
nominates_for = policies.is_nfp_of_registration


def _personal(attribute: str) -> ma.fields.Function:
    """A field of personal data: null unless policies.can_see_personal_data allows it."""

    def value(registration: Registration):
        if not policies.can_see_personal_data(current_principal(), registration):
            return None
        return getattr(registration, attribute)

    return ma.fields.Function(value, allow_none=True, metadata=PERSONAL)


class RegistrationSettingsSchema(ma.Schema):
    meeting_id = ma.fields.Integer()
    opens_at = ma.fields.AwareDateTime(metadata={"description": "UTC"})
    closes_at = ma.fields.AwareDateTime(metadata={"description": "UTC"})
    categories = ma.fields.List(ma.fields.String(validate=CATEGORY))
    capacity = ma.fields.Integer(allow_none=True, metadata={"description": "null: no limit"})
    delegation_quota = ma.fields.Integer(
        allow_none=True, metadata={"description": "Seats per delegation; null: no limit"}
    )
    needs_approval = ma.fields.Boolean()
    open_to_public = ma.fields.Boolean()


class RegistrationSettingsInputSchema(InputSchema):
    """The whole of a meeting's settings (PUT replaces them)."""

    opens_at = ma.fields.AwareDateTime(required=True, metadata={"description": "With offset"})
    closes_at = ma.fields.AwareDateTime(required=True, metadata={"description": "With offset"})
    categories = ma.fields.List(ma.fields.String(validate=CATEGORY), required=True)
    capacity = ma.fields.Integer(allow_none=True, load_default=None)
    delegation_quota = ma.fields.Integer(allow_none=True, load_default=None)
    needs_approval = ma.fields.Boolean(load_default=True)
    open_to_public = ma.fields.Boolean(load_default=False)


class RegistrationSchema(ma.Schema):
    id = ma.fields.Integer()
    url = ma.fields.Function(lambda r: absolute("registrations_api.read", registration_id=r.id))
    meeting_id = ma.fields.Integer()
    name = ma.fields.String()
    email = _personal("email")
    title = _personal("title")
    organisation = _personal("organisation")
    country_code = _personal("country_code")
    category = ma.fields.Enum(Category, by_value=True)
    delegation_country = ma.fields.String(allow_none=True)
    delegation_role = ma.fields.Enum(DelegationRole, by_value=True, allow_none=True)
    status = ma.fields.Enum(RegistrationStatus, by_value=True)
    source = ma.fields.String(
        metadata={"description": "form, nomination, secretariat, import or api"}
    )
    waitlisted_at = ma.fields.AwareDateTime(allow_none=True)
    attended_at = ma.fields.AwareDateTime(allow_none=True)
    created_at = ma.fields.AwareDateTime()


RegistrationPageSchema = page_schema(RegistrationSchema, "RegistrationPage")


class RegistrationQuerySchema(PageQuerySchema):
    status = ma.fields.Enum(RegistrationStatus, by_value=True)


class RegistrationInputSchema(InputSchema):
    """A person to register. Who sends it decides how it counts: a body's staff register
    anyone; an NFP nominates members of their delegation; anyone else registers themself
    (email: their account's) when the meeting is open to the public."""

    name = sized_string(Registration.__table__.c.name, required=True)
    email = sized_string(Registration.__table__.c.email)
    title = sized_string(Registration.__table__.c.title)
    organisation = sized_string(Registration.__table__.c.organisation)
    country_code = ma.fields.String(allow_none=True, metadata={"description": "ISO 3166-1"})
    category = ma.fields.String(validate=CATEGORY)
    delegation_country = ma.fields.String(allow_none=True)
    delegation_role = ma.fields.String(
        allow_none=True, validate=ma.validate.OneOf([r.value for r in DelegationRole])
    )


class AttendanceSchema(InputSchema):
    attended = ma.fields.Boolean(required=True)

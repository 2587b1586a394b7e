"""JSON shape of a body."""

import marshmallow as ma

from meetings.bodies.models import BodyKind, Cadence, NumberingStyle
from meetings.core.api import absolute, ical_url


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

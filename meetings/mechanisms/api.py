"""GET /api/v1/mechanisms and /api/v1/mechanisms/<id>."""

import marshmallow as ma
from flask_smorest import Blueprint, abort

from meetings.access.guards import current_principal
from meetings.access.policies import can_view_mechanism
from meetings.core.api import QuerySchema
from meetings.core.ids import as_id
from meetings.extensions import db
from meetings.mechanisms.models import Mechanism
from meetings.mechanisms.schemas import MechanismSchema
from meetings.mechanisms.services import get_mechanism, list_mechanisms

blp = Blueprint(
    "mechanisms_api",
    __name__,
    url_prefix="/api/v1/mechanisms",
    description="Cooperation mechanisms with their member states, bodies and programme areas.",
)


@blp.get("")
@blp.arguments(QuerySchema, location="query", as_kwargs=True, unknown=ma.RAISE)
@blp.response(200, MechanismSchema(many=True))
def list_all():
    """List the mechanisms."""
    return list_mechanisms(current_principal())


@blp.get("/<int:mechanism_id>")
@blp.response(200, MechanismSchema)
def read(mechanism_id: int):
    """Read one mechanism."""
    mechanism = db.session.get(Mechanism, mechanism_id)
    if mechanism is None or not can_view_mechanism(current_principal(), mechanism):
        abort(404, message=f"No mechanism {mechanism_id}.")
    return get_mechanism(mechanism.slug)


def mechanism_from_arg(value: str | None) -> Mechanism | None:
    """The mechanism a query names by slug or id; a 422 naming the argument if unknown."""
    if not value:
        return None
    record_id = as_id(value)
    mechanism = db.session.get(Mechanism, record_id) if record_id else get_mechanism(value)
    if mechanism is None or not can_view_mechanism(current_principal(), mechanism):
        abort(422, errors={"query": {"mechanism": [f"Unknown mechanism {value!r}."]}})
    return mechanism

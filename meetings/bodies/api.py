"""GET /api/v1/bodies and /api/v1/bodies/<id>."""

import marshmallow as ma
from flask_smorest import Blueprint, abort
from sqlalchemy.orm import joinedload

from meetings.access.guards import current_principal
from meetings.access.policies import can_view_body
from meetings.bodies.models import Body
from meetings.bodies.schemas import BodySchema
from meetings.bodies.services import list_bodies
from meetings.core.api import QuerySchema
from meetings.extensions import db
from meetings.mechanisms.api import mechanism_from_arg

blp = Blueprint(
    "bodies_api",
    __name__,
    url_prefix="/api/v1/bodies",
    description="Bodies: the recurring meeting series of each mechanism.",
)


class BodyQuerySchema(QuerySchema):
    mechanism = ma.fields.String(metadata={"description": "Mechanism slug or id."})


@blp.get("")
@blp.arguments(BodyQuerySchema, location="query", unknown=ma.RAISE)
@blp.response(200, BodySchema(many=True))
def list_all(args: dict):
    """List bodies, optionally of one mechanism."""
    mechanism = mechanism_from_arg(args.get("mechanism"))
    return list_bodies(current_principal(), mechanism)


@blp.get("/<int:body_id>")
@blp.response(200, BodySchema)
def read(body_id: int):
    """Read one body."""
    body = db.session.get(Body, body_id, options=[joinedload(Body.mechanism)])
    if body is None or not can_view_body(current_principal(), body):
        abort(404, message=f"No body {body_id}.")
    return body

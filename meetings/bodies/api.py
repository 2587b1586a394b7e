"""/api/v1/bodies: read them; create, change and delete them."""

import marshmallow as ma
from flask_smorest import Blueprint, abort
from sqlalchemy.orm import joinedload

from meetings.access.guards import current_principal, require, visible_or_404
from meetings.access.policies import (
    can_manage_body,
    can_manage_mechanism,
    can_view_body,
    can_view_mechanism,
)
from meetings.bodies import services
from meetings.bodies.models import Body
from meetings.bodies.schemas import BodyCreateSchema, BodyPatchSchema, BodySchema
from meetings.core.api import (
    LOCATION,
    QuerySchema,
    created,
    deleted,
    guard_first,
    named_or_422,
    patched,
    refuse_anonymous_writes,
    saved,
    writes,
)
from meetings.core.ids import as_id
from meetings.extensions import db
from meetings.mechanisms.api import mechanism_from_arg
from meetings.mechanisms.models import Mechanism

blp = Blueprint(
    "bodies_api",
    __name__,
    url_prefix="/api/v1/bodies",
    description="Bodies: the recurring meeting series of each mechanism.",
)
blp.before_request(refuse_anonymous_writes)


def _visible(body_id: int) -> Body:
    body = db.session.get(Body, body_id, options=[joinedload(Body.mechanism)])
    return visible_or_404(body, can_view_body)


def _managed(body_id: int) -> Body:
    body = _visible(body_id)
    allowed = can_manage_body(current_principal(), body)
    require(allowed, f"Only the secretariat or managers of {body.short_name} change it.", body)
    return body


class BodyQuerySchema(QuerySchema):
    mechanism = ma.fields.String(metadata={"description": "Mechanism slug or id."})


@blp.get("")
@blp.arguments(BodyQuerySchema, location="query", unknown=ma.RAISE)
@blp.response(200, BodySchema(many=True))
def list_all(args: dict):
    """List bodies, optionally of one mechanism."""
    mechanism = mechanism_from_arg(args.get("mechanism"))
    return services.list_bodies(current_principal(), mechanism)


@blp.get("/<int:body_id>")
@blp.response(200, BodySchema)
def read(body_id: int):
    """Read one body."""
    body = db.session.get(Body, body_id, options=[joinedload(Body.mechanism)])
    if body is None or not can_view_body(current_principal(), body):
        abort(404, message=f"No body {body_id}.")
    return body


@blp.post("")
@writes(blp)
@blp.arguments(BodyCreateSchema)
@blp.response(201, BodySchema, headers=LOCATION)
def create(data: dict):
    """Create a body of a mechanism (the mechanism's secretariat)."""
    mechanism_id = data.pop("mechanism_id")
    mechanism = named_or_422(
        db.session.get(Mechanism, mechanism_id), can_view_mechanism, "mechanism_id"
    )
    allowed = can_manage_mechanism(current_principal(), mechanism.id)
    require(allowed, f"Only the secretariat of {mechanism.short_name} adds bodies.", mechanism)
    body = saved(lambda: services.create_body(mechanism, **data))
    return created(body, "bodies_api.read", body_id=body.id)


@blp.patch("/<int:body_id>")
@writes(blp, 404)
@guard_first(_managed)
@blp.arguments(BodyPatchSchema)
@blp.response(200, BodySchema)
def update(body: Body, changes: dict):
    """Change a body (the secretariat or its managers); fields left out keep their values."""
    values = patched(body, BodyPatchSchema(), changes)
    return saved(lambda: services.update_body(body, **values))


@blp.delete("/<int:body_id>")
@writes(blp, 404, 409)
@blp.response(204)
def delete(body_id: int):
    """Delete a body without meetings (the mechanism's secretariat)."""
    body = _visible(body_id)
    allowed = can_manage_mechanism(current_principal(), body.mechanism_id)
    require(allowed, f"Only the secretariat of {body.mechanism.short_name} deletes bodies.", body)
    deleted(lambda: services.delete_body(body))


def body_from_arg(value: str | None) -> Body | None:
    """The body a query names by slug or id; a 422 naming the argument if unknown."""
    if not value:
        return None
    record_id = as_id(value)
    body = db.session.get(Body, record_id) if record_id else services.get_body(value)
    if body is None or not can_view_body(current_principal(), body):
        abort(422, errors={"query": {"body": [f"Unknown body {value!r}."]}})
    return body

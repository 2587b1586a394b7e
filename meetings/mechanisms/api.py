"""/api/v1/mechanisms: read them; create, change and delete them and their programme areas."""

import marshmallow as ma
from flask_smorest import Blueprint, abort

from meetings.access.guards import current_principal, require, visible_or_404
from meetings.access.policies import can_create_mechanism, can_manage_mechanism, can_view_mechanism
from meetings.access.principal import Principal
from meetings.core.api import (
    LOCATION,
    QuerySchema,
    created,
    deleted,
    guard_first,
    patched,
    refuse_anonymous_writes,
    saved,
    writes,
)
from meetings.core.ids import as_id
from meetings.extensions import db
from meetings.mechanisms import services
from meetings.mechanisms.models import Mechanism, ProgrammeArea
from meetings.mechanisms.schemas import (
    MechanismInputSchema,
    MechanismPatchSchema,
    MechanismSchema,
    ProgrammeAreaInputSchema,
    ProgrammeAreaPatchSchema,
    ProgrammeAreaSchema,
)

blp = Blueprint(
    "mechanisms_api",
    __name__,
    url_prefix="/api/v1/mechanisms",
    description="Cooperation mechanisms with their member states, bodies and programme areas.",
)
blp.before_request(refuse_anonymous_writes)


def _creator() -> Principal:
    p = current_principal()
    require(can_create_mechanism(p), "Only administrators create mechanisms.")
    return p


def _visible(mechanism_id: int) -> Mechanism:
    return visible_or_404(db.session.get(Mechanism, mechanism_id), can_view_mechanism)


def _managed(mechanism_id: int) -> Mechanism:
    mechanism = _visible(mechanism_id)
    allowed = can_manage_mechanism(current_principal(), mechanism.id)
    require(allowed, f"Only the secretariat of {mechanism.short_name} may change it.", mechanism)
    return mechanism


def _managed_area(mechanism_id: int, area_id: int) -> ProgrammeArea:
    return _area(_managed(mechanism_id), area_id)


def _area(mechanism: Mechanism, area_id: int) -> ProgrammeArea:
    area = db.session.get(ProgrammeArea, area_id)
    if area is None or area.mechanism_id != mechanism.id:
        abort(404, message=f"No programme area {area_id} in {mechanism.short_name}.")
    return area


@blp.get("")
@blp.arguments(QuerySchema, location="query", as_kwargs=True, unknown=ma.RAISE)
@blp.response(200, MechanismSchema(many=True))
def list_all():
    """List the mechanisms."""
    return services.list_mechanisms(current_principal())


@blp.get("/<int:mechanism_id>")
@blp.response(200, MechanismSchema)
def read(mechanism_id: int):
    """Read one mechanism."""
    mechanism = db.session.get(Mechanism, mechanism_id)
    if mechanism is None or not can_view_mechanism(current_principal(), mechanism):
        abort(404, message=f"No mechanism {mechanism_id}.")
    return services.get_mechanism(mechanism.slug)


@blp.post("")
@writes(blp)
@guard_first(_creator)
@blp.arguments(MechanismInputSchema)
@blp.response(201, MechanismSchema, headers=LOCATION)
def create(_admin: Principal, data: dict):
    """Create a mechanism (administrators)."""
    mechanism = saved(lambda: services.create_mechanism(**data))
    return created(mechanism, "mechanisms_api.read", mechanism_id=mechanism.id)


@blp.patch("/<int:mechanism_id>")
@writes(blp, 404)
@guard_first(_managed)
@blp.arguments(MechanismPatchSchema)
@blp.response(200, MechanismSchema)
def update(mechanism: Mechanism, changes: dict):
    """Change a mechanism (its secretariat); fields left out keep their values."""
    values = patched(
        mechanism, MechanismPatchSchema(), changes, member_states=mechanism.country_codes
    )
    return saved(lambda: services.update_mechanism(mechanism, **values))


@blp.delete("/<int:mechanism_id>")
@writes(blp, 404, 409)
@blp.response(204)
def delete(mechanism_id: int):
    """Delete a mechanism without bodies (administrators)."""
    mechanism = _visible(mechanism_id)
    allowed = can_create_mechanism(current_principal())
    require(allowed, "Only administrators delete mechanisms.", mechanism)
    deleted(lambda: services.delete_mechanism(mechanism))


@blp.get("/<int:mechanism_id>/programme-areas/<int:area_id>")
@blp.response(200, ProgrammeAreaSchema)
def read_area(mechanism_id: int, area_id: int):
    """Read one programme area of a mechanism."""
    return _area(_visible(mechanism_id), area_id)


@blp.post("/<int:mechanism_id>/programme-areas")
@writes(blp, 404)
@guard_first(_managed)
@blp.arguments(ProgrammeAreaInputSchema)
@blp.response(201, ProgrammeAreaSchema, headers=LOCATION)
def create_area(mechanism: Mechanism, data: dict):
    """Add a programme area to a mechanism (its secretariat)."""
    area = saved(lambda: services.save_programme_area(mechanism, **data))
    return created(area, "mechanisms_api.read_area", mechanism_id=mechanism.id, area_id=area.id)


@blp.patch("/<int:mechanism_id>/programme-areas/<int:area_id>")
@writes(blp, 404)
@guard_first(_managed_area)
@blp.arguments(ProgrammeAreaPatchSchema)
@blp.response(200, ProgrammeAreaSchema)
def update_area(area: ProgrammeArea, changes: dict):
    """Change a programme area (the mechanism's secretariat); fields left out keep their values."""
    values = patched(area, ProgrammeAreaPatchSchema(), changes)
    return saved(lambda: services.save_programme_area(area.mechanism, area, **values))


def mechanism_from_arg(value: str | None) -> Mechanism | None:
    """The mechanism a query names by slug or id; a 422 naming the argument if unknown."""
    if not value:
        return None
    record_id = as_id(value)
    mechanism = db.session.get(Mechanism, record_id) if record_id else services.get_mechanism(value)
    if mechanism is None or not can_view_mechanism(current_principal(), mechanism):
        abort(422, errors={"query": {"mechanism": [f"Unknown mechanism {value!r}."]}})
    return mechanism

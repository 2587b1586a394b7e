"""/api/v1: a meeting's registration settings and registrations; approve, decline, move up,
mark attendance and cancel one registration."""

from typing import NoReturn

import marshmallow as ma
import sqlalchemy as sa
from flask_smorest import Blueprint, abort
from sqlalchemy.orm import joinedload

from meetings.access.guards import current_principal, require, visible_or_404
from meetings.access.policies import can_manage_body, can_view_meeting
from meetings.access.principal import Principal
from meetings.accounts.services import find_user, get_user
from meetings.bodies.models import Body
from meetings.core.api import (
    LOCATION,
    created,
    deleted,
    guard_first,
    page_envelope,
    page_size,
    refuse_anonymous_writes,
    saved,
    writes,
)
from meetings.extensions import db
from meetings.registrations import emails, services
from meetings.registrations.models import Category, Registration
from meetings.registrations.schemas import (
    AttendanceSchema,
    RegistrationInputSchema,
    RegistrationPageSchema,
    RegistrationQuerySchema,
    RegistrationSchema,
    RegistrationSettingsInputSchema,
    RegistrationSettingsSchema,
    is_own,
    nominates_for,
)
from meetings.schedule.lookup import managed_meeting, visible_meeting
from meetings.schedule.models import Meeting

blp = Blueprint(
    "registrations_api",
    __name__,
    url_prefix="/api/v1",
    description="Registration for meetings: settings, registrations, nominations, the waiting "
    "list and attendance.",
)
blp.before_request(refuse_anonymous_writes)


# Who may do what.


def _is_staff(p: Principal, meeting: Meeting) -> bool:
    return can_manage_body(p, meeting.body)


def _nfp_countries(p: Principal, meeting: Meeting) -> list[str]:
    mechanism_id = meeting.body.mechanism_id
    return sorted(country for mid, country in p.nfp_of if mid == mechanism_id)


def _registering(meeting_id: int) -> Meeting:
    """The meeting, if the principal may register anyone for it (staff, NFP, or self)."""
    meeting = visible_meeting(meeting_id)
    p = current_principal()
    settings = services.settings_of(meeting)
    public = settings is not None and settings.open_to_public
    allowed = _is_staff(p, meeting) or bool(_nfp_countries(p, meeting)) or public
    require(allowed, "This meeting takes nominations by national focal points only.", meeting)
    return meeting


def can_view_registration(p: Principal, registration: Registration) -> bool:
    """The person themself, their delegation's NFP and the body's staff."""
    if is_own(p, registration):
        return True
    meeting = registration.meeting
    mine = _is_staff(p, meeting) or nominates_for(p, registration)
    return mine and can_view_meeting(p, meeting)


def _visible(registration_id: int) -> Registration:
    options = [joinedload(Registration.meeting).joinedload(Meeting.body).joinedload(Body.mechanism)]
    registration = db.session.get(Registration, registration_id, options=options)
    return visible_or_404(registration, can_view_registration)


def _managed(registration_id: int) -> Registration:
    registration = _visible(registration_id)
    meeting = registration.meeting
    allowed = _is_staff(current_principal(), meeting)
    require(
        allowed, f"Only the secretariat or managers of {meeting.body.short_name}.", registration
    )
    return registration


# Settings.


@blp.get("/meetings/<int:meeting_id>/registration-settings")
@blp.response(200, RegistrationSettingsSchema)
@blp.alt_response(404, response="NOT_FOUND")
def read_settings(meeting_id: int):
    """Read how a meeting takes registrations (404 until its staff open registration)."""
    settings = services.settings_of(visible_meeting(meeting_id))
    if settings is None:
        abort(404, message="Registration has not been opened for this meeting.")
    return settings


@blp.put("/meetings/<int:meeting_id>/registration-settings")
@writes(blp, 404)
@guard_first(managed_meeting)
@blp.arguments(RegistrationSettingsInputSchema)
@blp.response(200, RegistrationSettingsSchema)
def update_settings(meeting: Meeting, data: dict):
    """Open registration or change its settings (its body's staff); all fields are replaced."""
    return saved(lambda: services.save_settings(meeting, **data))


# Registrations of a meeting.


def _listed(p: Principal, meeting: Meeting) -> sa.ColumnElement[bool]:
    """The registrations of the meeting the principal may see in its list."""
    if _is_staff(p, meeting):
        return sa.true()
    mine = [Registration.email == p.email, Registration.user_id == p.user_id]
    countries = _nfp_countries(p, meeting)
    if countries:
        mine.append(Registration.delegation_country.in_(countries))
    return sa.or_(*mine)


@blp.get("/meetings/<int:meeting_id>/registrations")
@blp.arguments(RegistrationQuerySchema, location="query", unknown=ma.RAISE)
@blp.response(200, RegistrationPageSchema)
@blp.alt_response(401, response="UNAUTHORIZED")
@blp.alt_response(404, response="NOT_FOUND")
def list_registrations(args: dict, meeting_id: int):
    """List a meeting's registrations: all for its staff, an NFP's delegation, one's own."""
    p = current_principal()
    require(p.is_authenticated, "Sign in to see registrations.")
    meeting = visible_meeting(meeting_id)
    stmt = sa.select(Registration).where(Registration.meeting_id == meeting.id)
    stmt = stmt.where(_listed(p, meeting))
    if args.get("status"):
        stmt = stmt.where(Registration.status == args["status"])
    total = db.session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery()))
    size, page = page_size(args), args["page"]
    stmt = stmt.order_by(Registration.id).limit(size).offset((page - 1) * size)
    items = list(db.session.scalars(stmt.options(joinedload(Registration.meeting))))
    return page_envelope(items, total, page, size)


@blp.post("/meetings/<int:meeting_id>/registrations")
@writes(blp, 404, 422)
@guard_first(_registering)
@blp.arguments(RegistrationInputSchema)
@blp.response(201, RegistrationSchema, headers=LOCATION)
def create_registration(meeting: Meeting, data: dict):
    """Register a person for a meeting.

    The body's staff register anyone (source secretariat); an NFP a member of their
    delegation (nomination); anyone else themself, with their account's email, when the
    meeting is open to the public (api: no email confirmation, the address is known).
    Past the capacity people join the waiting list; over its quota a delegation is a 422.
    """
    p = current_principal()
    if _is_staff(p, meeting):
        source, fields = "secretariat", dict(data)
    elif _nfp_countries(p, meeting) and data.get("category", "delegation") == "delegation":
        source, fields = "nomination", _nomination(p, meeting, data)
    else:
        source, fields = "api", _self_registration(p, meeting, data)
    user = get_user(p.user_id) if source == "api" else find_user(fields.get("email") or "")
    nominated_by = get_user(p.user_id) if source == "nomination" else None

    def register() -> services.NewRegistration:
        new = services.register(
            meeting, source=source, nominated_by=nominated_by, user=user, **fields
        )
        _tell(new.registration, source)
        return new

    new = saved(register)
    registration = new.registration
    return created(registration, "registrations_api.read", registration_id=registration.id)


def _nomination(p: Principal, meeting: Meeting, data: dict) -> dict:
    """An NFP nominates a member of their own delegation."""
    countries = _nfp_countries(p, meeting)
    country = (data.get("delegation_country") or "").strip().upper()
    if not country and len(countries) == 1:
        country = countries[0]
    if not country:
        _unprocessable("delegation_country", "Choose one of " + ", ".join(countries) + ".")
    require(country in countries, f"You nominate for {', '.join(countries)} only.", meeting)
    return {**data, "category": Category.DELEGATION.value, "delegation_country": country}


def _self_registration(p: Principal, meeting: Meeting, data: dict) -> dict:
    """A person registers themself, with their account's email address."""
    settings = services.settings_of(meeting)
    require(settings is not None and settings.open_to_public, "Nominations only.", meeting)
    email = (data.get("email") or p.email).strip().lower()
    if email != p.email:
        _unprocessable("email", "Register yourself with your account's email address.")
    if data.get("category") == Category.DELEGATION.value:
        _unprocessable("category", "Delegates are nominated by their national focal point.")
    return {**data, "email": p.email}


def _tell(registration: Registration, source: str) -> None:
    """Mail the person as the pages do: a nomination, or where their own registration stands
    (the secretariat's entries, like its imports, are not announced)."""
    if source == "nomination":
        emails.send_status(registration, "nominated")
    elif source == "api":
        emails.send_status(registration, emails.CONFIRMED_EVENT[registration.status])


def _unprocessable(field: str, message: str) -> NoReturn:
    abort(422, errors={"json": {field: [message]}})


# One registration.


@blp.get("/registrations/<int:registration_id>")
@blp.response(200, RegistrationSchema)
@blp.alt_response(404, response="NOT_FOUND")
def read(registration_id: int):
    """Read one registration (the person, their NFP, the body's staff)."""
    return _visible(registration_id)


@blp.post("/registrations/<int:registration_id>/approve")
@writes(blp, 404, 422)
@blp.response(200, RegistrationSchema)
def approve(registration_id: int):
    """Approve a pending registration (the body's staff)."""
    registration = _managed(registration_id)
    saved(lambda: emails.run_and_tell(registration, services.approve, "approved"))
    return registration


@blp.post("/registrations/<int:registration_id>/decline")
@writes(blp, 404, 422)
@blp.response(200, RegistrationSchema)
def decline(registration_id: int):
    """Decline a registration; its seat goes to the first on the waiting list."""
    registration = _managed(registration_id)
    saved(lambda: emails.run_and_tell(registration, services.decline, "declined"))
    return registration


@blp.post("/registrations/<int:registration_id>/move-up")
@writes(blp, 404, 422)
@blp.response(200, RegistrationSchema)
def move_up(registration_id: int):
    """Give a waiting-list entry a seat, if one is free (the body's staff)."""
    registration = _managed(registration_id)
    saved(lambda: emails.run_and_tell(registration, services.move_up, "moved_up"))
    return registration


@blp.post("/registrations/<int:registration_id>/attendance")
@writes(blp, 404, 422)
@guard_first(_managed)
@blp.arguments(AttendanceSchema)
@blp.response(200, RegistrationSchema)
def attendance(registration: Registration, data: dict):
    """Record whether the person attended (the body's staff)."""
    saved(lambda: services.mark_attendance(registration, data["attended"]))
    return registration


@blp.delete("/registrations/<int:registration_id>")
@writes(blp, 404, 409)
@blp.response(204)
def cancel(registration_id: int):
    """Cancel a registration (the person, their NFP, the body's staff).

    The first on the waiting list moves up; a registration already closed is a 409.
    """
    registration = _visible(registration_id)  # those who see it may cancel it
    require(True, "Only with a read-write token.", registration)
    deleted(lambda: emails.run_and_tell(registration, services.cancel))

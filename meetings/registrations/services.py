"""Register, nominate, approve, decline, cancel: seats, quotas and the waiting list.

Every change of seats first takes the meeting's registration lock (an UPDATE of its
settings row), so that counts read afterwards are current and two registrations cannot
both take the last seat — on PostgreSQL (row lock) and SQLite (write lock) alike.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from meetings.accounts.models import User
from meetings.accounts.secrets import digest, new_secret
from meetings.core.countries import country_name, is_country
from meetings.core.models import utcnow
from meetings.core.persistence import flush_or_raise
from meetings.core.validation import DomainValidationError, parse_choice, raise_if, require
from meetings.extensions import db
from meetings.registrations.models import (
    SEATED,
    Category,
    DelegationRole,
    Registration,
    RegistrationSettings,
    RegistrationStatus,
)
from meetings.schedule.models import Meeting

ALREADY = "This email address is already registered for this meeting."
UNIQUE = {
    "uq_registration_meeting_id_email": ("email", ALREADY),
    "registration.meeting_id, registration.email": ("email", ALREADY),
}
PERSON_FIELDS = {"name": 200, "title": 200, "organisation": 300}
# Paths that obey the registration window; the secretariat's own entries do not.
WINDOWED = ("form", "nomination", "api")


def settings_of(meeting: Meeting) -> RegistrationSettings | None:
    return db.session.get(RegistrationSettings, meeting.id)


def save_settings(meeting: Meeting, **fields: Any) -> RegistrationSettings:
    """Open (or change) registration: window in UTC, categories, capacity, quota, approval."""
    errors: dict[str, list[str]] = {}
    opens, closes = fields.get("opens_at"), fields.get("closes_at")
    require(errors, "opens_at", isinstance(opens, datetime), "Give when registration opens.")
    require(errors, "closes_at", isinstance(closes, datetime), "Give when it closes.")
    if isinstance(opens, datetime) and isinstance(closes, datetime):
        require(errors, "closes_at", closes > opens, "Registration closes before it opens.")
    categories = [c for c in fields.get("categories") or [] if parse_choice(Category, c)]
    require(errors, "categories", bool(categories), "Accept at least one category.")
    for key in ("capacity", "delegation_quota"):
        value = fields.get(key)
        require(errors, key, value is None or 0 < value <= 100_000, "Give a number above 0.")
    raise_if(errors)
    settings = settings_of(meeting) or RegistrationSettings(meeting_id=meeting.id)
    settings.opens_at, settings.closes_at, settings.categories = opens, closes, categories
    settings.capacity, settings.delegation_quota = (
        fields.get("capacity"),
        fields.get("delegation_quota"),
    )
    settings.needs_approval = bool(fields.get("needs_approval"))
    settings.open_to_public = bool(fields.get("open_to_public"))
    db.session.add(settings)
    db.session.flush()
    return settings


@dataclass(frozen=True)
class NewRegistration:
    registration: Registration
    # The email-confirmation secret, for form registrations (sent by mail, never stored).
    secret: str | None = None


def register(
    meeting: Meeting,
    source: str = "form",
    nominated_by: User | None = None,
    user: User | None = None,
    **fields: Any,
) -> NewRegistration:
    """Register a person. A form registration waits for its email address to be confirmed;
    every other path takes a seat, a place on the waiting list, or is refused over quota."""
    settings = settings_of(meeting)
    values = _clean_person(meeting, settings, source, fields)
    registration = Registration(
        meeting_id=meeting.id,
        user_id=user.id if user else None,
        nominated_by_id=nominated_by.id if nominated_by else None,
        source=source,
        **values,
    )
    if source == "form":
        secret = new_secret()
        registration.status = RegistrationStatus.UNCONFIRMED
        registration.confirmation_hash = digest(secret)
        _insert(registration)
        return NewRegistration(registration, secret)
    _lock(settings)
    registration.status = _seat_for(registration, settings)
    _insert(registration)
    return NewRegistration(registration)


def _insert(registration: Registration) -> None:
    db.session.add(registration)
    flush_or_raise(UNIQUE)


def _clean_person(meeting, settings, source: str, fields: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    values = {k: (fields.get(k) or "").strip() for k in PERSON_FIELDS}
    for key, limit in PERSON_FIELDS.items():
        require(errors, key, len(values[key]) <= limit, f"Use at most {limit} characters.")
    require(errors, "name", bool(values["name"]), "Give the person's name.")
    email = (fields.get("email") or "").strip().lower()
    local, _, domain = email.partition("@")
    valid = bool(local) and "." in domain and " " not in email and len(email) <= 254
    require(errors, "email", valid, "Give a valid email address, such as name@example.org.")
    _check_window(errors, settings, source)
    category = parse_choice(Category, fields.get("category") or "")
    accepted = settings.categories if settings else []
    require(errors, "category", category is not None, "Choose a category.")
    require(
        errors,
        "category",
        category is None or category.value in accepted,
        "This meeting does not take registrations in this category.",
    )
    country = (fields.get("country_code") or "").strip().upper() or None
    require(errors, "country_code", country is None or is_country(country), "Unknown country.")
    delegation, role = _delegation(errors, meeting, category, fields)
    raise_if(errors)
    if valid:
        _check_unique(meeting, email)
    return {
        **values,
        "email": email,
        "category": category,
        "country_code": country,
        "delegation_country": delegation,
        "delegation_role": role,
    }


def _check_window(errors: dict, settings: RegistrationSettings | None, source: str) -> None:
    if settings is None:
        require(errors, "meeting", False, "Registration is not open for this meeting.")
        return
    if source in WINDOWED:
        now = utcnow()
        require(errors, "meeting", now >= settings.opens_at, "Registration is not open yet.")
        require(errors, "meeting", now <= settings.closes_at, "Registration has closed.")
    if source == "form":
        require(errors, "meeting", settings.open_to_public, "This meeting takes nominations only.")


def _delegation(errors: dict, meeting: Meeting, category, fields: dict) -> tuple[Any, Any]:
    if category is not Category.DELEGATION:
        return None, None
    country = (fields.get("delegation_country") or "").strip().upper()
    members = meeting.body.mechanism.country_codes
    require(
        errors,
        "delegation_country",
        country in members,
        "Choose a member state of " + meeting.body.mechanism.short_name + ".",
    )
    role = parse_choice(DelegationRole, fields.get("delegation_role") or DelegationRole.DELEGATE)
    require(errors, "delegation_role", role is not None, "Choose head, delegate or adviser.")
    return country or None, role


def _check_unique(meeting: Meeting, email: str) -> None:
    stmt = sa.select(Registration.id).filter_by(meeting_id=meeting.id, email=email)
    if db.session.scalar(stmt) is not None:
        raise DomainValidationError({"email": ALREADY})


def _lock(settings: RegistrationSettings) -> None:
    """Take the meeting's registration lock until the transaction ends (see module doc)."""
    stmt = sa.update(RegistrationSettings).where(
        RegistrationSettings.meeting_id == settings.meeting_id
    )
    db.session.execute(
        stmt.values(seat_changes=RegistrationSettings.seat_changes + 1),
        execution_options={"synchronize_session": False},
    )


def _seated(meeting_id: int, delegation: str | None = None) -> int:
    stmt = (
        sa.select(sa.func.count())
        .select_from(Registration)
        .where(Registration.meeting_id == meeting_id, Registration.status.in_(SEATED))
    )
    if delegation is not None:
        stmt = stmt.where(Registration.delegation_country == delegation)
    return db.session.scalar(stmt) or 0


def _seat_for(registration: Registration, settings: RegistrationSettings) -> RegistrationStatus:
    """A seat (pending or confirmed), or the waiting list; over its quota a delegation is
    refused (the NFP chooses whom to replace)."""
    quota, country = settings.delegation_quota, registration.delegation_country
    if quota is not None and country and _seated(settings.meeting_id, country) >= quota:
        raise DomainValidationError(
            {
                "delegation_country": f"The delegation of {country_name(country) or country}"
                f" is full ({quota} seat{'s' if quota != 1 else ''})."
            }
        )
    capacity = settings.capacity
    if capacity is not None and _seated(settings.meeting_id) >= capacity:
        registration.waitlisted_at = utcnow()
        return RegistrationStatus.WAITLISTED
    return RegistrationStatus.PENDING if settings.needs_approval else RegistrationStatus.CONFIRMED


def confirm_email(secret: str) -> Registration | None:
    """Confirm a form registration's address; it then takes a seat or a waiting place."""
    stmt = sa.select(Registration).where(Registration.confirmation_hash == digest(secret or ""))
    registration = db.session.scalar(stmt)
    if registration is None or registration.status is not RegistrationStatus.UNCONFIRMED:
        return registration
    settings = settings_of(registration.meeting)
    _lock(settings)
    db.session.refresh(registration)
    if registration.status is RegistrationStatus.UNCONFIRMED:
        registration.email_confirmed_at = utcnow()
        registration.status = _seat_for(registration, settings)
        db.session.flush()
    return registration


def approve(registration: Registration) -> None:
    _require_status(registration, (RegistrationStatus.PENDING,), "Only pending ones are approved.")
    registration.status = RegistrationStatus.CONFIRMED
    db.session.flush()


def decline(registration: Registration) -> list[Registration]:
    """Decline; the seat it held goes to the waiting list. Returns those who moved up."""
    return _release(registration, RegistrationStatus.DECLINED)


def cancel(registration: Registration) -> list[Registration]:
    """The person cancels; the first on the waiting list moves up. Returns who moved up."""
    return _release(registration, RegistrationStatus.CANCELLED)


def _release(registration: Registration, status: RegistrationStatus) -> list[Registration]:
    open_ = (*SEATED, RegistrationStatus.WAITLISTED, RegistrationStatus.UNCONFIRMED)
    _require_status(registration, open_, "This registration is already closed.")
    settings = settings_of(registration.meeting)
    _lock(settings)
    registration.status, registration.waitlisted_at = status, None
    db.session.flush()
    return promote_waitlisted(settings)


def move_up(registration: Registration) -> None:
    """The secretariat moves someone from the waiting list, if a seat is free."""
    _require_status(
        registration, (RegistrationStatus.WAITLISTED,), "Only waiting-list entries move up."
    )
    settings = settings_of(registration.meeting)
    _lock(settings)
    status = _seat_for(registration, settings)
    if status is RegistrationStatus.WAITLISTED:
        raise DomainValidationError({"status": "No seat is free: raise the capacity first."})
    registration.status, registration.waitlisted_at = status, None
    db.session.flush()


def promote_waitlisted(settings: RegistrationSettings) -> list[Registration]:
    """Give free seats to the waiting list, earliest first (the lock is already held)."""
    stmt = (
        sa.select(Registration)
        .where(
            Registration.meeting_id == settings.meeting_id,
            Registration.status == RegistrationStatus.WAITLISTED,
        )
        .order_by(Registration.waitlisted_at, Registration.id)
    )
    moved = []
    for waiting in db.session.scalars(stmt).all():
        try:
            status = _seat_for(waiting, settings)
        except DomainValidationError:
            continue  # its delegation is full: the next in line may still fit
        if status is RegistrationStatus.WAITLISTED:
            break
        waiting.status, waiting.waitlisted_at = status, None
        db.session.flush()
        moved.append(waiting)
    return moved


def mark_attendance(registration: Registration, attended: bool) -> None:
    registration.attended_at = utcnow() if attended else None
    db.session.flush()


def _require_status(registration: Registration, allowed: tuple, message: str) -> None:
    if registration.status not in allowed:
        raise DomainValidationError({"status": message})

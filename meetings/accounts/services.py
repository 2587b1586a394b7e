"""People and their roles: create, find, grant, revoke, set passwords, sign in."""

import secrets
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from meetings.accounts.models import Role, RoleAssignment, SignInAttempt, User
from meetings.accounts.passwords import (
    hash_password,
    needs_rehash,
    password_problems,
    verify_password,
)
from meetings.bodies.models import Body
from meetings.core.countries import is_country
from meetings.core.ids import as_id
from meetings.core.models import utcnow
from meetings.core.validation import DomainValidationError, parse_choice, raise_if, require
from meetings.extensions import db
from meetings.mechanisms.models import Mechanism

# Failed sign-ins allowed in the window, per account and per network address.
FAILURES_PER_ACCOUNT = 5
FAILURES_PER_ADDRESS = 20
FAILURE_WINDOW = timedelta(minutes=15)


def normal_email(email: str) -> str:
    return (email or "").strip().lower()


def get_user(user_id: int) -> User | None:
    return db.session.get(User, user_id)


def find_user(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normal_email(email)))


def list_users() -> list[User]:
    stmt = sa.select(User).options(
        selectinload(User.roles).joinedload(RoleAssignment.mechanism),
        selectinload(User.roles).joinedload(RoleAssignment.body).joinedload(Body.mechanism),
    )
    return list(db.session.scalars(stmt.order_by(User.email)))


def create_user(email: str, name: str = "", password: str | None = None) -> User:
    email = normal_email(email)
    errors: dict[str, list[str]] = {}
    require(errors, "email", "@" in email and "." in email.split("@")[-1], "Give an email address.")
    require(errors, "email", len(email) <= 254, "An email address has at most 254 characters.")
    require(errors, "email", find_user(email) is None, "There is already an account for it.")
    if password is not None:
        for problem in password_problems(password, email):
            require(errors, "password", False, problem)
    raise_if(errors)
    user = User(email=email, name=(name or "").strip()[:200], session_nonce=_nonce())
    if password is not None:
        user.password_hash = hash_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def set_password(user: User, password: str) -> None:
    """Set a new password; every other signed-in session of the person ends."""
    errors: dict[str, list[str]] = {}
    for problem in password_problems(password, user.email):
        require(errors, "password", False, problem)
    raise_if(errors)
    user.password_hash = hash_password(password)
    user.session_nonce = _nonce()
    db.session.flush()


def change_password(user: User, current: str, new: str) -> None:
    """Set a new password once the current one is confirmed; other sessions end."""
    if not verify_password(user.password_hash, current):
        raise DomainValidationError({"current_password": "This is not your current password."})  # nosec B105  # an error message
    set_password(user, new)


def _nonce() -> str:
    return secrets.token_hex(16)


def user_for_session(session_id: str) -> User | None:
    """The user a session cookie names ("id:nonce"), if the nonce is still current."""
    user_id, _, nonce = (session_id or "").partition(":")
    if as_id(user_id) is None or not nonce:
        return None
    user = db.session.get(User, as_id(user_id))
    if user is None or not user.is_active or not secrets.compare_digest(user.session_nonce, nonce):
        return None
    return user


def is_throttled(email: str, address: str) -> bool:
    """Too many recent failures for this account or from this address."""
    since = utcnow() - FAILURE_WINDOW
    count = sa.select(sa.func.count()).select_from(SignInAttempt).where(SignInAttempt.at >= since)
    by_account = db.session.scalar(count.where(SignInAttempt.email == normal_email(email)))
    by_address = db.session.scalar(count.where(SignInAttempt.address == address))
    return by_account >= FAILURES_PER_ACCOUNT or by_address >= FAILURES_PER_ADDRESS


def authenticate(email: str, password: str, address: str) -> User | None:
    """The user whose credentials these are, or None (a failure is counted)."""
    user = find_user(email)
    ok = verify_password(user.password_hash if user else None, password)
    if not ok or user is None or not user.is_active:
        db.session.add(SignInAttempt(email=normal_email(email)[:254], address=address[:64]))
        db.session.flush()
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_sign_in_at = utcnow()
    db.session.execute(sa.delete(SignInAttempt).where(SignInAttempt.email == user.email))
    db.session.flush()
    return user


# Roles.

SCOPE_NEEDS = {
    Role.ADMIN: (),
    Role.SECRETARIAT: ("mechanism_id",),
    Role.BODY_MANAGER: ("body_id",),
    Role.NFP: ("mechanism_id", "country_code"),
    Role.DELEGATE: ("mechanism_id",),
}


def clean_role(fields: dict[str, Any]) -> dict[str, Any]:
    """Check a role and its scope; return the columns of a RoleAssignment."""
    errors: dict[str, list[str]] = {}
    role = parse_choice(Role, fields.get("role") or "")
    require(errors, "role", role is not None, "Choose a role.")
    raise_if(errors)
    mechanism = _mechanism(fields.get("mechanism_id")) if role is not Role.BODY_MANAGER else None
    body = db.session.get(Body, _int(fields.get("body_id"))) if role is Role.BODY_MANAGER else None
    country = (fields.get("country_code") or "").strip().upper() or None
    needs = SCOPE_NEEDS[role]
    require(errors, "mechanism_id", "mechanism_id" not in needs or mechanism, "Choose a mechanism.")
    require(errors, "body_id", "body_id" not in needs or body, "Choose a body.")
    require(errors, "country_code", "country_code" not in needs or country, "Choose a country.")
    if country and mechanism and role in (Role.NFP, Role.DELEGATE):
        require(
            errors,
            "country_code",
            country in mechanism.country_codes,
            f"{country} is not a member state of {mechanism.short_name}.",
        )
    require(errors, "country_code", not country or is_country(country), "Unknown country.")
    raise_if(errors)
    keeps_country = role in (Role.NFP, Role.DELEGATE)
    return {
        "role": role,
        "mechanism_id": body.mechanism_id if body else (mechanism.id if mechanism else None),
        "body_id": body.id if body else None,
        "country_code": country if keeps_country else None,
    }


def grant_role(user: User, **fields: Any) -> RoleAssignment:
    scope = clean_role(fields)
    for existing in user.roles:
        same = all(getattr(existing, k) == v for k, v in scope.items())
        if same:
            return existing
    assignment = RoleAssignment(user=user, **scope)
    db.session.add(assignment)
    db.session.flush()
    return assignment


def revoke_role(assignment: RoleAssignment) -> None:
    db.session.delete(assignment)
    db.session.flush()


def _int(value: Any) -> int | None:
    return as_id(str(value or "").strip())


def _mechanism(value: Any) -> Mechanism | None:
    mechanism_id = _int(value)
    return db.session.get(Mechanism, mechanism_id) if mechanism_id else None

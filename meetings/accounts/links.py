"""Single-use, expiring links sent by email: invitations and password resets."""

from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from meetings.accounts.models import EmailLink, LinkPurpose, RoleAssignment, User
from meetings.accounts.secrets import digest, new_secret
from meetings.accounts.services import clean_role, create_user, find_user, grant_role, normal_email
from meetings.accounts.services import set_password as set_user_password
from meetings.bodies.models import Body
from meetings.core.models import utcnow
from meetings.core.validation import DomainValidationError, raise_if, require
from meetings.extensions import db
from meetings.mechanisms.models import Mechanism

LIFETIME = {
    LinkPurpose.INVITATION: timedelta(days=14),
    LinkPurpose.PASSWORD_RESET: timedelta(hours=1),
}


def _issue(purpose: LinkPurpose, email: str, **fields: Any) -> tuple[EmailLink, str]:
    secret = new_secret()
    link = EmailLink(
        purpose=purpose,
        email=normal_email(email),
        token_hash=digest(secret),
        expires_at=utcnow() + LIFETIME[purpose],
        **fields,
    )
    db.session.add(link)
    db.session.flush()
    return link, secret


def invite(email: str, invited_by: User | None, **role_fields: Any) -> tuple[EmailLink, str]:
    """An invitation granting a role; an existing account simply gets the role on accepting."""
    errors: dict[str, list[str]] = {}
    address = normal_email(email)
    require(errors, "email", "@" in address and len(address) <= 254, "Give an email address.")
    raise_if(errors)
    scope = clean_role(role_fields)
    user = find_user(address)
    return _issue(
        LinkPurpose.INVITATION,
        address,
        user=user,
        invited_by=invited_by,
        **scope,
    )


def request_reset(email: str) -> tuple[EmailLink, str] | None:
    """A reset link for an active account; None (and nothing sent) for any other address."""
    user = find_user(email)
    if user is None or not user.is_active:
        return None
    return _issue(LinkPurpose.PASSWORD_RESET, user.email, user=user)


def live_link(secret: str, purpose: LinkPurpose) -> EmailLink | None:
    """The unused, unexpired link of this purpose that a secret names."""
    link = find_link(secret, purpose)
    return link if link_state(link) == "live" else None


def link_state(link: EmailLink | None) -> str:
    """What a page can tell about a link: live, used, expired or unknown."""
    if link is None:
        return "unknown"
    if link.used_at is not None:
        return "used"
    return "live" if link.expires_at > utcnow() else "expired"


def find_link(secret: str, purpose: LinkPurpose) -> EmailLink | None:
    """The link of this purpose that a secret names, live or not."""
    if not secret:
        return None
    link = db.session.scalar(sa.select(EmailLink).where(EmailLink.token_hash == digest(secret)))
    return link if link is not None and link.purpose is purpose else None


def invited_role(link: EmailLink) -> RoleAssignment:
    """The role an invitation grants, as an unsaved assignment (to show its label)."""
    return RoleAssignment(
        role=link.role,
        mechanism=db.session.get(Mechanism, link.mechanism_id) if link.mechanism_id else None,
        body=db.session.get(Body, link.body_id) if link.body_id else None,
        country_code=link.country_code,
    )


def accept_invitation(link: EmailLink, name: str, password: str | None) -> User:
    """Create the account (or reuse the existing one), set its password, grant the role.

    An existing account that has a password keeps it when no password is given.
    """
    _claim(link)
    user = link.user or find_user(link.email) or create_user(link.email, name=name)
    if name.strip():
        user.name = name.strip()[:200]
    if password is not None or user.password_hash is None:
        set_user_password(user, password or "")
    scope = {
        "role": link.role,
        "mechanism_id": link.mechanism_id,
        "body_id": link.body_id,
        "country_code": link.country_code,
    }
    grant_role(user, **scope)
    return user


def reset_password(link: EmailLink, password: str) -> User:
    """Set the password and spend this and every other open reset link of the person."""
    _claim(link)
    set_user_password(link.user, password)
    stmt = sa.update(EmailLink).where(
        EmailLink.user_id == link.user_id,
        EmailLink.purpose == LinkPurpose.PASSWORD_RESET,
        EmailLink.used_at.is_(None),
    )
    db.session.execute(stmt.values(used_at=utcnow()))
    return link.user


def _claim(link: EmailLink) -> None:
    """Mark the link used in one conditional statement, so two uses cannot both succeed."""
    stmt = sa.update(EmailLink).where(EmailLink.id == link.id, EmailLink.used_at.is_(None))
    result = db.session.execute(
        stmt.values(used_at=utcnow()), execution_options={"synchronize_session": False}
    )
    if result.rowcount != 1:
        raise DomainValidationError({"link": "This link has already been used."})
    db.session.refresh(link)

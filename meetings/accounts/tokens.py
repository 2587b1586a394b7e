"""Personal API tokens: shown once, stored hashed, named, scoped, revocable."""

from datetime import timedelta

import sqlalchemy as sa

from meetings.accounts.models import ApiToken, TokenScope, User
from meetings.accounts.secrets import digest, new_secret
from meetings.core.models import utcnow
from meetings.core.validation import parse_choice, raise_if, require
from meetings.extensions import db

PREFIX = "mtg_"
# last_used_at is refreshed at most this often, so reads do not each write a row.
USE_RESOLUTION = timedelta(minutes=1)


def create_token(user: User, name: str, scope: str) -> tuple[ApiToken, str]:
    """A new token and its secret, which is never shown again."""
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    parsed = parse_choice(TokenScope, scope or "")
    require(errors, "name", bool(name), "Name the token (what will use it?).")
    require(errors, "name", len(name) <= 100, "Use at most 100 characters.")
    require(errors, "scope", parsed is not None, "Choose read or read and write.")
    raise_if(errors)
    secret = new_secret(PREFIX)
    token = ApiToken(
        user=user, name=name, scope=parsed, token_hash=digest(secret), prefix=secret[:10]
    )
    db.session.add(token)
    db.session.flush()
    return token, secret


def user_tokens(user: User) -> list[ApiToken]:
    stmt = sa.select(ApiToken).where(ApiToken.user_id == user.id)
    return list(db.session.scalars(stmt.order_by(ApiToken.revoked_at.is_not(None), ApiToken.id)))


def revoke_token(token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        db.session.flush()


def token_for_secret(secret: str) -> ApiToken | None:
    """The live token a bearer secret names, its use recorded; None if unknown or revoked."""
    if not secret.startswith(PREFIX):
        return None
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == digest(secret)))
    if token is None or token.revoked_at is not None or not token.user.is_active:
        return None
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at >= USE_RESOLUTION:
        token.last_used_at = now
        db.session.commit()
    return token

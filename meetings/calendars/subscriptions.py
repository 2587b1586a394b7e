"""What a person follows, and their personal feed's secret: create, re-create, revoke, find."""

import sqlalchemy as sa

from meetings.accounts.models import User
from meetings.accounts.secrets import digest, new_secret
from meetings.bodies.models import Body
from meetings.calendars.models import FeedToken, Follow
from meetings.core.models import utcnow
from meetings.extensions import db
from meetings.schedule.models import Meeting


def follows_of(user: User) -> list[Follow]:
    return list(db.session.scalars(sa.select(Follow).where(Follow.user_id == user.id)))


def is_following(user: User, target: Body | Meeting) -> bool:
    return _follow(user, target) is not None


def follow(user: User, target: Body | Meeting) -> Follow:
    """Add the body (all its meetings) or the meeting to the person's feed; idempotent."""
    existing = _follow(user, target)
    if existing is not None:
        return existing
    record = Follow(user_id=user.id, **_target(target))
    db.session.add(record)
    db.session.flush()
    return record


def unfollow(user: User, target: Body | Meeting) -> None:
    existing = _follow(user, target)
    if existing is not None:
        db.session.delete(existing)
        db.session.flush()


def _target(target: Body | Meeting) -> dict[str, int]:
    return {"body_id": target.id} if isinstance(target, Body) else {"meeting_id": target.id}


def _follow(user: User, target: Body | Meeting) -> Follow | None:
    stmt = sa.select(Follow).filter_by(user_id=user.id, **_target(target))
    return db.session.scalar(stmt)


def feed_token_of(user: User) -> FeedToken | None:
    return db.session.scalar(sa.select(FeedToken).where(FeedToken.user_id == user.id))


def renew_feed_token(user: User) -> str:
    """A new secret for the person's feed address; the previous address stops working."""
    secret = new_secret()
    token = feed_token_of(user)
    if token is None:
        token = FeedToken(user_id=user.id)
        db.session.add(token)
    token.token_hash, token.created_at, token.last_used_at = digest(secret), utcnow(), None
    db.session.flush()
    return secret


def revoke_feed_token(user: User) -> None:
    token = feed_token_of(user)
    if token is not None:
        db.session.delete(token)
        db.session.flush()


def user_for_feed(secret: str) -> User | None:
    """The active person whose feed address carries this secret, or None."""
    stmt = sa.select(FeedToken).where(FeedToken.token_hash == digest(secret or ""))
    token = db.session.scalar(stmt)
    if token is None:
        return None
    user = db.session.get(User, token.user_id)
    return user if user is not None and user.is_active else None

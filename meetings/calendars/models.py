"""What a person follows, and the secret address of their personal calendar feed."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from meetings.core.models import UTCDateTime, utcnow
from meetings.extensions import db


class Follow(db.Model):
    """A person follows a body (all its meetings) or one meeting, in their personal feed."""

    __tablename__ = "follow"
    __table_args__ = (
        sa.CheckConstraint("(body_id IS NULL) <> (meeting_id IS NULL)", name="one_target"),
        sa.UniqueConstraint("user_id", "body_id"),
        sa.UniqueConstraint("user_id", "meeting_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    body_id: Mapped[int | None] = mapped_column(sa.ForeignKey("body.id", ondelete="CASCADE"))
    meeting_id: Mapped[int | None] = mapped_column(sa.ForeignKey("meeting.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        target = f"body {self.body_id}" if self.body_id else f"meeting {self.meeting_id}"
        return f"<Follow user {self.user_id} -> {target}>"


class FeedToken(db.Model):
    """The secret in a person's personal feed address; only its SHA-256 is kept.

    Feed addresses are the one place a secret travels in a URL (calendar clients can send
    nothing else); re-creating the token ends the old address.
    """

    __tablename__ = "feed_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="CASCADE"), unique=True
    )
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<FeedToken of user {self.user_id}>"

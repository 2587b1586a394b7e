"""What the app plans to tell people, what it sent, and how each person wants to be told.

Two tables carry the guarantees:

- `Notification`: one row per thing to tell one person, under a unique `key` (a reminder
  "meeting 12, registration 345, 14 days before the meeting of 2026-12-10" is planned once,
  however many planners, sweeps or retries run). Its status says what became of it.
- its email, once written, is a `meetings.mail.models.OutgoingMessage`.
"""

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from meetings.core.models import UTCDateTime, enum_column, utcnow
from meetings.extensions import db
from meetings.mail.models import OutgoingMessage

if TYPE_CHECKING:
    from meetings.accounts.models import User
    from meetings.registrations.models import Registration
    from meetings.schedule.models import Meeting


class Mode(StrEnum):
    """How a person wants one kind of notification."""

    IMMEDIATE = "immediate"
    DIGEST = "digest"
    OFF = "off"


MODE_LABELS = {
    Mode.IMMEDIATE: "Immediately",
    Mode.DIGEST: "Daily digest",
    Mode.OFF: "Off",
}


class NotificationStatus(StrEnum):
    PLANNED = "planned"  # due later; the sweep will take it
    CLAIMED = "claimed"  # taken by a sweep, inside its transaction (never seen committed)
    QUEUED = "queued"  # its email is written; see the message for sent or failed
    DIGEST = "digest"  # waits for the person's daily digest
    DIGESTED = "digested"  # went out in a digest (see the message)
    SKIPPED = "skipped"  # not sent, on purpose: turned off, no longer applies, too late
    CANCELLED = "cancelled"  # the plan changed before it was due (dates moved, withdrawn)
    FAILED = "failed"  # could not be written: no address, a template error


NOTIFICATION_STATUS_LABELS = {
    NotificationStatus.PLANNED: "Planned",
    NotificationStatus.CLAIMED: "Being prepared",
    NotificationStatus.QUEUED: "Written",
    NotificationStatus.DIGEST: "Waiting for the daily digest",
    NotificationStatus.DIGESTED: "In a daily digest",
    NotificationStatus.SKIPPED: "Not sent",
    NotificationStatus.CANCELLED: "Cancelled",
    NotificationStatus.FAILED: "Failed",
}


class Notification(db.Model):
    """One thing to tell one person, once."""

    __tablename__ = "notification"
    __table_args__ = (
        sa.Index("ix_notification_due", "status", "due_at"),
        sa.Index("ix_notification_meeting", "meeting_id", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(200), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(40))
    # Stored lower-cased; empty when the person has no address (then it fails, visibly).
    recipient: Mapped[str] = mapped_column(sa.String(254))
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    meeting_id: Mapped[int | None] = mapped_column(sa.ForeignKey("meeting.id", ondelete="CASCADE"))
    registration_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("registration.id", ondelete="SET NULL"), index=True
    )
    # What the kind needs to write the message (old and new values of a change, say).
    payload: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[NotificationStatus] = mapped_column(
        enum_column(NotificationStatus, "notification_status"),
        default=NotificationStatus.PLANNED,
    )
    # Why it was skipped, cancelled or failed.
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    message_db_id: Mapped[int | None] = mapped_column(
        "message_id", sa.ForeignKey("outgoing_message.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    message: Mapped[OutgoingMessage | None] = relationship()
    user: Mapped["User | None"] = relationship()
    meeting: Mapped["Meeting | None"] = relationship()
    registration: Mapped["Registration | None"] = relationship()
    # The account with the recipient's address, linked or not (its zone, for times).
    account: Mapped["User | None"] = relationship(
        primaryjoin="foreign(Notification.recipient) == User.email", viewonly=True
    )

    def __repr__(self) -> str:
        return f"<Notification {self.key} {self.status}>"


class NotificationPreference(db.Model):
    """A person's choice for one kind; by address, so people without an account choose too."""

    __tablename__ = "notification_preference"
    __table_args__ = (sa.UniqueConstraint("email", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254))
    kind: Mapped[str] = mapped_column(sa.String(40))
    mode: Mapped[Mode] = mapped_column(enum_column(Mode, "notification_mode"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"<NotificationPreference {self.email} {self.kind}={self.mode}>"

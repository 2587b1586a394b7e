"""The mail outbox: one row per email, written in the same transaction as its cause.

Workers claim a row before sending and record the outcome after; the row, not the broker,
says what is still to send (see delivery.py for the guarantees).
"""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from meetings.core.models import UTCDateTime, enum_column, utcnow
from meetings.extensions import db


class MessageStatus(StrEnum):
    QUEUED = "queued"  # to send at next_attempt_at
    SENDING = "sending"  # claimed by a worker at claimed_at
    SENT = "sent"  # the SMTP server accepted it (or it was written to the outbox folder)
    FAILED = "failed"  # refused for good, or out of attempts


MESSAGE_STATUS_LABELS = {
    MessageStatus.QUEUED: "Waiting to be sent",
    MessageStatus.SENDING: "Sending",
    MessageStatus.SENT: "Sent",
    MessageStatus.FAILED: "Failed",
}


class OutgoingMessage(db.Model):
    """One email, from the moment its cause commits until the SMTP server takes it."""

    __tablename__ = "outgoing_message"
    __table_args__ = (sa.Index("ix_outgoing_message_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The notification or digest it carries; unique, so a key is written into one email.
    key: Mapped[str | None] = mapped_column(sa.String(200), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(40))
    meeting_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("meeting.id", ondelete="SET NULL"), index=True
    )
    recipient: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(300))
    # The Message-ID header: the same on every attempt, so that a resend after a worker
    # died mid-send is recognisably the same message.
    message_id: Mapped[str] = mapped_column(sa.String(250))
    # The whole MIME message; emptied once sent (and at once for messages carrying secrets).
    raw: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    sensitive: Mapped[bool] = mapped_column(default=False)
    status: Mapped[MessageStatus] = mapped_column(
        enum_column(MessageStatus, "message_status"), default=MessageStatus.QUEUED
    )
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When it was last handed to the broker; the sweep hands it again if nothing came of it.
    enqueued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(sa.Text, default="")

    def __repr__(self) -> str:
        return f"<OutgoingMessage {self.id} {self.status} to {self.recipient}>"

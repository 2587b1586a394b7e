"""The audit log: who created, changed or deleted what, when, with old and new values."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from meetings.core.models import UTCDateTime, enum_column, utcnow
from meetings.extensions import db


class AuditAction(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    REFUSED = "refused"  # a write that the person's roles did not allow


class AuditEntry(db.Model):
    __tablename__ = "audit_entry"
    __table_args__ = (
        sa.Index("ix_audit_entry_mechanism_at", "mechanism_id", "at"),
        sa.Index("ix_audit_entry_entity", "entity_type", "entity_id"),
        # The newest change of a mechanism's things: the validator of its calendar feeds.
        sa.Index("ix_audit_entry_mechanism_id_id", "mechanism_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Who: kept as text too, so the entry outlives a deleted account.
    actor_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL")
    )
    actor: Mapped[str] = mapped_column(sa.String(254), default="")
    # web, api or cli.
    channel: Mapped[str] = mapped_column(sa.String(10), default="")
    address: Mapped[str] = mapped_column(sa.String(64), default="")
    action: Mapped[AuditAction] = mapped_column(enum_column(AuditAction, "audit_action"))
    # The table name of the thing ("meeting"), its id and its label at the time.
    entity_type: Mapped[str] = mapped_column(sa.String(40))
    entity_id: Mapped[int | None]
    entity_label: Mapped[str] = mapped_column(sa.String(300), default="")
    # Whose log it belongs to: the secretariat of this mechanism may read it.
    mechanism_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("mechanism.id", ondelete="SET NULL")
    )
    # {field: [old, new]}; for a refused write, {"reason": ..., "request": "POST /..."}.
    changes: Mapped[dict] = mapped_column(sa.JSON, default=dict)

    def __repr__(self) -> str:
        return f"<AuditEntry {self.id} {self.action} {self.entity_type} {self.entity_id}>"

"""A meeting's registration settings, and each person's registration for it."""

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from meetings.core.models import TimestampMixin, UTCDateTime, enum_column
from meetings.extensions import db

if TYPE_CHECKING:
    from meetings.accounts.models import User
    from meetings.schedule.models import Meeting


class Category(StrEnum):
    """The capacity in which a person attends (DOMAIN.md: Participant)."""

    DELEGATION = "delegation"  # of a member state
    SECRETARIAT = "secretariat"
    OBSERVER = "observer"
    INTERNATIONAL_ORGANISATION = "international_organisation"
    NGO = "ngo"
    PRIVATE_SECTOR = "private_sector"
    RESOURCE_PERSON = "resource_person"
    MEDIA = "media"


CATEGORY_LABELS = {
    Category.DELEGATION: "Member-state delegation",
    Category.SECRETARIAT: "Secretariat",
    Category.OBSERVER: "Observer",
    Category.INTERNATIONAL_ORGANISATION: "International organisation",
    Category.NGO: "Non-governmental organisation",
    Category.PRIVATE_SECTOR: "Private sector",
    Category.RESOURCE_PERSON: "Resource person",
    Category.MEDIA: "Media",
}


class DelegationRole(StrEnum):
    HEAD = "head"
    DELEGATE = "delegate"
    ADVISER = "adviser"


DELEGATION_ROLE_LABELS = {
    DelegationRole.HEAD: "Head of delegation",
    DelegationRole.DELEGATE: "Delegate",
    DelegationRole.ADVISER: "Adviser",
}


class RegistrationStatus(StrEnum):
    UNCONFIRMED = "unconfirmed"  # registered by form; the email address is not confirmed yet
    PENDING = "pending"  # holds a seat, awaits the secretariat's approval
    CONFIRMED = "confirmed"  # holds a seat
    WAITLISTED = "waitlisted"
    DECLINED = "declined"
    CANCELLED = "cancelled"


STATUS_LABELS = {
    RegistrationStatus.UNCONFIRMED: "Email not confirmed yet",
    RegistrationStatus.PENDING: "Awaiting approval",
    RegistrationStatus.CONFIRMED: "Confirmed",
    RegistrationStatus.WAITLISTED: "On the waiting list",
    RegistrationStatus.DECLINED: "Declined",
    RegistrationStatus.CANCELLED: "Cancelled",
}
# The statuses that hold one of the meeting's seats (and of the delegation's quota).
SEATED = (RegistrationStatus.PENDING, RegistrationStatus.CONFIRMED)


class RegistrationSettings(db.Model):
    """How a meeting takes registrations; one row per meeting that opened registration.

    The row is also the meeting's registration lock: every change of seats first updates
    `seat_changes`, which serialises them on SQLite and PostgreSQL alike.
    """

    __tablename__ = "registration_settings"
    __table_args__ = (
        sa.CheckConstraint("closes_at > opens_at", name="window_in_order"),
        sa.CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity_positive"),
        sa.CheckConstraint(
            "delegation_quota IS NULL OR delegation_quota > 0", name="quota_positive"
        ),
    )

    meeting_id: Mapped[int] = mapped_column(
        sa.ForeignKey("meeting.id", ondelete="CASCADE"), primary_key=True
    )
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Category values the meeting accepts.
    categories: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    # Seats in all; NULL: no limit. Past it, registrations go to the waiting list.
    capacity: Mapped[int | None]
    # Seats per member-state delegation; NULL: no limit.
    delegation_quota: Mapped[int | None]
    needs_approval: Mapped[bool] = mapped_column(default=True)
    # Anyone may register with the public form (forums), not only nominated delegates.
    open_to_public: Mapped[bool] = mapped_column(default=False)
    seat_changes: Mapped[int] = mapped_column(default=0)

    meeting: Mapped["Meeting"] = relationship()

    def __repr__(self) -> str:
        return f"<RegistrationSettings of meeting {self.meeting_id}>"


class Registration(TimestampMixin, db.Model):
    """One person's registration for one meeting, however it came (form, NFP, import, API)."""

    __tablename__ = "registration"
    __table_args__ = (
        sa.UniqueConstraint("meeting_id", "email"),
        sa.CheckConstraint(
            "category <> 'delegation' OR delegation_country IS NOT NULL",
            name="delegation_has_country",
        ),
        sa.Index("ix_registration_meeting_status", "meeting_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meeting.id", ondelete="CASCADE"))
    # The person's account, when they have one (nominated people may not).
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    # Stored lower-cased: a person registers once per meeting whatever the path.
    email: Mapped[str] = mapped_column(sa.String(254))
    name: Mapped[str] = mapped_column(sa.String(200))
    title: Mapped[str] = mapped_column(sa.String(200), default="")  # job title
    organisation: Mapped[str] = mapped_column(sa.String(300), default="")
    # ISO 3166-1 alpha-2 of the person's country.
    country_code: Mapped[str | None] = mapped_column(sa.String(2))
    category: Mapped[Category] = mapped_column(enum_column(Category, "registration_category"))
    # The member state whose delegation the person belongs to (category delegation).
    delegation_country: Mapped[str | None] = mapped_column(sa.String(2))
    delegation_role: Mapped[DelegationRole | None] = mapped_column(
        enum_column(DelegationRole, "delegation_role")
    )
    status: Mapped[RegistrationStatus] = mapped_column(
        enum_column(RegistrationStatus, "registration_status")
    )
    # How it came: form, nomination, secretariat, import or api.
    source: Mapped[str] = mapped_column(sa.String(20), default="form")
    nominated_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL")
    )
    # SHA-256 of the email-confirmation secret (form registrations only).
    confirmation_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When it joined the waiting list: the earliest moves up first.
    waitlisted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    meeting: Mapped["Meeting"] = relationship()
    user: Mapped["User | None"] = relationship(foreign_keys=[user_id])

    def __repr__(self) -> str:
        return f"<Registration {self.id} {self.email} for meeting {self.meeting_id}>"


class ImportStatus(StrEnum):
    CHECKING = "checking"  # the rows are being checked (nothing is saved)
    CHECKED = "checked"  # the preview is ready: each row with its errors
    IMPORTING = "importing"  # the rows are being saved, all or none
    IMPORTED = "imported"
    FAILED = "failed"  # nothing saved; `message` says why


class ParticipantImport(TimestampMixin, db.Model):
    """One uploaded file of participants, from its check to its import.

    Large files are checked and imported by a Celery worker while the page shows progress;
    the parsed rows wait here between the preview and the import (not in a file of one web
    machine, so any web process or worker can take them up).
    """

    __tablename__ = "participant_import"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        sa.ForeignKey("meeting.id", ondelete="CASCADE"), index=True
    )
    # Who uploaded it: the only one who sees its rows (they carry personal data).
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(sa.String(255))
    rows: Mapped[list[dict]] = mapped_column(sa.JSON, default=list)
    status: Mapped[ImportStatus] = mapped_column(enum_column(ImportStatus, "import_status"))
    # Per row: {"number", "errors", "status"}, from the last check or import.
    results: Mapped[list[dict]] = mapped_column(sa.JSON, default=list)
    invalid: Mapped[int] = mapped_column(default=0)
    saved: Mapped[int] = mapped_column(default=0)
    message: Mapped[str] = mapped_column(sa.Text, default="")
    # The Celery task checking or importing it, for its progress.
    task_id: Mapped[str | None] = mapped_column(sa.String(64))

    meeting: Mapped["Meeting"] = relationship()

    @property
    def total(self) -> int:
        return len(self.rows)

    def __repr__(self) -> str:
        return f"<ParticipantImport {self.id} {self.status} of meeting {self.meeting_id}>"

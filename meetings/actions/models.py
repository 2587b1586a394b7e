"""Follow-up actions: what a meeting or outcome document commits to, who leads it, when it
is due, how it progresses, and what later meetings concluded on it.

An action belongs to the body whose meetings review it. It is traced to its source: the
meeting that decided it and/or the document and item that record it ("SPACE 2025, 1-1-3").
Its due date has a precision (day, month, year), or it spans a period ("2021-2025"), may
recur ("annually"), and may follow a meeting ("by the next SOM"): then the due date is that
meeting's end and moves with it. Progress updates and review conclusions are kept in order,
never rewritten.
"""

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from meetings.accounts.models import User
from meetings.bodies.models import Body
from meetings.core.countries import country_name
from meetings.core.dates import DatePrecision, PartialDate, format_date_range
from meetings.core.models import TimestampMixin, UTCDateTime, enum_column, utcnow
from meetings.documents import file_cleanup
from meetings.documents.models import Document
from meetings.extensions import db
from meetings.mechanisms.models import ProgrammeArea
from meetings.schedule.models import Meeting


class ActionStatus(StrEnum):
    PROPOSED = "proposed"
    NOT_STARTED = "not_started"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    DELAYED = "delayed"
    COMPLETED = "completed"
    DROPPED = "dropped"


STATUS_LABELS = {
    ActionStatus.PROPOSED: "Proposed",
    ActionStatus.NOT_STARTED: "Not started",
    ActionStatus.ON_TRACK: "On track",
    ActionStatus.AT_RISK: "At risk",
    ActionStatus.DELAYED: "Delayed",
    ActionStatus.COMPLETED: "Completed",
    ActionStatus.DROPPED: "Dropped",
}
OPEN_STATUSES = frozenset(STATUS_LABELS) - {ActionStatus.COMPLETED, ActionStatus.DROPPED}
# Ended actions are reopened (to "not started" or "on track") before they end another way:
# a dropped action is not completed, nor a completed one dropped, without reopening.
REOPEN_TO = frozenset({ActionStatus.NOT_STARTED, ActionStatus.ON_TRACK})


def allowed_next(current: ActionStatus) -> frozenset[ActionStatus]:
    """The statuses an action may move to from `current` (staying is always allowed)."""
    if current in OPEN_STATUSES:
        return frozenset(ActionStatus)
    return REOPEN_TO | {current}


UNNAMED_PERSON = "A person without a name on record"


class LeadKind(StrEnum):
    ORGANISATION = "organisation"  # CAEC, ESCAP, the ASEAN Secretariat
    MEMBER_STATE = "member_state"  # its NFP reports for it
    PERSON = "person"  # a person with an account


class Recurrence(StrEnum):
    ANNUALLY = "annually"
    TWICE_A_YEAR = "twice_a_year"
    EVERY_TWO_YEARS = "every_two_years"


RECURRENCE_LABELS = {
    Recurrence.ANNUALLY: "Annually",
    Recurrence.TWICE_A_YEAR: "Twice a year",
    Recurrence.EVERY_TWO_YEARS: "Every two years",
}


class Action(TimestampMixin, db.Model):
    __tablename__ = "follow_up_action"
    __table_args__ = (
        sa.CheckConstraint("parent_id IS NULL OR parent_id <> id", name="not_own_parent"),
        sa.CheckConstraint(
            "due_start IS NULL OR due_end IS NULL OR due_end >= due_start", name="due_in_order"
        ),
        sa.CheckConstraint(
            "lead_country IS NULL OR length(lead_country) = 2", name="lead_country_alpha2"
        ),
        sa.Index("ix_follow_up_action_due", "due_end"),
        sa.Index("ix_follow_up_action_body_status", "body_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(sa.ForeignKey("body.id", ondelete="CASCADE"))
    # Where it comes from: the meeting that decided it, the document and item recording it.
    meeting_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("meeting.id", ondelete="SET NULL"), index=True
    )
    document_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("document.id", ondelete="SET NULL"), index=True
    )
    item: Mapped[str] = mapped_column(sa.String(120), default="")  # "1-1-3", "Activity 1-2"
    title: Mapped[str] = mapped_column(sa.String(1000))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    lead_kind: Mapped[LeadKind | None] = mapped_column(enum_column(LeadKind, "lead_kind"))
    lead_organisation: Mapped[str] = mapped_column(sa.String(300), default="")
    lead_country: Mapped[str | None] = mapped_column(sa.String(2))
    lead_user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    partners: Mapped[str] = mapped_column(sa.Text, default="")
    programme_area_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("programme_area.id", ondelete="SET NULL"), index=True
    )
    # When: a single due date (start NULL) or a period (start..end), each to a precision;
    # due_end is the last day the action is due (the period's end), for sorting and overdue.
    due_start: Mapped[date | None]
    due_end: Mapped[date | None]
    due_precision: Mapped[DatePrecision | None] = mapped_column(
        enum_column(DatePrecision, "due_precision")
    )
    recurrence: Mapped[Recurrence | None] = mapped_column(enum_column(Recurrence, "recurrence"))
    # "By the next SOM": due when that meeting ends, following it when it moves.
    due_meeting_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("meeting.id", ondelete="SET NULL"), index=True
    )
    schedule_note: Mapped[str] = mapped_column(sa.String(300), default="")  # as the source says
    status: Mapped[ActionStatus] = mapped_column(enum_column(ActionStatus, "action_status"))
    parent_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("follow_up_action.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    source: Mapped[str] = mapped_column(sa.Text, default="")
    status_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    body: Mapped[Body] = relationship()
    meeting: Mapped[Meeting | None] = relationship(foreign_keys=[meeting_id])
    document: Mapped[Document | None] = relationship()
    lead_user: Mapped[User | None] = relationship()
    programme_area: Mapped[ProgrammeArea | None] = relationship()
    due_meeting: Mapped[Meeting | None] = relationship(foreign_keys=[due_meeting_id])
    parent: Mapped["Action | None"] = relationship(
        remote_side="Action.id", back_populates="children"
    )
    children: Mapped[list["Action"]] = relationship(
        back_populates="parent", order_by="(Action.position, Action.id)"
    )
    updates: Mapped[list["ActionUpdate"]] = relationship(
        back_populates="action", order_by="ActionUpdate.id", cascade="all, delete-orphan"
    )
    reviews: Mapped[list["ActionReview"]] = relationship(
        back_populates="action", order_by="ActionReview.id", cascade="all, delete-orphan"
    )

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def lead_label(self) -> str:
        """The lead as anyone who sees the action may read it: a person by name, never by
        email address (exports, dashboards and feeds reach people who are not staff)."""
        if self.lead_kind is LeadKind.PERSON and self.lead_user is not None:
            return self.lead_user.name or UNNAMED_PERSON
        if self.lead_kind is LeadKind.MEMBER_STATE and self.lead_country:
            return country_name(self.lead_country) or self.lead_country
        return self.lead_organisation or "No lead named"

    @property
    def due_label(self) -> str:
        """As a person says it: "31 December 2012", "2025", "2021–2025", "annually"."""
        parts = []
        if self.due_end is not None and self.due_precision is not None:
            first = self.due_start or self.due_end
            parts.append(format_date_range(first, self.due_end, self.due_precision))
        if self.due_meeting is not None:
            parts.append(f"by {self.due_meeting.title}")
        if self.recurrence is not None:
            parts.append(RECURRENCE_LABELS[self.recurrence].lower())
        return ", ".join(parts) or self.schedule_note or "No due date"

    @property
    def due(self) -> PartialDate | None:
        if self.due_end is None or self.due_precision is None:
            return None
        return PartialDate.from_bounds(self.due_end, self.due_precision)

    def is_overdue(self, today: date) -> bool:
        return self.is_open and self.due_end is not None and self.due_end < today

    def __repr__(self) -> str:
        return f"<Action {self.id} {self.item or self.title[:30]!r}>"


class ActionUpdate(db.Model):
    """A progress report by a lead (or the secretariat): text, a status change, files."""

    __tablename__ = "action_update"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(
        sa.ForeignKey("follow_up_action.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL")
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status_before: Mapped[ActionStatus] = mapped_column(
        enum_column(ActionStatus, "update_status_before")
    )
    status_after: Mapped[ActionStatus] = mapped_column(
        enum_column(ActionStatus, "update_status_after")
    )
    text: Mapped[str] = mapped_column(sa.Text, default="")

    action: Mapped[Action] = relationship(back_populates="updates")
    author: Mapped[User | None] = relationship()
    attachments: Mapped[list["ActionAttachment"]] = relationship(
        back_populates="update", order_by="ActionAttachment.id", cascade="all, delete-orphan"
    )

    @property
    def changed_status(self) -> bool:
        return self.status_before != self.status_after


class ActionAttachment(db.Model):
    """A file attached to an update, stored like documents' files (by content hash)."""

    __tablename__ = "action_attachment"
    __table_args__ = (sa.CheckConstraint("size > 0", name="size_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    update_id: Mapped[int] = mapped_column(
        sa.ForeignKey("action_update.id", ondelete="CASCADE"), index=True
    )
    storage_key: Mapped[str] = mapped_column(sa.String(64), index=True)
    filename: Mapped[str] = mapped_column(sa.String(255))
    media_type: Mapped[str] = mapped_column(sa.String(120))
    kind: Mapped[str] = mapped_column(sa.String(16))
    size: Mapped[int]

    update: Mapped[ActionUpdate] = relationship(back_populates="attachments")


class Conclusion(StrEnum):
    NOTED = "noted"
    EXTENDED = "extended"  # to a new due date
    CLOSED = "closed"
    CARRIED_OVER = "carried_over"  # to the next meeting, unchanged


CONCLUSION_LABELS = {
    Conclusion.NOTED: "Noted",
    Conclusion.EXTENDED: "Extended",
    Conclusion.CLOSED: "Closed",
    Conclusion.CARRIED_OVER: "Carried over",
}


class ActionReview(db.Model):
    """What one meeting concluded on one action."""

    __tablename__ = "action_review"
    __table_args__ = (sa.UniqueConstraint("action_id", "meeting_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(
        sa.ForeignKey("follow_up_action.id", ondelete="CASCADE"), index=True
    )
    meeting_id: Mapped[int] = mapped_column(
        sa.ForeignKey("meeting.id", ondelete="CASCADE"), index=True
    )
    conclusion: Mapped[Conclusion] = mapped_column(enum_column(Conclusion, "conclusion"))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    # For an extension: the new due date, to its precision, and the one it replaced.
    new_due_end: Mapped[date | None]
    new_due_precision: Mapped[DatePrecision | None] = mapped_column(
        enum_column(DatePrecision, "new_due_precision")
    )
    previous_due_end: Mapped[date | None]
    previous_due_precision: Mapped[DatePrecision | None] = mapped_column(
        enum_column(DatePrecision, "previous_due_precision")
    )
    by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    action: Mapped[Action] = relationship(back_populates="reviews")
    meeting: Mapped[Meeting] = relationship()
    by: Mapped[User | None] = relationship()

    @property
    def conclusion_label(self) -> str:
        return CONCLUSION_LABELS[self.conclusion]


file_cleanup.referenced_by(ActionAttachment.storage_key)

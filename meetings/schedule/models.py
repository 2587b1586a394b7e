"""A meeting (one edition of a body) and its sessions."""

import uuid
from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from meetings.bodies.models import Body
from meetings.core.countries import country_name
from meetings.core.dates import DatePrecision, PartialDate, format_date_range
from meetings.core.models import TimestampMixin, UTCDateTime, enum_column, utcnow
from meetings.core.timezones import in_zone
from meetings.core.visibility import Visibility
from meetings.extensions import db
from meetings.mechanisms.models import ProgrammeArea


def new_uid() -> str:
    return str(uuid.uuid4())


class MeetingFormat(StrEnum):
    IN_PERSON = "in_person"
    VIRTUAL = "virtual"
    HYBRID = "hybrid"


FORMAT_LABELS = {
    MeetingFormat.IN_PERSON: "In person",
    MeetingFormat.VIRTUAL: "Virtual",
    MeetingFormat.HYBRID: "Hybrid",
}


class MeetingStatus(StrEnum):
    PLANNED = "planned"  # intended, dates may be tentative
    CONFIRMED = "confirmed"
    POSTPONED = "postponed"
    CANCELLED = "cancelled"
    HELD = "held"


STATUS_LABELS = {
    MeetingStatus.PLANNED: "Planned (to be confirmed)",
    MeetingStatus.CONFIRMED: "Confirmed",
    MeetingStatus.POSTPONED: "Postponed",
    MeetingStatus.CANCELLED: "Cancelled",
    MeetingStatus.HELD: "Held",
}


# A meeting that will not take place on its dates: it neither clashes nor counts as held.
CALLED_OFF = (MeetingStatus.CANCELLED, MeetingStatus.POSTPONED)


# The programme areas a meeting works on (of its own mechanism): a Green Envoys training on
# Component 1, a CAECF on biodiversity. The planning calendar filters by them.
meeting_programme_area = sa.Table(
    "meeting_programme_area",
    db.metadata,
    sa.Column("meeting_id", sa.ForeignKey("meeting.id", ondelete="CASCADE"), primary_key=True),
    sa.Column(
        "programme_area_id",
        sa.ForeignKey("programme_area.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)


class Meeting(TimestampMixin, db.Model):
    __tablename__ = "meeting"
    __table_args__ = (
        # A number appears once per body; unnumbered meetings (NULL) are not compared.
        sa.UniqueConstraint("body_id", "number"),
        sa.CheckConstraint("end_date >= start_date", name="dates_in_order"),
        sa.CheckConstraint("number IS NULL OR number > 0", name="number_positive"),
        sa.CheckConstraint(
            "country_code IS NULL OR length(country_code) = 2", name="country_code_alpha2"
        ),
        sa.Index("ix_meeting_dates", "start_date", "end_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(sa.ForeignKey("body.id"), index=True)
    # Ordinal (3), prefixed (24 for SOM-24) or a year (2019 for CAECF 2019); NULL if unnumbered.
    number: Mapped[int | None]
    title: Mapped[str] = mapped_column(sa.String(300))
    theme: Mapped[str] = mapped_column(sa.Text, default="")
    description: Mapped[str] = mapped_column(sa.Text, default="")
    # Local dates at the venue. For month or year precision these are the period's bounds
    # (2019-09-01 .. 2019-09-30) so that range queries work; never show them as days.
    start_date: Mapped[date]
    end_date: Mapped[date]
    date_precision: Mapped[DatePrecision] = mapped_column(
        enum_column(DatePrecision, "date_precision")
    )
    # IANA zone of the venue; for a virtual meeting, the reference zone of its timetable.
    timezone: Mapped[str] = mapped_column(sa.String(64))
    city: Mapped[str] = mapped_column(sa.String(120), default="")
    # ISO 3166-1 alpha-2 of the host country; NULL while unknown or for a virtual meeting.
    country_code: Mapped[str | None] = mapped_column(sa.String(2))
    venue: Mapped[str] = mapped_column(sa.String(300), default="")
    host: Mapped[str] = mapped_column(sa.String(300), default="")
    # NULL when the record does not say (much of the history).
    format: Mapped[MeetingFormat | None] = mapped_column(
        enum_column(MeetingFormat, "meeting_format")
    )
    status: Mapped[MeetingStatus] = mapped_column(enum_column(MeetingStatus, "meeting_status"))
    # A meeting of the body's conjunction body this one is held with (3rd AJMDEC / 18th AMME).
    held_with_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("meeting.id", ondelete="SET NULL")
    )
    source: Mapped[str] = mapped_column(sa.Text, default="")
    # iCalendar: UID stays for the record's life; SEQUENCE grows when its time, place or status
    # changes, so that subscribed calendars take the new version.
    uid: Mapped[str] = mapped_column(sa.String(36), unique=True, default=new_uid)
    sequence: Mapped[int] = mapped_column(default=0)
    # Who may see it; NULL: as its parent. A level set here adds a gate, never removes one.
    visibility: Mapped[Visibility | None] = mapped_column(
        enum_column(Visibility, "meeting_visibility")
    )

    body: Mapped[Body] = relationship(back_populates="meetings")
    held_with: Mapped["Meeting | None"] = relationship(
        remote_side="Meeting.id", back_populates="companions"
    )
    # Meetings held in conjunction with this one (the AJMDEC held with an AMME).
    companions: Mapped[list["Meeting"]] = relationship(
        back_populates="held_with", passive_deletes=True, order_by="Meeting.start_date"
    )
    programme_areas: Mapped[list[ProgrammeArea]] = relationship(
        secondary=meeting_programme_area,
        order_by=(ProgrammeArea.position, ProgrammeArea.id),
        passive_deletes=True,
    )
    sessions: Mapped[list["Session"]] = relationship(
        back_populates="meeting",
        cascade="all, delete-orphan",
        order_by="(Session.starts_at, Session.id)",
    )

    @property
    def start(self) -> PartialDate:
        return PartialDate.from_bounds(self.start_date, self.date_precision)

    @property
    def end(self) -> PartialDate:
        return PartialDate.from_bounds(self.end_date, self.date_precision)

    @property
    def dates_label(self) -> str:
        return format_date_range(self.start_date, self.end_date, self.date_precision)

    def has_begun(self, today: date | None = None) -> bool:
        """Held or under way: neither cancelled nor postponed, and its first day has come at
        the venue (or on `today`)."""
        if self.status in CALLED_OFF:
            return False
        if self.status is MeetingStatus.HELD:
            return True
        return self.start_date <= (today or in_zone(utcnow(), self.timezone).date())

    @property
    def place_label(self) -> str:
        parts = [p for p in (self.city, country_name(self.country_code)) if p]
        if self.format is MeetingFormat.VIRTUAL:
            return "Online" + (f" (hosted from {', '.join(parts)})" if parts else "")
        if parts:
            return ", ".join(parts)
        return (
            "Place not recorded" if self.status is MeetingStatus.HELD else "Venue to be confirmed"
        )

    def __repr__(self) -> str:
        return f"<Meeting {self.id} {self.title!r}>"


class SessionKind(StrEnum):
    OPENING = "opening"
    PLENARY = "plenary"
    MINISTERIAL = "ministerial"
    SENIOR_OFFICIALS = "senior_officials"
    CLOSED = "closed"
    SIDE_EVENT = "side_event"
    FIELD_VISIT = "field_visit"
    BREAK = "break"
    CLOSING = "closing"
    OTHER = "other"


SESSION_KIND_LABELS = {
    SessionKind.OPENING: "Opening",
    SessionKind.PLENARY: "Plenary",
    SessionKind.MINISTERIAL: "Ministerial segment",
    SessionKind.SENIOR_OFFICIALS: "Senior officials",
    SessionKind.CLOSED: "Closed session",
    SessionKind.SIDE_EVENT: "Side event",
    SessionKind.FIELD_VISIT: "Field visit",
    SessionKind.BREAK: "Break",
    SessionKind.CLOSING: "Closing",
    SessionKind.OTHER: "Other",
}


class Session(TimestampMixin, db.Model):
    """A timed part of a meeting; times are UTC, shown in the meeting's zone."""

    __tablename__ = "session"
    __table_args__ = (sa.CheckConstraint("ends_at > starts_at", name="times_in_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        sa.ForeignKey("meeting.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(sa.String(300))
    kind: Mapped[SessionKind] = mapped_column(enum_column(SessionKind, "session_kind"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    room: Mapped[str] = mapped_column(sa.String(200), default="")
    description: Mapped[str] = mapped_column(sa.Text, default="")
    # iCalendar: UID stays for the record's life; SEQUENCE grows when its time, place or status
    # changes, so that subscribed calendars take the new version.
    uid: Mapped[str] = mapped_column(sa.String(36), unique=True, default=new_uid)
    sequence: Mapped[int] = mapped_column(default=0)
    # Who may see it; NULL: as its parent. A level set here adds a gate, never removes one.
    visibility: Mapped[Visibility | None] = mapped_column(
        enum_column(Visibility, "session_visibility")
    )

    meeting: Mapped[Meeting] = relationship(back_populates="sessions")

    def __repr__(self) -> str:
        return f"<Session {self.id} {self.title!r} of meeting {self.meeting_id}>"

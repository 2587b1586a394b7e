"""A body: a recurring meeting series of a mechanism (AJMDEC, SOM, CAECF, NFP meeting...)."""

from enum import StrEnum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from meetings.core.models import TimestampMixin, enum_column
from meetings.core.visibility import Visibility
from meetings.extensions import db
from meetings.mechanisms.models import Mechanism

if TYPE_CHECKING:
    from meetings.schedule.models import Meeting


class BodyKind(StrEnum):
    MINISTERIAL = "ministerial"
    GOVERNING = "governing"
    FOCAL_POINTS = "focal_points"
    FORUM = "forum"
    COMMITTEE = "committee"
    WORKING_GROUP = "working_group"
    TRAINING = "training"
    SEMINAR_SERIES = "seminar_series"


BODY_KIND_LABELS = {
    BodyKind.MINISTERIAL: "Ministerial meeting",
    BodyKind.GOVERNING: "Governing body",
    BodyKind.FOCAL_POINTS: "National Focal Points meeting",
    BodyKind.FORUM: "Forum",
    BodyKind.COMMITTEE: "Committee",
    BodyKind.WORKING_GROUP: "Working group or task force",
    BodyKind.TRAINING: "Training programme",
    BodyKind.SEMINAR_SERIES: "Seminars and workshops",
}


class Cadence(StrEnum):
    ANNUAL = "annual"
    TWICE_A_YEAR = "twice_a_year"
    BIENNIAL = "biennial"
    EVERY_2_TO_3_YEARS = "every_2_to_3_years"
    AD_HOC = "ad_hoc"


CADENCE_LABELS = {
    Cadence.ANNUAL: "Annual",
    Cadence.TWICE_A_YEAR: "Twice a year",
    Cadence.BIENNIAL: "Every two years",
    Cadence.EVERY_2_TO_3_YEARS: "Every 2 to 3 years",
    Cadence.AD_HOC: "Ad hoc",
}


class NumberingStyle(StrEnum):
    ORDINAL = "ordinal"  # "3rd AJMDEC"
    PREFIXED = "prefixed"  # "SOM-24"
    YEAR = "year"  # "CAECF 2019"
    NONE = "none"  # each meeting has its own title


NUMBERING_LABELS = {
    NumberingStyle.ORDINAL: "Ordinal (3rd AJMDEC)",
    NumberingStyle.PREFIXED: "Prefix and number (SOM-24)",
    NumberingStyle.YEAR: "By year (CAECF 2019)",
    NumberingStyle.NONE: "Not numbered",
}


class Body(TimestampMixin, db.Model):
    __tablename__ = "body"
    __table_args__ = (
        sa.CheckConstraint(
            "numbering_style <> 'prefixed' OR number_prefix <> ''", name="prefix_needed"
        ),
        sa.CheckConstraint("usual_month IS NULL OR usual_month BETWEEN 1 AND 12", name="month"),
        sa.CheckConstraint("conjunction_body_id IS NULL OR conjunction_body_id <> id", name="self"),
        sa.CheckConstraint("nfp_reminder_days BETWEEN 1 AND 90", name="nfp_reminder_days"),
        sa.CheckConstraint(
            "approval_reminder_days BETWEEN 1 AND 90", name="approval_reminder_days"
        ),
        # Participants belong to a meeting: a body cannot be restricted to them.
        sa.CheckConstraint(
            "visibility IS NULL OR visibility <> 'participants'", name="no_participants"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mechanism_id: Mapped[int] = mapped_column(sa.ForeignKey("mechanism.id"), index=True)
    slug: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    # How meetings of the body are referred to: "AJMDEC", "SOM", "CAECF".
    short_name: Mapped[str] = mapped_column(sa.String(40))
    kind: Mapped[BodyKind] = mapped_column(enum_column(BodyKind, "body_kind"))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    cadence: Mapped[Cadence] = mapped_column(enum_column(Cadence, "cadence"))
    # The cadence as the founding document words it ("once every 2 to 3 years as necessary").
    cadence_note: Mapped[str] = mapped_column(sa.String(300), default="")
    numbering_style: Mapped[NumberingStyle] = mapped_column(
        enum_column(NumberingStyle, "numbering_style")
    )
    # "SOM" for SOM-24; used only by the prefixed style.
    number_prefix: Mapped[str] = mapped_column(sa.String(20), default="")
    # The month meetings are usually held in (CAECF: September), for proposing dates.
    usual_month: Mapped[int | None]
    # Another body whose meetings this one is held alongside (AJMDEC with the AMME).
    conjunction_body_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("body.id", ondelete="SET NULL")
    )
    position: Mapped[int] = mapped_column(default=0)
    source: Mapped[str] = mapped_column(sa.Text, default="")
    # Reminders (meetings.notifications): days before a meeting that participants are
    # reminded; days before registration closes that NFPs of an empty delegation are; days
    # before a meeting that staff are told of registrations still awaiting approval.
    reminder_days: Mapped[list[int]] = mapped_column(
        sa.JSON, default=lambda: [14, 1], server_default="[14, 1]"
    )
    nfp_reminder_days: Mapped[int] = mapped_column(default=7, server_default="7")
    approval_reminder_days: Mapped[int] = mapped_column(default=7, server_default="7")
    # Who may see it; NULL: as its parent. A level set here adds a gate, never removes one.
    visibility: Mapped[Visibility | None] = mapped_column(
        enum_column(Visibility, "body_visibility")
    )

    mechanism: Mapped[Mechanism] = relationship(back_populates="bodies")
    conjunction_body: Mapped["Body | None"] = relationship(remote_side="Body.id")
    meetings: Mapped[list["Meeting"]] = relationship(
        back_populates="body", order_by="Meeting.start_date"
    )

    def __repr__(self) -> str:
        return f"<Body {self.slug}>"

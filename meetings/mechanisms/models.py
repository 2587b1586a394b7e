"""A cooperation mechanism, its member states and its programme areas."""

from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from meetings.core.countries import country_name
from meetings.core.models import TimestampMixin, enum_column
from meetings.core.visibility import Visibility
from meetings.extensions import db

if TYPE_CHECKING:
    from meetings.bodies.models import Body


class Mechanism(TimestampMixin, db.Model):
    __tablename__ = "mechanism"
    __table_args__ = (
        # Participants belong to a meeting: a mechanism cannot be restricted to them.
        sa.CheckConstraint(
            "visibility IS NULL OR visibility <> 'participants'", name="no_participants"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    short_name: Mapped[str] = mapped_column(sa.String(40), unique=True)
    description: Mapped[str] = mapped_column(sa.Text, default="")
    # Who runs it, as the mechanism describes itself (may name several offices).
    secretariat: Mapped[str] = mapped_column(sa.Text, default="")
    website: Mapped[str] = mapped_column(sa.String(300), default="")
    # Reference zone for meetings without a venue yet and for virtual meetings.
    default_timezone: Mapped[str] = mapped_column(sa.String(64))
    # Where the facts come from (a seed document and section), for reviewers.
    source: Mapped[str] = mapped_column(sa.Text, default="")
    # Who may see it; NULL: public. A level set here adds a gate, never removes one.
    visibility: Mapped[Visibility | None] = mapped_column(
        enum_column(Visibility, "mechanism_visibility")
    )

    member_states: Mapped[list["MemberState"]] = relationship(
        back_populates="mechanism",
        cascade="all, delete-orphan",
        order_by="MemberState.country_code",
    )
    programme_areas: Mapped[list["ProgrammeArea"]] = relationship(
        back_populates="mechanism",
        cascade="all, delete-orphan",
        order_by="(ProgrammeArea.position, ProgrammeArea.id)",
    )
    bodies: Mapped[list["Body"]] = relationship(
        back_populates="mechanism", order_by="(Body.position, Body.name)"
    )

    @property
    def country_codes(self) -> list[str]:
        return [m.country_code for m in self.member_states]

    def __repr__(self) -> str:
        return f"<Mechanism {self.slug}>"


class MemberState(db.Model):
    __tablename__ = "member_state"
    __table_args__ = (
        sa.UniqueConstraint("mechanism_id", "country_code"),
        sa.CheckConstraint("length(country_code) = 2", name="country_code_alpha2"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mechanism_id: Mapped[int] = mapped_column(sa.ForeignKey("mechanism.id", ondelete="CASCADE"))
    # ISO 3166-1 alpha-2.
    country_code: Mapped[str] = mapped_column(sa.String(2))

    mechanism: Mapped[Mechanism] = relationship(back_populates="member_states")

    @property
    def name(self) -> str:
        return country_name(self.country_code)

    def __repr__(self) -> str:
        return f"<MemberState {self.country_code} of mechanism {self.mechanism_id}>"


class ProgrammeArea(db.Model):
    """A thematic area of a mechanism (SPACE pillar, ASEAN-China component, NEASPEC area)."""

    __tablename__ = "programme_area"
    __table_args__ = (sa.UniqueConstraint("mechanism_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mechanism_id: Mapped[int] = mapped_column(sa.ForeignKey("mechanism.id", ondelete="CASCADE"))
    parent_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("programme_area.id", ondelete="CASCADE")
    )
    # The mechanism's own numbering: "1-2" (SPACE), "Component 3", "(a)".
    code: Mapped[str] = mapped_column(sa.String(40))
    name: Mapped[str] = mapped_column(sa.String(300))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    # Sustainable Development Goals (1-17) the area is directly linked to.
    sdg_goals: Mapped[list[int]] = mapped_column(sa.JSON, default=list)
    position: Mapped[int] = mapped_column(default=0)

    mechanism: Mapped[Mechanism] = relationship(back_populates="programme_areas")
    parent: Mapped["ProgrammeArea | None"] = relationship(
        remote_side="ProgrammeArea.id", back_populates="children"
    )
    children: Mapped[list["ProgrammeArea"]] = relationship(
        back_populates="parent", order_by="(ProgrammeArea.position, ProgrammeArea.id)"
    )

    def __repr__(self) -> str:
        return f"<ProgrammeArea {self.code} of mechanism {self.mechanism_id}>"

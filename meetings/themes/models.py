"""Themes shared across mechanisms (air pollution, marine plastics, biodiversity, ...), each
mapped from the programme areas of every mechanism that works on it (SPACE pillars,
ASEAN-China components, NEASPEC programmatic areas), with its SDG links and the words that
find its meetings and documents in the search index."""

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from meetings.extensions import db
from meetings.mechanisms.models import ProgrammeArea

programme_area_theme = sa.Table(
    "programme_area_theme",
    db.metadata,
    sa.Column(
        "programme_area_id",
        sa.ForeignKey("programme_area.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column(
        "theme_id", sa.ForeignKey("theme.id", ondelete="CASCADE"), primary_key=True, index=True
    ),
)


class Theme(db.Model):
    __tablename__ = "theme"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    # The Sustainable Development Goals it serves (numbers 1 to 17).
    sdgs: Mapped[list[int]] = mapped_column(sa.JSON, default=list)
    # Phrases that find its meetings and documents in the search index, one per line; a
    # phrase matches when all its words do ("marine litter", "plastic").
    keywords: Mapped[str] = mapped_column(sa.Text, default="")
    position: Mapped[int] = mapped_column(default=0)

    areas: Mapped[list[ProgrammeArea]] = relationship(
        secondary=programme_area_theme, order_by="(ProgrammeArea.mechanism_id, ProgrammeArea.code)"
    )

    @property
    def phrases(self) -> list[str]:
        return [line.strip() for line in self.keywords.splitlines() if line.strip()]

    def __repr__(self) -> str:
        return f"<Theme {self.slug}>"

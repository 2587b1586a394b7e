"""The search index: one row of words per document or meeting.

The words are matched by SQLite's FTS5 (virtual table `search_fts`, kept in step with this
table by triggers) or by PostgreSQL's full-text search (a stored generated column
`terms_vector` = to_tsvector('simple', terms), under a GIN index: stored, so that a row is
checked without parsing its words again). Both are made by the migration, per database, and
are not part of the models: `is_database_only` tells Alembic's comparison to leave them
alone.
"""

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from meetings.documents.models import Document
from meetings.extensions import db
from meetings.schedule.models import Meeting

FTS_TABLE = "search_fts"
PG_COLUMN = "terms_vector"
PG_INDEX = "ix_search_entry_terms_vector"


class SearchEntry(db.Model):
    __tablename__ = "search_entry"
    __table_args__ = (
        sa.CheckConstraint(
            "(document_id IS NULL) <> (meeting_id IS NULL)", name="one_kind_of_thing"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("document.id", ondelete="CASCADE"), unique=True
    )
    meeting_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("meeting.id", ondelete="CASCADE"), unique=True
    )
    terms: Mapped[str] = mapped_column(sa.Text, default="")

    document: Mapped[Document | None] = relationship()
    meeting: Mapped[Meeting | None] = relationship()


def is_database_only(name: str | None, type_: str, parent_names) -> bool:
    """The FTS5 table (with its shadow tables), and PostgreSQL's column and index."""
    if type_ == "table":
        return bool(name) and name.startswith(FTS_TABLE)
    if type_ == "column":
        return name == PG_COLUMN
    return type_ == "index" and name == PG_INDEX


def include_name(name: str | None, type_: str, parent_names) -> bool:
    """Alembic's include_name hook: compare everything the models describe."""
    return not is_database_only(name, type_, parent_names)

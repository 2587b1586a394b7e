"""The search index: one row of words per meeting, session, document, follow-up action,
registration (a person as a meeting's list of participants names them) or account (a
person by their account's name).

The words are matched by SQLite's FTS5 (virtual table `search_fts`, kept in step with this
table by triggers) or by PostgreSQL's full-text search (a stored generated column
`terms_vector` = to_tsvector('simple', terms), under a GIN index: stored, so that a row is
checked without parsing its words again). Both are made by the migration, per database, and
are not part of the models: `is_database_only` tells Alembic's comparison to leave them
alone.
"""

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from meetings.accounts.models import User
from meetings.actions.models import Action
from meetings.documents.models import Document
from meetings.extensions import db
from meetings.registrations.models import Registration
from meetings.schedule.models import Meeting, Session

FTS_TABLE = "search_fts"
PG_COLUMN = "terms_vector"
PG_INDEX = "ix_search_entry_terms_vector"

# What an entry may be of: exactly one of these keys is set.
KEYS = ("document_id", "meeting_id", "session_id", "action_id", "registration_id", "user_id")
EXACTLY_ONE = " + ".join(f"(CASE WHEN {key} IS NULL THEN 0 ELSE 1 END)" for key in KEYS) + " = 1"


def _key(target: str) -> Mapped[int | None]:
    return mapped_column(sa.ForeignKey(target, ondelete="CASCADE"), unique=True)


class SearchEntry(db.Model):
    __tablename__ = "search_entry"
    __table_args__ = (sa.CheckConstraint(EXACTLY_ONE, name="one_kind_of_thing"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int | None] = _key("document.id")
    meeting_id: Mapped[int | None] = _key("meeting.id")
    session_id: Mapped[int | None] = _key("session.id")
    action_id: Mapped[int | None] = _key("follow_up_action.id")
    # A person: as registered for a meeting, or by the name of their account.
    registration_id: Mapped[int | None] = _key("registration.id")
    user_id: Mapped[int | None] = _key("user_account.id")
    terms: Mapped[str] = mapped_column(sa.Text, default="")

    document: Mapped[Document | None] = relationship()
    meeting: Mapped[Meeting | None] = relationship()
    session: Mapped[Session | None] = relationship()
    action: Mapped[Action | None] = relationship()
    registration: Mapped[Registration | None] = relationship()
    user: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        key = next((f"{k}={getattr(self, k)}" for k in KEYS if getattr(self, k)), "new")
        return f"<SearchEntry {self.id} {key}>"


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

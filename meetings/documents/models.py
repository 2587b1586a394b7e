"""Documents of meetings: what was tabled, adopted or superseded, and their files by language.

A document belongs to a body and, usually, to the meeting it was tabled at (some outcome
documents are known only by the body and the year that adopted them). Each upload is a new
`DocumentFile` row, numbered per language: a revision is never overwritten, and the latest
revision of each language is the current one. Files are stored by content hash (storage.py);
the row holds the name the uploader gave, the type found in the content and the text taken
from it for search.
"""

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from meetings.accounts.models import User
from meetings.bodies.models import Body
from meetings.core.dates import DatePrecision, PartialDate
from meetings.core.models import TimestampMixin, UTCDateTime, enum_column, utcnow
from meetings.core.visibility import Visibility
from meetings.documents import file_cleanup
from meetings.extensions import db
from meetings.schedule.models import Meeting, Session


class DocumentType(StrEnum):
    PROVISIONAL_AGENDA = "provisional_agenda"
    AGENDA = "agenda"
    INFORMATION = "information"
    WORKING = "working"
    REPORT = "report"
    JOINT_STATEMENT = "joint_statement"
    DECLARATION = "declaration"
    CHAIRS_SUMMARY = "chairs_summary"
    STRATEGIC_PLAN = "strategic_plan"
    ACTION_PLAN = "action_plan"
    WORK_PLAN = "work_plan"
    ANNEX = "annex"
    PRESENTATION = "presentation"


# In the order a meeting page lists them: agendas first, outcomes next, the rest after.
TYPE_LABELS = {
    DocumentType.PROVISIONAL_AGENDA: "Provisional agenda",
    DocumentType.AGENDA: "Agenda",
    DocumentType.JOINT_STATEMENT: "Joint statement",
    DocumentType.DECLARATION: "Declaration",
    DocumentType.CHAIRS_SUMMARY: "Chair's summary",
    DocumentType.REPORT: "Report of the meeting",
    DocumentType.STRATEGIC_PLAN: "Strategic plan",
    DocumentType.ACTION_PLAN: "Action plan",
    DocumentType.WORK_PLAN: "Work plan",
    DocumentType.ANNEX: "Annex",
    DocumentType.WORKING: "Working document",
    DocumentType.INFORMATION: "Information document",
    DocumentType.PRESENTATION: "Presentation",
}
TYPE_ORDER = {t: i for i, t in enumerate(TYPE_LABELS)}
OUTCOME_TYPES = frozenset(
    {
        DocumentType.JOINT_STATEMENT,
        DocumentType.DECLARATION,
        DocumentType.CHAIRS_SUMMARY,
        DocumentType.REPORT,
        DocumentType.STRATEGIC_PLAN,
        DocumentType.ACTION_PLAN,
        DocumentType.WORK_PLAN,
    }
)


class DocumentStatus(StrEnum):
    DRAFT = "draft"  # the secretariat's working copy: seen by the body's staff only
    FOR_COMMENT = "for_comment"  # circulated for comments
    ISSUED = "issued"  # final, not for adoption (agendas, information documents)
    ADOPTED = "adopted"
    SUPERSEDED = "superseded"


STATUS_LABELS = {
    DocumentStatus.DRAFT: "Draft",
    DocumentStatus.FOR_COMMENT: "For comment",
    DocumentStatus.ISSUED: "Issued",
    DocumentStatus.ADOPTED: "Adopted",
    DocumentStatus.SUPERSEDED: "Superseded",
}

# English and Chinese, Japanese, and the languages of the member states of the mechanisms.
LANGUAGES = {
    "en": "English",
    "zh": "Chinese",
    "ja": "Japanese",
    "ko": "Korean",
    "ru": "Russian",
    "mn": "Mongolian",
    "id": "Indonesian",
    "ms": "Malay",
    "th": "Thai",
    "vi": "Vietnamese",
    "km": "Khmer",
    "lo": "Lao",
    "my": "Burmese",
    "fil": "Filipino",
}
LANGUAGE_ORDER = {code: i for i, code in enumerate(LANGUAGES)}


class Document(TimestampMixin, db.Model):
    __tablename__ = "document"
    __table_args__ = (
        sa.CheckConstraint("superseded_by_id IS NULL OR superseded_by_id <> id", name="not_self"),
        sa.CheckConstraint("parent_id IS NULL OR parent_id <> id", name="not_own_annex"),
        sa.Index("ix_document_meeting", "meeting_id"),
        sa.Index("ix_document_adopted_at", "adopted_at_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(sa.ForeignKey("body.id", ondelete="CASCADE"), index=True)
    # The meeting it was tabled at; NULL when the record names only the body.
    meeting_id: Mapped[int | None] = mapped_column(sa.ForeignKey("meeting.id", ondelete="SET NULL"))
    # A closed session's document takes that session's protection too.
    session_id: Mapped[int | None] = mapped_column(sa.ForeignKey("session.id", ondelete="SET NULL"))
    type: Mapped[DocumentType] = mapped_column(enum_column(DocumentType, "document_type"))
    # NEASPEC/NFP-2/1; unique where given (compared as stored, trimmed).
    symbol: Mapped[str | None] = mapped_column(sa.String(120), unique=True)
    title: Mapped[str] = mapped_column(sa.String(500))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[DocumentStatus] = mapped_column(enum_column(DocumentStatus, "document_status"))
    visibility: Mapped[Visibility | None] = mapped_column(
        enum_column(Visibility, "document_visibility")
    )
    # Adopted at a meeting (maybe a later one than it was tabled at), or on a date when the
    # adopting meeting is not recorded.
    adopted_at_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("meeting.id", ondelete="SET NULL")
    )
    adopted_on: Mapped[date | None]
    adopted_on_precision: Mapped[DatePrecision | None] = mapped_column(
        enum_column(DatePrecision, "adopted_on_precision")
    )
    superseded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("document.id", ondelete="SET NULL"), index=True
    )
    # An annex names its parent document; position orders the annexes of one parent.
    parent_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("document.id", ondelete="SET NULL"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    source: Mapped[str] = mapped_column(sa.Text, default="")
    # First time it left draft: the moment subscribers were told.
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Deleted documents stay (with their files and audit trail) but nobody sees them.
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL")
    )

    body: Mapped[Body] = relationship()
    meeting: Mapped[Meeting | None] = relationship(foreign_keys=[meeting_id])
    session: Mapped[Session | None] = relationship()
    adopted_at: Mapped[Meeting | None] = relationship(foreign_keys=[adopted_at_id])
    superseded_by: Mapped["Document | None"] = relationship(
        foreign_keys=[superseded_by_id], remote_side="Document.id", back_populates="supersedes"
    )
    supersedes: Mapped[list["Document"]] = relationship(
        foreign_keys=[superseded_by_id], back_populates="superseded_by", order_by="Document.id"
    )
    parent: Mapped["Document | None"] = relationship(
        foreign_keys=[parent_id], remote_side="Document.id", back_populates="annexes"
    )
    annexes: Mapped[list["Document"]] = relationship(
        foreign_keys=[parent_id],
        back_populates="parent",
        order_by="(Document.position, Document.id)",
    )
    files: Mapped[list["DocumentFile"]] = relationship(
        back_populates="document",
        order_by="(DocumentFile.language, DocumentFile.revision.desc())",
        cascade="all",
    )
    created_by: Mapped[User | None] = relationship()

    @property
    def type_label(self) -> str:
        return TYPE_LABELS[self.type]

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def adopted_on_date(self) -> PartialDate | None:
        if self.adopted_on is None or self.adopted_on_precision is None:
            return None
        return PartialDate.from_bounds(self.adopted_on, self.adopted_on_precision)

    @property
    def current_files(self) -> list["DocumentFile"]:
        """The latest revision of each language, in the order of LANGUAGES."""
        latest: dict[str, DocumentFile] = {}
        for f in self.files:
            if f.language not in latest or f.revision > latest[f.language].revision:
                latest[f.language] = f
        return sorted(latest.values(), key=lambda f: LANGUAGE_ORDER.get(f.language, 99))

    @property
    def year(self) -> int | None:
        """The year it belongs to: adopted, else tabled."""
        if self.adopted_on:
            return self.adopted_on.year
        for meeting in (self.adopted_at, self.meeting):
            if meeting is not None:
                return meeting.start_date.year
        return None

    def __repr__(self) -> str:
        return f"<Document {self.id} {self.symbol or self.title!r}>"


class TextStatus(StrEnum):
    PENDING = "pending"  # a worker is to read its text
    DONE = "done"
    NONE = "none"  # a type whose text is not read (images, presentations)
    FAILED = "failed"  # could not be read: reason in text_error


class DocumentFile(db.Model):
    """One revision of one language version; never changed once written, but for its text."""

    __tablename__ = "document_file"
    __table_args__ = (
        sa.UniqueConstraint("document_id", "language", "revision"),
        sa.CheckConstraint("revision > 0", name="revision_positive"),
        sa.CheckConstraint("size > 0", name="size_positive"),
        sa.Index("ix_document_file_text_status", "text_status"),
        sa.Index("ix_document_file_storage_key", "storage_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(sa.ForeignKey("document.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(sa.String(8))
    revision: Mapped[int]
    storage_key: Mapped[str] = mapped_column(sa.String(64))
    filename: Mapped[str] = mapped_column(sa.String(255))
    media_type: Mapped[str] = mapped_column(sa.String(120))
    kind: Mapped[str] = mapped_column(sa.String(16))  # pdf, docx, ... (files.KINDS)
    size: Mapped[int]
    note: Mapped[str] = mapped_column(sa.Text, default="")
    text: Mapped[str] = mapped_column(sa.Text, default="")
    text_status: Mapped[TextStatus] = mapped_column(enum_column(TextStatus, "text_status"))
    text_error: Mapped[str] = mapped_column(sa.Text, default="")
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL")
    )

    document: Mapped[Document] = relationship(back_populates="files")
    uploaded_by: Mapped[User | None] = relationship()

    @property
    def language_label(self) -> str:
        return LANGUAGES.get(self.language, self.language)

    def __repr__(self) -> str:
        return f"<DocumentFile {self.document_id} {self.language} r{self.revision}>"


file_cleanup.referenced_by(DocumentFile.storage_key)

"""Add, change, adopt, supersede and delete documents; upload their files by language.

Every function checks all its input first and raises DomainValidationError naming each
field at fault before anything is written. A file is stored only after its row is flushed,
and a file stored by a transaction that rolls back is removed again (file_cleanup.py): no
record without its file, no file without its record.
"""

from datetime import date
from typing import Any

import sqlalchemy as sa

from meetings.access.principal import Principal
from meetings.bodies.models import Body
from meetings.core.after_commit import later
from meetings.core.dates import PartialDate
from meetings.core.models import utc_today, utcnow
from meetings.core.persistence import flush_or_raise
from meetings.core.validation import (
    parse_choice,
    raise_if,
    related_record,
    require,
    stripped,
    whole_number_or_invalid,
)
from meetings.core.visibility import clean_visibility
from meetings.documents import file_cleanup, signals
from meetings.documents.files import FileRefused, display_name, identify
from meetings.documents.models import (
    LANGUAGES,
    Document,
    DocumentFile,
    DocumentStatus,
    DocumentType,
    TextStatus,
)
from meetings.documents.storage import get_storage
from meetings.extensions import db
from meetings.schedule.models import Meeting, Session

SYMBOL_TAKEN = ("symbol", "This symbol is already used by another document.")
REVISION_RACE = (
    "file",
    "Another revision of this language was uploaded at the same moment: upload again.",
)
# Constraint names (PostgreSQL) and column lists (SQLite) of the unique rules.
UNIQUE = {
    "uq_document_symbol": SYMBOL_TAKEN,
    "document.symbol": SYMBOL_TAKEN,
    "uq_document_file_document_id_language_revision": REVISION_RACE,
    "document_file.document_id, document_file.language, document_file.revision": REVISION_RACE,
}
TEXT_KINDS = {"pdf", "docx", "txt"}  # files whose words search reads
ADOPTED_STATES = {DocumentStatus.ADOPTED, DocumentStatus.SUPERSEDED}
FIELDS = (
    "type",
    "symbol",
    "title",
    "description",
    "status",
    "visibility",
    "meeting_id",
    "session_id",
    "adopted_at_id",
    "adopted_on",
    "parent_id",
    "position",
    "superseded_by_id",
    "source",
)


def max_bytes() -> int:
    from flask import current_app

    return current_app.config["DOCUMENT_MAX_BYTES"]


def get_document(document_id: int) -> Document | None:
    return db.session.get(Document, document_id)


def create_document(
    body: Body,
    *,
    created_by_id: int | None = None,
    upload: "Upload | None" = None,
    **fields: Any,
) -> Document:
    """A new document of the body, with its first file when one is given."""
    document = Document(body=body, created_by_id=created_by_id)
    values = _clean(document, body, fields, upload)
    db.session.add(document)
    _apply(document, values)
    flush_or_raise(UNIQUE)
    if upload is not None:
        add_file(document, upload, uploaded_by_id=created_by_id)
    _announce(document, was_status=None)
    return document


def update_document(document: Document, **fields: Any) -> Document:
    """Change the fields given; the others keep their values."""
    merged = {name: _current(document, name) for name in FIELDS}
    merged.update({k: v for k, v in fields.items() if k in FIELDS})
    was_status = document.status
    values = _clean(document, document.body, merged, None)
    _apply(document, values)
    flush_or_raise(UNIQUE)
    _announce(document, was_status=was_status)
    return document


def mark_adopted(document: Document, meeting_id: int | None) -> Document:
    """Adopted at a meeting of its mechanism that has taken place."""
    return update_document(
        document, status=DocumentStatus.ADOPTED.value, adopted_at_id=meeting_id or None
    )


def delete_document(document: Document) -> None:
    """Hidden from everyone; its rows, files and audit trail stay. Annexes become documents
    of their own and documents it superseded keep the link (it says who replaced them)."""
    errors: dict[str, list[str]] = {}
    live_annexes = [a for a in document.annexes if a.deleted_at is None]
    names = ", ".join(a.symbol or a.title for a in live_annexes)
    require(errors, "annexes", not live_annexes, f"Delete or detach its annexes first: {names}.")
    raise_if(errors)
    document.deleted_at = utcnow()
    if document.symbol:  # free the symbol for a corrected document
        document.symbol = None
    db.session.flush()


class Upload:
    """An uploaded file: its name as sent, its bytes, and what the uploader says of it."""

    def __init__(self, filename: str, data: bytes, language: str = "en", note: str = ""):
        self.filename = filename or ""
        self.data = data
        self.language = (language or "").strip()
        self.note = (note or "").strip()


def check_upload(upload: Upload) -> tuple[dict[str, list[str]], Any]:
    """Errors of an upload (language, file) and the kind found in its content."""
    errors: dict[str, list[str]] = {}
    require(
        errors,
        "language",
        upload.language in LANGUAGES,
        "Choose one of: " + ", ".join(f"{c} ({n})" for c, n in LANGUAGES.items()) + ".",
    )
    kind = None
    try:
        kind = identify(upload.filename, upload.data, max_bytes())
    except FileRefused as exc:
        errors.setdefault("file", []).append(str(exc))
    return errors, kind


def add_file(document: Document, upload: Upload, uploaded_by_id: int | None = None) -> DocumentFile:
    """A new revision of one language: the file is stored once its row is in place."""
    errors, kind = check_upload(upload)
    raise_if(errors)
    revision = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.max(DocumentFile.revision), 0)).where(
            DocumentFile.document_id == document.id,
            DocumentFile.language == upload.language,
        )
    )
    row = DocumentFile(
        document=document,
        language=upload.language,
        revision=revision + 1,
        storage_key="",
        filename=display_name(upload.filename)[:255],
        media_type=kind.media_type,
        kind=kind.kind,
        size=len(upload.data),
        note=upload.note,
        text_status=TextStatus.PENDING if kind.kind in TEXT_KINDS else TextStatus.NONE,
        uploaded_by_id=uploaded_by_id,
    )
    db.session.add(row)
    row.storage_key = kind.sha256
    flush_or_raise(UNIQUE)
    storage = get_storage()
    if not storage.exists(kind.sha256):
        file_cleanup.stored(kind.sha256)  # noted first: removed again if the put fails midway
        storage.put(upload.data)
    if row.text_status is TextStatus.PENDING:
        later("documents.read_text", row.id)
    document.updated_at = utcnow()
    return row


def live_document_count(body_id: int | None = None, meeting_id: int | None = None) -> int:
    """Documents not deleted, of a body or tabled or adopted at a meeting."""
    stmt = sa.select(sa.func.count(Document.id)).where(Document.deleted_at.is_(None))
    if body_id is not None:
        stmt = stmt.where(Document.body_id == body_id)
    if meeting_id is not None:
        stmt = stmt.where(
            sa.or_(Document.meeting_id == meeting_id, Document.adopted_at_id == meeting_id)
        )
    return db.session.scalar(stmt) or 0


def visible_documents_query(viewer: Principal) -> sa.Select:
    """Documents the viewer may see, with everything their gates need joined."""
    from meetings.access.policies import document_visible
    from meetings.mechanisms.models import Mechanism

    return (
        sa.select(Document)
        .join(Body, Document.body_id == Body.id)
        .join(Mechanism, Body.mechanism_id == Mechanism.id)
        .outerjoin(Meeting, Document.meeting_id == Meeting.id)
        .outerjoin(Session, Document.session_id == Session.id)
        .where(document_visible(viewer))
    )


def meeting_documents(meeting: Meeting, viewer: Principal) -> list[Document]:
    """Documents tabled at or adopted at the meeting that the viewer may see, files loaded."""
    stmt = (
        visible_documents_query(viewer)
        .where(sa.or_(Document.meeting_id == meeting.id, Document.adopted_at_id == meeting.id))
        .options(sa.orm.selectinload(Document.files))
        .order_by(Document.position, Document.id)
    )
    return list(db.session.scalars(stmt).unique())


def body_documents(body: Body, viewer: Principal) -> list[Document]:
    stmt = (
        visible_documents_query(viewer)
        .where(Document.body_id == body.id)
        .options(sa.orm.selectinload(Document.files))
        .order_by(Document.id.desc())
    )
    return list(db.session.scalars(stmt).unique())


# ---- cleaning and validation ---------------------------------------------------------------


def _current(document: Document, name: str) -> Any:
    value = getattr(document, name)
    if name == "adopted_on":
        return document.adopted_on_date
    return value.value if hasattr(value, "value") else value


def _clean(
    document: Document, body: Body, fields: dict[str, Any], upload: "Upload | None"
) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    v: dict[str, Any] = {}
    v["type"] = parse_choice(DocumentType, fields.get("type"))
    require(errors, "type", v["type"] is not None, "Choose a document type.")
    v["status"] = parse_choice(DocumentStatus, fields.get("status") or "draft")
    require(errors, "status", v["status"] is not None, "Choose a status.")
    v["title"] = stripped(fields.get("title"))
    require(errors, "title", bool(v["title"]), "Give the document a title.")
    require(errors, "title", len(v["title"]) <= 500, "At most 500 characters.")
    v["symbol"] = stripped(fields.get("symbol")) or None
    if v["symbol"]:
        require(errors, "symbol", len(v["symbol"]) <= 120, "At most 120 characters.")
        _check_symbol(errors, document, v["symbol"])
    v["description"] = stripped(fields.get("description"))
    v["source"] = stripped(fields.get("source"))
    position = whole_number_or_invalid(fields.get("position"))
    require(errors, "position", position != "invalid", "A whole number.")
    v["position"] = position if isinstance(position, int) else 0

    meeting = related_record(errors, "meeting_id", fields, Meeting, "meeting")
    require(
        errors,
        "meeting_id",
        meeting is None or meeting.body_id == body.id,
        f"Choose a meeting of {body.short_name}.",
    )
    v["meeting_id"] = meeting.id if meeting else None
    session = related_record(errors, "session_id", fields, Session, "session")
    require(
        errors,
        "session_id",
        session is None or (meeting is not None and session.meeting_id == meeting.id),
        "Choose a session of the meeting the document is tabled at.",
    )
    v["session_id"] = session.id if session else None
    v["visibility"], problem = clean_visibility(fields.get("visibility"), bool(meeting))
    if problem:
        errors.setdefault("visibility", []).append(problem)

    _clean_links(errors, v, document, body, fields)
    _clean_adoption(errors, v, body, meeting, fields)
    if upload is not None:
        upload_errors, _kind = check_upload(upload)
        for name, messages in upload_errors.items():
            errors.setdefault(name, []).extend(messages)
    raise_if(errors)
    return v


def _check_symbol(errors: dict, document: Document, symbol: str) -> None:
    stmt = sa.select(Document.title).where(sa.func.lower(Document.symbol) == symbol.lower())
    if document.id is not None:
        stmt = stmt.where(Document.id != document.id)
    other = db.session.scalar(stmt)
    require(errors, "symbol", other is None, f"{symbol} is already the symbol of “{other}”.")


def _clean_adoption(errors: dict, v: dict, body: Body, tabled: Meeting | None, fields) -> None:
    adopted_at = related_record(errors, "adopted_at_id", fields, Meeting, "meeting")
    adopted_on, problem = _partial(fields.get("adopted_on"))
    if problem:
        errors.setdefault("adopted_on", []).append(problem)
    status = v["status"]
    if status is DocumentStatus.ADOPTED and adopted_at is None and adopted_on is None:
        if tabled is not None and tabled.has_begun():
            adopted_at = tabled  # adopted where it was tabled, unless told otherwise
        else:
            require(
                errors,
                "adopted_at_id",
                False,
                "Say at which meeting it was adopted (or on which date, if the meeting is "
                "not recorded).",
            )
    if status is not None and status not in ADOPTED_STATES:
        require(
            errors,
            "status",
            adopted_at is None and adopted_on is None,
            "A document adopted at a meeting or on a date is Adopted or Superseded: "
            "change the status, or clear the adoption.",
        )
    if adopted_at is not None:
        require(
            errors,
            "adopted_at_id",
            adopted_at.body.mechanism_id == body.mechanism_id,
            f"Choose a meeting of {body.mechanism.short_name}.",
        )
        require(
            errors,
            "adopted_at_id",
            adopted_at.has_begun(),
            f"{adopted_at.title} has not taken place ({adopted_at.dates_label}, "
            f"{adopted_at.status.value}): a document is adopted at a meeting that was held.",
        )
        require(
            errors,
            "adopted_at_id",
            tabled is None or adopted_at.end_date >= tabled.start_date,
            f"It was tabled at {tabled.title if tabled else ''}, which is later: choose "
            "that meeting or a later one.",
        )
    if adopted_on is not None:
        require(
            errors,
            "adopted_on",
            adopted_on.first_day() <= utc_today(),
            "The adoption date is in the future.",
        )
    v["adopted_at_id"] = adopted_at.id if adopted_at else None
    v["adopted_on"] = adopted_on


def _partial(value: Any) -> tuple[PartialDate | None, str | None]:
    if value in (None, ""):
        return None, None
    if isinstance(value, PartialDate):
        return value, None
    if isinstance(value, date):
        return PartialDate.parse(value.isoformat()), None
    try:
        return PartialDate.parse(str(value).strip()), None
    except ValueError:
        return None, "A date as 2025-09-04, 2025-09 or 2025."


def _clean_links(errors: dict, v: dict, document: Document, body: Body, fields) -> None:
    parent = related_record(errors, "parent_id", fields, Document, "document")
    successor = related_record(errors, "superseded_by_id", fields, Document, "document")
    for field, other in (("parent_id", parent), ("superseded_by_id", successor)):
        if other is None:
            continue
        require(errors, field, other.deleted_at is None, "That document was deleted.")
        require(
            errors,
            field,
            other.body.mechanism_id == body.mechanism_id,
            f"Choose a document of {body.mechanism.short_name}.",
        )
        require(
            errors,
            field,
            document.id is None or other.id != document.id,
            "A document cannot point to itself.",
        )
    if parent is not None and document.id is not None:
        require(
            errors,
            "parent_id",
            document.id not in _chain(parent, "parent"),
            "That document is already an annex of this one.",
        )
    if successor is not None and document.id is not None:
        require(
            errors,
            "superseded_by_id",
            document.id not in _chain(successor, "superseded_by"),
            "That document is itself superseded by this one.",
        )
    if successor is not None and v["status"] is not None:
        v["status"] = DocumentStatus.SUPERSEDED
    elif successor is None and v["status"] is DocumentStatus.SUPERSEDED:
        require(errors, "superseded_by_id", False, "Say which document supersedes it.")
    v["parent_id"] = parent.id if parent else None
    v["superseded_by_id"] = successor.id if successor else None


def _chain(start: Document, link: str) -> set[int]:
    seen: set[int] = set()
    current: Document | None = start
    while current is not None and current.id not in seen:
        seen.add(current.id)
        current = getattr(current, link)
    return seen


def _apply(document: Document, v: dict[str, Any]) -> None:
    adopted_on: PartialDate | None = v.pop("adopted_on")
    for name, value in v.items():
        setattr(document, name, value)
    document.adopted_on = adopted_on.first_day() if adopted_on else None
    document.adopted_on_precision = adopted_on.precision if adopted_on else None


def _announce(document: Document, was_status: DocumentStatus | None) -> None:
    """Tell subscribers (signals.py) when it is adopted, or leaves draft the first time."""
    if document.status is DocumentStatus.DRAFT:
        return
    first = document.published_at is None
    if first:
        document.published_at = utcnow()
    if document.status is DocumentStatus.ADOPTED and was_status is not DocumentStatus.ADOPTED:
        signals.document_adopted.send(document)
    elif first:
        signals.document_published.send(document)

"""Files attached to progress updates, kept like documents' files: identified by their content,
stored by SHA-256 once their row is flushed, and removed again if the transaction rolls back.

A progress report and its files are saved together or not at all: every file is checked
before anything is written, and the problems of the report and of its files are reported
together.
"""

from collections.abc import Sequence

from meetings.actions import services
from meetings.actions.models import Action, ActionAttachment, ActionStatus, ActionUpdate
from meetings.core.validation import DomainValidationError, raise_if
from meetings.documents import file_cleanup
from meetings.documents.files import FileKind, FileRefused, display_name, identify
from meetings.documents.services import Upload, max_bytes
from meetings.documents.storage import get_storage
from meetings.extensions import db

MAX_FILES = 10  # attachments to one update


def check_attachments(uploads: Sequence[Upload]) -> tuple[dict[str, list[str]], list[FileKind]]:
    """Errors of the files (under "attachments") and the kind of each file that is kept."""
    errors: dict[str, list[str]] = {}
    kinds: list[FileKind] = []
    if len(uploads) > MAX_FILES:
        errors.setdefault("attachments", []).append(
            f"Attach at most {MAX_FILES} files to one update."
        )
    for upload in uploads:
        try:
            kinds.append(identify(upload.filename, upload.data, max_bytes()))
        except FileRefused as exc:
            errors.setdefault("attachments", []).append(str(exc))
    return errors, kinds


def post_progress(
    action: Action,
    author_id: int | None,
    text: str = "",
    status: str | ActionStatus | None = None,
    uploads: Sequence[Upload] = (),
) -> ActionUpdate:
    """A progress update with its files, all saved or (with every problem named) none."""
    errors, kinds = check_attachments(uploads)
    try:
        update = services.post_update(action, author_id, text, status)
    except DomainValidationError as exc:
        for name, messages in exc.errors.items():
            errors.setdefault(name, []).extend(messages)
        raise DomainValidationError(errors) from exc
    raise_if(errors)  # the caller rolls back the update already flushed
    for upload, kind in zip(uploads, kinds, strict=True):
        save_attachment(update, upload, kind)
    return update


def save_attachment(update: ActionUpdate, upload: Upload, kind: FileKind) -> ActionAttachment:
    """The file's row, then the file itself when this content is not stored yet."""
    row = ActionAttachment(
        update=update,
        storage_key=kind.sha256,
        filename=display_name(upload.filename)[:255],
        media_type=kind.media_type,
        kind=kind.kind,
        size=kind.size,
    )
    db.session.add(row)
    db.session.flush()
    storage = get_storage()
    if not storage.exists(kind.sha256):
        file_cleanup.stored(kind.sha256)  # noted first: removed again if the put fails midway
        storage.put(upload.data)
    return row

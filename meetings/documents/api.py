"""/api/v1/documents: list, read, create, change and delete documents; upload and download
their files."""

import dataclasses

import marshmallow as ma
from flask_smorest import Blueprint, abort

from meetings.access.guards import current_principal, require, visible_or_404
from meetings.access.policies import (
    can_manage_body,
    can_manage_document,
    can_view_body,
    can_view_document,
    can_view_meeting,
)
from meetings.bodies.models import Body
from meetings.core.api import (
    LOCATION,
    created,
    deleted,
    guard_first,
    named_or_422,
    page_envelope,
    page_size,
    refuse_anonymous_writes,
    saved,
    writes,
)
from meetings.core.validation import DomainValidationError
from meetings.documents import services
from meetings.documents.downloads import stored_file_response
from meetings.documents.models import Document, DocumentFile
from meetings.documents.schemas import (
    DocumentCreateSchema,
    DocumentDetailSchema,
    DocumentFileSchema,
    DocumentPageSchema,
    DocumentPatchSchema,
    DocumentQuerySchema,
    FileFormSchema,
    FileUploadFormSchema,
    FileUploadSchema,
)
from meetings.extensions import db
from meetings.schedule.models import Meeting
from meetings.schedule.services import get_meeting
from meetings.search.api import search_filter
from meetings.search.query import search_documents

blp = Blueprint(
    "documents_api",
    __name__,
    url_prefix="/api/v1/documents",
    description="Documents of meetings and bodies, with their files by language and revision.",
)
blp.before_request(refuse_anonymous_writes)

DOWNLOAD_LOCATION = {
    "Location": {"description": "Where the file is downloaded.", "schema": {"type": "string"}}
}
CONTENT = {
    "description": "The file's bytes, as uploaded; Content-Disposition names the file.",
    "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
    "headers": {
        "ETag": {"description": "The file's SHA-256.", "schema": {"type": "string"}},
        "Content-Disposition": {"schema": {"type": "string"}},
    },
}
# flask-smorest documents one body location per operation (its issue #46): the text parts
# ("form") and the file ("files") are parsed apart but described as one multipart body.
MULTIPART_UPLOAD = {
    "parameters": [],
    "requestBody": {
        "required": True,
        "content": {"multipart/form-data": {"schema": FileUploadFormSchema}},
    },
}
# Links another document names: visible to the caller, or a 422 naming the field.
LINKS = {
    "adopted_at_id": (Meeting, can_view_meeting),
    "parent_id": (Document, can_view_document),
    "superseded_by_id": (Document, can_view_document),
}


def _visible(document_id: int) -> Document:
    return visible_or_404(services.get_document(document_id), can_view_document)


def _managed(document_id: int) -> Document:
    """The document, if the caller sees it (else 404) and is its body's staff (else 403)."""
    document = _visible(document_id)
    allowed = can_manage_document(current_principal(), document)
    reason = f"Only the secretariat or managers of {document.body.short_name} change documents."
    require(allowed, reason, document)
    return document


def _check_links(data: dict) -> None:
    for field, (model, can_view) in LINKS.items():
        if data.get(field) is not None:
            named_or_422(db.session.get(model, data[field]), can_view, field)


@blp.get("")
@blp.arguments(DocumentQuerySchema, location="query", unknown=ma.RAISE)
@blp.response(200, DocumentPageSchema)
def list_all(args: dict):
    """List documents, newest first, by words, mechanism, body, meeting, type, status,
    language and year."""
    f = search_filter(args)
    if args.get("meeting"):
        f = dataclasses.replace(f, meeting_id=_meeting_from_arg(args["meeting"]).id)
    page, size = args["page"], page_size(args)
    results = search_documents(current_principal(), f, page, size)
    return page_envelope(results.items, results.total, page, size)


@blp.get("/<int:document_id>")
@blp.response(200, DocumentDetailSchema)
@blp.alt_response(404, response="NOT_FOUND")
def read(document_id: int):
    """Read one document with its files (current and every revision) and its links."""
    return _visible(document_id)


@blp.post("")
@writes(blp)
@blp.arguments(DocumentCreateSchema)
@blp.response(201, DocumentDetailSchema, headers=LOCATION)
def create(data: dict):
    """Create a document of a body (the mechanism's secretariat or the body's managers)."""
    body = named_or_422(db.session.get(Body, data.pop("body_id")), can_view_body, "body_id")
    p = current_principal()
    require(can_manage_body(p, body), f"Only the staff of {body.short_name} add documents.", body)
    _check_links(data)
    document = saved(lambda: services.create_document(body, created_by_id=p.user_id, **data))
    return created(document, "documents_api.read", document_id=document.id)


@blp.patch("/<int:document_id>")
@writes(blp, 404)
@guard_first(_managed)
@blp.arguments(DocumentPatchSchema)
@blp.response(200, DocumentDetailSchema)
def update(document: Document, changes: dict):
    """Change a document (its body's staff); fields left out keep their values."""
    _check_links(changes)
    return saved(lambda: services.update_document(document, **changes))


@blp.delete("/<int:document_id>")
@writes(blp, 404, 409)
@blp.response(204)
def delete(document_id: int):
    """Delete a document (its body's staff): nobody sees it any more; its files are kept."""
    document = _managed(document_id)
    deleted(lambda: services.delete_document(document))


@blp.post("/<int:document_id>/files")
@writes(blp, 404)
@guard_first(_managed)
@blp.arguments(FileFormSchema, location="form", unknown=ma.RAISE)
@blp.arguments(FileUploadSchema, location="files", unknown=ma.RAISE)
@blp.doc(**MULTIPART_UPLOAD)
@blp.response(201, DocumentFileSchema, headers=DOWNLOAD_LOCATION)
def upload_file(document: Document, form: dict, files: dict):
    """Upload a file in one language (multipart/form-data: file, language, note); a second
    upload in the same language is its next revision. Refused files are a 422 saying why."""
    sent = files["file"]
    data = sent.stream.read(services.max_bytes() + 1)  # one byte more tells it is too large
    upload = services.Upload(sent.filename, data, form["language"], form["note"])
    user_id = current_principal().user_id
    try:
        row = services.add_file(document, upload, uploaded_by_id=user_id)
        db.session.commit()
    except DomainValidationError as exc:
        db.session.rollback()
        abort(422, errors=_by_part(exc.errors))
    return created(row, "documents_api.download_file", document_id=document.id, file_id=row.id)


@blp.get("/<int:document_id>/files/<int:file_id>/content")
@blp.doc(responses={"200": CONTENT})
@blp.alt_response(304, response="NOT_MODIFIED")
@blp.alt_response(404, response="NOT_FOUND")
def download_file(document_id: int, file_id: int):
    """Download one revision of a file; If-None-Match with its ETag answers 304."""
    document = _visible(document_id)
    row = db.session.get(DocumentFile, file_id)
    if row is None or row.document_id != document.id:
        abort(404, message=f"No file {file_id} in document {document_id}.")
    return stored_file_response(
        row.storage_key,
        row.filename,
        row.media_type,
        row.size,
        "private, no-cache",
        lambda: abort(404, message=f"The file {row.filename} is missing from storage."),
    )


def _by_part(errors: dict[str, list[str]]) -> dict:
    """A refused upload's errors under the part of the request that was at fault."""
    by_part: dict[str, dict] = {}
    for field, messages in errors.items():
        by_part.setdefault("files" if field == "file" else "form", {})[field] = messages
    return by_part


def _meeting_from_arg(meeting_id: int) -> Meeting:
    meeting = get_meeting(meeting_id)
    if meeting is None or not can_view_meeting(current_principal(), meeting):
        abort(422, errors={"query": {"meeting": [f"Unknown meeting {meeting_id}."]}})
    return meeting

"""JSON shapes of documents and their files, and of what the API takes to make and change them."""

from collections.abc import Callable

import marshmallow as ma
from flask_smorest.fields import Upload

from meetings.access.guards import current_principal
from meetings.access.policies import can_view_document, can_view_meeting
from meetings.bodies.schemas import BodyLinksMixin
from meetings.core.api import (
    InputSchema,
    PageQuerySchema,
    PatchMixin,
    absolute,
    page_schema,
    record_id,
    sized_string,
    visibility_field,
)
from meetings.core.dates import DatePrecision
from meetings.core.ids import MAX_ID
from meetings.documents.files import ALLOWED_TEXT
from meetings.documents.models import LANGUAGES, Document, DocumentStatus, DocumentType

PARTIAL_DATE = {
    "description": "ISO 8601 to its precision: 2025-09-04 (day), 2019-09 (month), 2015 (year).",
    "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$",
}
LANGUAGE_CODES = "One of: " + ", ".join(f"{c} ({n})" for c, n in LANGUAGES.items()) + "."


class Visible(ma.fields.Nested):
    """A record another one names, or null when the reader may not see it."""

    def __init__(self, nested, can_view: Callable, **kwargs):
        self.can_view = can_view
        super().__init__(nested, allow_none=True, **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None or not self.can_view(current_principal(), value):
            return None
        return super()._serialize(value, attr, obj, **kwargs)


class VisibleList(ma.fields.List):
    """Records another one names, leaving out those the reader may not see."""

    def __init__(self, nested, can_view: Callable, **kwargs):
        self.can_view = can_view
        super().__init__(ma.fields.Nested(nested), **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        p = current_principal()
        return super()._serialize([v for v in value if self.can_view(p, v)], attr, obj, **kwargs)


class DocumentFileSchema(ma.Schema):
    """One revision of one language version."""

    id = ma.fields.Integer()
    language = ma.fields.String(metadata={"description": LANGUAGE_CODES})
    language_label = ma.fields.String()
    revision = ma.fields.Integer(metadata={"description": "1 for the first upload of a language"})
    filename = ma.fields.String()
    media_type = ma.fields.String(metadata={"description": "As found in the content"})
    kind = ma.fields.String(metadata={"description": "pdf, docx, xlsx, pptx, png, ..."})
    size = ma.fields.Integer(metadata={"description": "Bytes"})
    uploaded_at = ma.fields.AwareDateTime(metadata={"description": "UTC"})
    note = ma.fields.String()
    download_url = ma.fields.Function(
        lambda f: absolute("documents_api.download_file", document_id=f.document_id, file_id=f.id)
    )


class DocumentLinkSchema(ma.Schema):
    """Another document it names: the one superseding it, its parent, an annex."""

    id = ma.fields.Integer()
    url = ma.fields.Function(lambda d: absolute("documents_api.read", document_id=d.id))
    symbol = ma.fields.String(allow_none=True)
    title = ma.fields.String()


class MeetingLinkSchema(ma.Schema):
    id = ma.fields.Integer()
    url = ma.fields.Function(lambda m: absolute("schedule.meeting_detail", meeting_id=m.id))
    title = ma.fields.String()


class DocumentSchema(BodyLinksMixin, ma.Schema):
    """A document as lists show it, with its current file of each language."""

    id = ma.fields.Integer()
    url = ma.fields.Function(lambda d: absolute("documents_api.read", document_id=d.id))
    symbol = ma.fields.String(allow_none=True, metadata={"description": "NEASPEC/NFP-2/1"})
    title = ma.fields.String()
    type = ma.fields.Enum(DocumentType, by_value=True)
    type_label = ma.fields.String()
    status = ma.fields.Enum(DocumentStatus, by_value=True)
    status_label = ma.fields.String()
    visibility = visibility_field(meeting_level=True)
    body = ma.fields.Method("_body")
    mechanism = ma.fields.Method("_mechanism")
    meeting = ma.fields.Nested(
        MeetingLinkSchema, allow_none=True, metadata={"description": "Tabled at"}
    )
    adopted_at = Visible(MeetingLinkSchema, can_view_meeting)
    adopted_on = ma.fields.Function(
        lambda d: d.adopted_on_date.iso() if d.adopted_on_date else None,
        metadata={**PARTIAL_DATE, "nullable": True},
    )
    adopted_on_precision = ma.fields.Enum(DatePrecision, by_value=True, allow_none=True)
    year = ma.fields.Integer(allow_none=True, metadata={"description": "Adopted, else tabled"})
    published_at = ma.fields.AwareDateTime(allow_none=True)
    updated_at = ma.fields.AwareDateTime()
    files = ma.fields.List(
        ma.fields.Nested(DocumentFileSchema),
        attribute="current_files",
        metadata={"description": "The latest revision of each language"},
    )


class DocumentDetailSchema(DocumentSchema):
    """A document with its links to others (those the reader may see) and every revision."""

    description = ma.fields.String()
    source = ma.fields.String()
    session_id = ma.fields.Integer(allow_none=True)
    position = ma.fields.Integer()
    parent = Visible(DocumentLinkSchema, can_view_document)
    annexes = VisibleList(DocumentLinkSchema, can_view_document)
    superseded_by = Visible(DocumentLinkSchema, can_view_document)
    supersedes = VisibleList(DocumentLinkSchema, can_view_document)
    revisions = ma.fields.List(
        ma.fields.Nested(DocumentFileSchema),
        attribute="files",
        metadata={"description": "Every upload, by language, newest revision first"},
    )


DocumentPageSchema = page_schema(DocumentSchema, "DocumentPage")


class DocumentFilterSchema(PageQuerySchema):
    """What lists and search filter documents by."""

    q = ma.fields.String(
        validate=ma.validate.Length(max=500),
        metadata={"description": "Words; each must appear, as a word or the start of one."},
    )
    mechanism = ma.fields.String(metadata={"description": "Mechanism slug or id."})
    body = ma.fields.String(metadata={"description": "Body slug or id."})
    type = ma.fields.List(
        ma.fields.Enum(DocumentType, by_value=True),
        metadata={"description": "One or more types (repeat the argument)."},
    )
    status = ma.fields.List(
        ma.fields.Enum(DocumentStatus, by_value=True),
        metadata={"description": "One or more statuses (repeat the argument)."},
    )
    language = ma.fields.String(
        validate=ma.validate.OneOf(list(LANGUAGES)),
        metadata={"description": "Has a file in this language."},
    )
    year = ma.fields.Integer(
        validate=ma.validate.Range(min=1900, max=2200),
        metadata={"description": "Adopted, or tabled, in this year."},
    )


class DocumentQuerySchema(DocumentFilterSchema):
    meeting = record_id(metadata={"description": "Tabled at or adopted at this meeting (id)."})


class DocumentInputSchema(InputSchema):
    """A document's own fields; the body it belongs to is set when it is created."""

    type = ma.fields.Enum(DocumentType, by_value=True, required=True)
    symbol = sized_string(Document.symbol, allow_none=True, metadata={"description": "Unique"})
    title = sized_string(Document.title, required=True)
    description = ma.fields.String()
    status = ma.fields.Enum(
        DocumentStatus, by_value=True, metadata={"description": "draft when left out"}
    )
    visibility = visibility_field(meeting_level=True)
    meeting_id = record_id(allow_none=True, metadata={"description": "Tabled at"})
    session_id = record_id(allow_none=True, metadata={"description": "A session of it"})
    adopted_at_id = record_id(allow_none=True, metadata={"description": "A meeting held"})
    adopted_on = ma.fields.String(
        allow_none=True,
        metadata={**PARTIAL_DATE, "description": "When the adopting meeting is not recorded."},
    )
    parent_id = record_id(allow_none=True, metadata={"description": "It is an annex of"})
    position = ma.fields.Integer(
        validate=ma.validate.Range(min=0, max=MAX_ID),
        metadata={"description": "Order among annexes"},
    )
    superseded_by_id = record_id(allow_none=True)
    source = ma.fields.String()


class DocumentCreateSchema(DocumentInputSchema):
    body_id = record_id(required=True)


class DocumentPatchSchema(PatchMixin, DocumentInputSchema):
    """A document changed by PATCH: the fields sent are checked, the rest kept."""


class FileUploadSchema(InputSchema):
    """The file part of an upload (multipart/form-data)."""

    file = Upload(required=True, metadata={"description": ALLOWED_TEXT})


class FileFormSchema(InputSchema):
    """The text parts of an upload (multipart/form-data)."""

    language = ma.fields.String(load_default="en", metadata={"description": LANGUAGE_CODES})
    note = ma.fields.String(load_default="", validate=ma.validate.Length(max=2000))


class FileUploadFormSchema(FileFormSchema, FileUploadSchema):
    """The whole upload as the OpenAPI document describes it: file, language and note."""

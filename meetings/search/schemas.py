"""JSON shapes of a search: its arguments, and a page of documents and a page of meetings."""

import marshmallow as ma

from meetings.documents.schemas import DocumentFilterSchema, DocumentPageSchema
from meetings.schedule.schemas import MeetingPageSchema


class SearchQuerySchema(DocumentFilterSchema):
    """Words and filters; type, status and language concern documents only."""


class SearchResultsSchema(ma.Schema):
    documents = ma.fields.Nested(DocumentPageSchema)
    meetings = ma.fields.Nested(
        MeetingPageSchema,
        metadata={"description": "Empty when a type, status or language is asked for."},
    )

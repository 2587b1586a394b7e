"""JSON shapes of a search: its arguments, and a page of each kind of result."""

import marshmallow as ma

from meetings.actions.schemas import ActionPageSchema
from meetings.core.api import absolute, page_schema
from meetings.documents.schemas import DocumentFilterSchema, DocumentPageSchema
from meetings.schedule.schemas import MeetingPageSchema, SessionSchema
from meetings.search.kinds import KINDS

LEFT_OUT = "Empty when a type, status or language is asked for (they concern documents only)."


class SearchQuerySchema(DocumentFilterSchema):
    """Words and filters; type, status and language concern documents only."""

    kind = ma.fields.List(
        ma.fields.String(validate=ma.validate.OneOf(KINDS)),
        metadata={
            "description": "Only these kinds of result (repeat the argument): "
            + ", ".join(KINDS)
            + ". Every kind when left out; the others are then absent from the answer."
        },
    )


class SessionResultSchema(SessionSchema):
    meeting_title = ma.fields.Function(lambda s: s.meeting.title)


class PlaceSchema(ma.Schema):
    label = ma.fields.String(metadata={"description": "Where the person is named, as a page"})
    url = ma.fields.Function(lambda place: absolute(place.endpoint, **place.values))


class PersonSchema(ma.Schema):
    """A person as the caller may already see them named: never an email address."""

    name = ma.fields.String()
    places = ma.fields.List(
        ma.fields.Nested(PlaceSchema),
        metadata={
            "description": "The pages that show the person to the caller (at most five of a kind)."
        },
    )
    more = ma.fields.Integer(metadata={"description": "Places left out of `places`."})


SessionResultPageSchema = page_schema(SessionResultSchema, "SessionResultPage")
PersonPageSchema = page_schema(PersonSchema, "PersonPage")


class SearchResultsSchema(ma.Schema):
    meetings = ma.fields.Nested(MeetingPageSchema, metadata={"description": LEFT_OUT})
    sessions = ma.fields.Nested(
        SessionResultPageSchema,
        metadata={"description": "Sessions by title, description, room or meeting. " + LEFT_OUT},
    )
    documents = ma.fields.Nested(DocumentPageSchema)
    actions = ma.fields.Nested(
        ActionPageSchema,
        metadata={
            "description": "Follow-up actions by title, item, description or lead organisation;"
            " a year is one they are due in. " + LEFT_OUT
        },
    )
    people = ma.fields.Nested(
        PersonPageSchema,
        metadata={
            "description": "People by name, where the caller may already see them named: on "
            "lists of participants they may see, as leads of actions they may see, and, for "
            "administrators and secretariats, in their list of people. Empty when no words or "
            "any filter is given."
        },
    )

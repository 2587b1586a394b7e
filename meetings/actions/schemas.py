"""JSON shapes of follow-up actions, their progress updates and reviews, and of what the API
takes to make and change them."""

import marshmallow as ma
from flask_smorest.fields import Upload

from meetings.access.guards import current_principal
from meetings.access.policies import can_view_document, can_view_meeting
from meetings.actions.attachments import MAX_FILES
from meetings.actions.models import (
    UNNAMED_PERSON,
    Action,
    ActionStatus,
    Conclusion,
    LeadKind,
    Recurrence,
)
from meetings.actions.services import Due
from meetings.bodies.schemas import BodyLinksMixin
from meetings.core.api import (
    InputSchema,
    PageQuerySchema,
    PatchMixin,
    absolute,
    page_schema,
    record_id,
    sized_string,
)
from meetings.core.countries import country_name
from meetings.core.dates import DatePrecision, PartialDate
from meetings.core.ids import MAX_ID
from meetings.core.models import utc_today
from meetings.documents.files import ALLOWED_TEXT
from meetings.documents.schemas import DocumentLinkSchema, MeetingLinkSchema, Visible
from meetings.mechanisms.schemas import ProgrammeAreaLinkSchema

DUE = {
    "description": "ISO 8601 to its precision: 2012-12-31 (day), 2026-06 (month), 2025 (year); "
    "a period as start/end to the same precision: 2021/2025.",
    "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?(/\d{4}(-\d{2}(-\d{2})?)?)?$",
}
PARTIAL_DATE = {
    "description": "ISO 8601 to its precision: 2025-09-04 (day), 2019-09 (month), 2015 (year).",
    "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$",
}
USER = {
    "type": "object",
    "nullable": True,
    "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
}


def _no_nul(value: str) -> None:
    """PostgreSQL text holds no NUL character: refuse it as bad input, not a database error."""
    if "\x00" in value:
        raise ma.ValidationError("Remove the NUL character.")


class TextInputSchema(InputSchema):
    """A request body whose strings are checked for characters the database refuses."""

    @ma.validates_schema
    def _no_nuls(self, data, **_):
        errors = {
            name: ["Remove the NUL character."]
            for name, value in data.items()
            if isinstance(value, str) and "\x00" in value
        }
        if errors:
            raise ma.ValidationError(errors)


def _user(user) -> dict | None:
    """A person as others see them: their name, never their email."""
    return None if user is None else {"id": user.id, "name": user.name}


def action_url(action: Action) -> str:
    return absolute("actions_api.read", action_id=action.id)


def due_iso(action: Action) -> str | None:
    """The due date to its precision, or "start/end" for a period."""
    if action.due_end is None or action.due_precision is None:
        return None
    end = PartialDate.from_bounds(action.due_end, action.due_precision)
    start = action.due_start and PartialDate.from_bounds(action.due_start, action.due_precision)
    return Due(start or None, end).iso()


class OfItself(ma.fields.Nested):
    """Fields of the record itself, grouped as one object (`lead`)."""

    def get_value(self, obj, attr, accessor=None, default=ma.missing):
        return obj


class ActionLinkSchema(ma.Schema):
    """Another action it names: its parent, a sub-action."""

    id = ma.fields.Integer()
    url = ma.fields.Function(action_url)
    item = ma.fields.String()
    title = ma.fields.String()


class LeadSchema(ma.Schema):
    """Who leads it: an organisation, a member state (its NFP reports) or a person."""

    kind = ma.fields.Enum(LeadKind, by_value=True, attribute="lead_kind", allow_none=True)
    label = ma.fields.Method("_label")
    organisation = ma.fields.String(attribute="lead_organisation")
    country = ma.fields.String(
        attribute="lead_country", allow_none=True, metadata={"description": "ISO alpha-2"}
    )
    country_name = ma.fields.Function(
        lambda a: country_name(a.lead_country) if a.lead_country else None, allow_none=True
    )
    user = ma.fields.Function(lambda a: _user(a.lead_user), metadata=USER)

    def _label(self, obj: Action) -> str:
        if obj.lead_kind is LeadKind.PERSON and obj.lead_user is not None:
            return obj.lead_user.name or UNNAMED_PERSON
        return obj.lead_label


class ActionSchema(BodyLinksMixin, ma.Schema):
    """An action as lists show it: where it comes from, who leads it, when it is due, how
    it stands."""

    id = ma.fields.Integer()
    url = ma.fields.Function(action_url)
    item = ma.fields.String(metadata={"description": "As the source numbers it: 1-1-3"})
    title = ma.fields.String()
    body = ma.fields.Method("_body")
    mechanism = ma.fields.Method("_mechanism")
    meeting = Visible(MeetingLinkSchema, can_view_meeting, metadata={"description": "Source"})
    document = Visible(DocumentLinkSchema, can_view_document, metadata={"description": "Source"})
    programme_area = ma.fields.Nested(ProgrammeAreaLinkSchema, allow_none=True)
    lead = OfItself(LeadSchema)
    partners = ma.fields.String()
    due = ma.fields.Function(due_iso, metadata={**DUE, "nullable": True})
    due_precision = ma.fields.Enum(DatePrecision, by_value=True, allow_none=True)
    due_label = ma.fields.String(metadata={"description": "As people say it: 2021–2025"})
    recurrence = ma.fields.Enum(Recurrence, by_value=True, allow_none=True)
    due_meeting = Visible(
        MeetingLinkSchema, can_view_meeting, metadata={"description": "Due when it ends"}
    )
    status = ma.fields.Enum(ActionStatus, by_value=True)
    status_label = ma.fields.String()
    status_changed_at = ma.fields.AwareDateTime(metadata={"description": "UTC"})
    overdue = ma.fields.Function(
        lambda a: a.is_overdue(utc_today()), metadata={"description": "Open and past due"}
    )
    parent_id = ma.fields.Integer(allow_none=True)
    updated_at = ma.fields.AwareDateTime()


class AttachmentSchema(ma.Schema):
    id = ma.fields.Integer()
    filename = ma.fields.String()
    media_type = ma.fields.String()
    kind = ma.fields.String(metadata={"description": "pdf, docx, xlsx, pptx, png, ..."})
    size = ma.fields.Integer(metadata={"description": "Bytes"})
    download_url = ma.fields.Function(
        lambda f: absolute(
            "actions_api.download_attachment",
            action_id=f.update.action_id,
            attachment_id=f.id,
        )
    )


class ActionUpdateSchema(ma.Schema):
    """A progress report, or a change of status, as it was posted."""

    id = ma.fields.Integer()
    at = ma.fields.AwareDateTime(metadata={"description": "UTC"})
    author = ma.fields.Function(lambda u: _user(u.author), metadata=USER)
    status_before = ma.fields.Enum(ActionStatus, by_value=True)
    status_after = ma.fields.Enum(ActionStatus, by_value=True)
    text = ma.fields.String()
    attachments = ma.fields.List(ma.fields.Nested(AttachmentSchema))


class ActionReviewSchema(ma.Schema):
    """What one meeting concluded on the action."""

    id = ma.fields.Integer()
    meeting = ma.fields.Nested(MeetingLinkSchema)
    conclusion = ma.fields.Enum(Conclusion, by_value=True)
    conclusion_label = ma.fields.String()
    note = ma.fields.String()
    previous_due_end = ma.fields.Date(
        allow_none=True, metadata={"description": "The last day it was due before"}
    )
    previous_due = ma.fields.Function(
        lambda r: (
            PartialDate.from_bounds(r.previous_due_end, r.previous_due_precision).iso()
            if r.previous_due_end and r.previous_due_precision
            else None
        ),
        metadata={**PARTIAL_DATE, "nullable": True, "description": "Due before, to its precision"},
    )
    new_due = ma.fields.Function(
        lambda r: (
            PartialDate.from_bounds(r.new_due_end, r.new_due_precision).iso()
            if r.new_due_end and r.new_due_precision
            else None
        ),
        metadata={**PARTIAL_DATE, "nullable": True, "description": "Extended to"},
    )
    at = ma.fields.AwareDateTime(metadata={"description": "UTC"})


class ActionDetailSchema(ActionSchema):
    """An action with its description, sub-actions and its whole history."""

    description = ma.fields.String()
    schedule_note = ma.fields.String(metadata={"description": "The schedule as the source says"})
    source = ma.fields.String()
    position = ma.fields.Integer()
    parent = ma.fields.Nested(ActionLinkSchema, allow_none=True)
    children = ma.fields.List(ma.fields.Nested(ActionLinkSchema))
    updates = ma.fields.List(
        ma.fields.Nested(ActionUpdateSchema), metadata={"description": "Oldest first"}
    )
    reviews = ma.fields.Method(
        "_reviews",
        metadata={
            "type": "array",
            "items": {"$ref": "#/components/schemas/ActionReview"},
            "description": "Oldest first; those of meetings the reader may see.",
        },
    )

    def _reviews(self, obj: Action) -> list[dict]:
        p = current_principal()
        shown = [r for r in obj.reviews if can_view_meeting(p, r.meeting)]
        return ActionReviewSchema(many=True).dump(shown)


ActionPageSchema = page_schema(ActionSchema, "ActionPage")


class ActionQuerySchema(PageQuerySchema):
    """What lists of actions are filtered by."""

    mechanism = ma.fields.String(
        validate=_no_nul, metadata={"description": "Mechanism slug or id."}
    )
    body = ma.fields.String(validate=_no_nul, metadata={"description": "Body slug or id."})
    meeting = record_id(metadata={"description": "Decided at this meeting (id)."})
    document = record_id(metadata={"description": "Recorded in this document (id)."})
    status = ma.fields.List(
        ma.fields.Enum(ActionStatus, by_value=True),
        metadata={"description": "One or more statuses (repeat the argument)."},
    )
    programme_area = record_id(
        metadata={"description": "Of this programme area or one of its sub-areas (id)."}
    )
    lead_organisation = ma.fields.String(
        validate=ma.validate.Length(min=1, max=300),
        metadata={"description": "Led by this organisation (its name as recorded)."},
    )
    lead_country = ma.fields.String(
        validate=ma.validate.Regexp(r"^[A-Za-z]{2}$", error="A country's ISO alpha-2 code."),
        metadata={"description": "Led by this member state (ISO alpha-2)."},
    )
    lead_user = record_id(metadata={"description": "Led by this person (user id)."})
    overdue = ma.fields.Boolean(
        metadata={"description": "true: open and past due; false: the others."}
    )
    due_before = ma.fields.Date(
        metadata={"description": "Due on or before this date (YYYY-MM-DD)."}
    )
    due_after = ma.fields.Date(metadata={"description": "Due on or after this date (YYYY-MM-DD)."})

    @ma.validates_schema
    def _window(self, data, **_):
        after, before = data.get("due_after"), data.get("due_before")
        if after and before and before < after:
            raise ma.ValidationError("'due_before' is before 'due_after'.", "due_before")


class ActionInputSchema(TextInputSchema):
    """An action's own fields; the body it belongs to is set when it is created."""

    meeting_id = record_id(allow_none=True, metadata={"description": "Decided at"})
    document_id = record_id(allow_none=True, metadata={"description": "Recorded in"})
    item = sized_string(Action.item, metadata={"description": "As the source numbers it"})
    title = sized_string(Action.title, required=True)
    description = ma.fields.String()
    lead_kind = ma.fields.Enum(LeadKind, by_value=True, allow_none=True)
    lead_organisation = sized_string(
        Action.lead_organisation, metadata={"description": "With lead_kind organisation"}
    )
    lead_country = ma.fields.String(
        allow_none=True,
        metadata={"description": "With lead_kind member_state: a member state (ISO alpha-2)"},
    )
    lead_user_id = record_id(allow_none=True, metadata={"description": "With lead_kind person"})
    partners = ma.fields.String()
    programme_area_id = record_id(allow_none=True)
    due = ma.fields.String(allow_none=True, metadata=DUE)
    recurrence = ma.fields.Enum(Recurrence, by_value=True, allow_none=True)
    due_meeting_id = record_id(
        allow_none=True, metadata={"description": "Due when this meeting ends (instead of due)"}
    )
    schedule_note = sized_string(Action.schedule_note)
    status = ma.fields.Enum(
        ActionStatus, by_value=True, metadata={"description": "not_started when left out"}
    )
    parent_id = record_id(allow_none=True, metadata={"description": "A sub-action of"})
    position = ma.fields.Integer(
        validate=ma.validate.Range(min=0, max=MAX_ID),
        metadata={"description": "Order among sub-actions"},
    )
    source = ma.fields.String()


class ActionCreateSchema(ActionInputSchema):
    body_id = record_id(required=True)


class ActionPatchSchema(PatchMixin, ActionInputSchema):
    """An action changed by PATCH: the fields sent are checked, the rest kept."""


class ActionUpdateInputSchema(TextInputSchema):
    """A progress report: a text, a new status, or both."""

    status = ma.fields.Enum(ActionStatus, by_value=True, allow_none=True)
    text = ma.fields.String(load_default="", validate=ma.validate.Length(max=10_000))


class ActionUpdateFormSchema(ActionUpdateInputSchema):
    """The text parts of a progress report sent as multipart/form-data: status and text."""

    @ma.pre_load
    def _files_are_file_parts(self, data, **_):
        # A "files" part without a filename arrives as text: say so, not "Unknown field".
        if any(name == "files" for name in data):
            raise ma.ValidationError(
                {"files": ["Send each file as a file part, with its filename."]}
            )
        return data


class ActionUpdateFilesSchema(InputSchema):
    """The file parts of a progress report sent as multipart/form-data."""

    files = ma.fields.List(
        Upload(),
        load_default=list,
        validate=ma.validate.Length(
            max=MAX_FILES, error=f"Attach at most {MAX_FILES} files to one update."
        ),
        metadata={"description": f"One part per file (repeat the part). {ALLOWED_TEXT}"},
    )


class ActionUpdateMultipartSchema(ActionUpdateFormSchema, ActionUpdateFilesSchema):
    """A progress report with files as the OpenAPI document describes it: status, text and
    files (multipart/form-data)."""


class ActionReviewInputSchema(TextInputSchema):
    """What a meeting of the action's body concluded; again for that meeting, it replaces
    the earlier conclusion."""

    meeting_id = record_id(required=True)
    conclusion = ma.fields.Enum(Conclusion, by_value=True, required=True)
    note = ma.fields.String(load_default="")
    new_due = ma.fields.String(
        allow_none=True, metadata={**DUE, "description": "With extended only: the new due date"}
    )

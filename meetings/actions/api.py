"""/api/v1/actions: list, read, create, change follow-up actions and post progress."""

import marshmallow as ma
from flask import request
from flask_smorest import Blueprint, abort

from meetings.access.guards import current_principal, require, visible_or_404
from meetings.access.policies import (
    can_manage_action,
    can_manage_body,
    can_report_on_action,
    can_view_action,
    can_view_body,
    can_view_document,
    can_view_mechanism,
    can_view_meeting,
)
from meetings.actions import services
from meetings.actions.attachments import post_progress
from meetings.actions.models import Action, ActionAttachment
from meetings.actions.queries import ActionFilter, action_with_history, page_of_actions
from meetings.actions.schemas import (
    ActionCreateSchema,
    ActionDetailSchema,
    ActionPageSchema,
    ActionPatchSchema,
    ActionQuerySchema,
    ActionReviewInputSchema,
    ActionReviewSchema,
    ActionUpdateFilesSchema,
    ActionUpdateFormSchema,
    ActionUpdateInputSchema,
    ActionUpdateMultipartSchema,
    ActionUpdateSchema,
)
from meetings.bodies.api import body_from_arg
from meetings.bodies.models import Body
from meetings.core.api import (
    LOCATION,
    created,
    guard_first,
    named_or_422,
    page_envelope,
    page_size,
    refuse_anonymous_writes,
    saved,
    writes,
)
from meetings.core.validation import DomainValidationError
from meetings.documents.downloads import stored_file_response
from meetings.documents.models import Document
from meetings.documents.services import Upload, max_bytes
from meetings.extensions import db
from meetings.mechanisms.api import mechanism_from_arg
from meetings.mechanisms.models import ProgrammeArea
from meetings.schedule.models import Meeting

blp = Blueprint(
    "actions_api",
    __name__,
    url_prefix="/api/v1/actions",
    description="Follow-up actions traced to their meeting, document and item; progress "
    "updates and reviews. Actions are not deleted: an action given up is set to dropped, "
    "and keeps its history.",
)
blp.before_request(refuse_anonymous_writes)

CONTENT = {
    "description": "The file's bytes; Content-Disposition names the file.",
    "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
    "headers": {
        "ETag": {"description": "The file's SHA-256.", "schema": {"type": "string"}},
        "Content-Disposition": {"schema": {"type": "string"}},
    },
}
# A progress report comes as JSON, or as a form with files. flask-smorest documents one body
# location per operation (its issue #46): the JSON body is documented by its arguments, the
# form's text parts ("form") and files ("files") are parsed apart and described here as one
# multipart body beside it.
FORM_TYPES = {"multipart/form-data", "application/x-www-form-urlencoded"}
MULTIPART_UPDATE = {
    "parameters": [],
    "requestBody": {
        "content": {"multipart/form-data": {"schema": ActionUpdateMultipartSchema}},
    },
}
# Records an action names: visible to the writer, or a 422 naming the field.
LINKS = {
    "meeting_id": (Meeting, can_view_meeting),
    "document_id": (Document, can_view_document),
    "due_meeting_id": (Meeting, can_view_meeting),
    "parent_id": (Action, can_view_action),
}


def _visible(action_id: int) -> Action:
    return visible_or_404(action_with_history(action_id), can_view_action)


def _managed(action_id: int) -> Action:
    """The action, if the caller sees it (else 404) and is its body's staff (else 403)."""
    action = _visible(action_id)
    reason = f"Only the secretariat or managers of {action.body.short_name} change actions."
    require(can_manage_action(current_principal(), action), reason, action)
    return action


def _reporter(action_id: int) -> Action:
    """The action, if the caller sees it (else 404) and leads it or is its body's staff."""
    action = _visible(action_id)
    reason = (
        f"Only its lead or the secretariat or managers of {action.body.short_name} post progress."
    )
    require(can_report_on_action(current_principal(), action), reason, action)
    return action


def _check_links(data: dict) -> None:
    for field, (model, can_view) in LINKS.items():
        if data.get(field) is not None:
            named_or_422(db.session.get(model, data[field]), can_view, field)


@blp.get("")
@blp.arguments(ActionQuerySchema, location="query", unknown=ma.RAISE)
@blp.response(200, ActionPageSchema)
def list_all(args: dict):
    """List actions, the soonest due first (those without a due date last), by mechanism,
    body, source meeting or document, status, programme area, lead, overdue and due dates."""
    page, size = args["page"], page_size(args)
    actions, total = page_of_actions(current_principal(), _filter(args), page, size)
    return page_envelope(actions, total, page, size)


@blp.get("/<int:action_id>")
@blp.response(200, ActionDetailSchema)
@blp.alt_response(404, response="NOT_FOUND")
def read(action_id: int):
    """Read one action with its sub-actions, progress updates and reviews."""
    return _visible(action_id)


@blp.post("")
@writes(blp)
@blp.arguments(ActionCreateSchema)
@blp.response(201, ActionDetailSchema, headers=LOCATION)
def create(data: dict):
    """Create an action of a body (the mechanism's secretariat or the body's managers)."""
    body = named_or_422(db.session.get(Body, data.pop("body_id")), can_view_body, "body_id")
    allowed = can_manage_body(current_principal(), body)
    require(allowed, f"Only the staff of {body.short_name} add actions.", body)
    _check_links(data)
    action = saved(lambda: services.create_action(body, **data))
    return created(action, "actions_api.read", action_id=action.id)


@blp.patch("/<int:action_id>")
@writes(blp, 404)
@guard_first(_managed)
@blp.arguments(ActionPatchSchema)
@blp.response(200, ActionDetailSchema)
def update(action: Action, changes: dict):
    """Change an action (its body's staff); fields left out keep their values, and a change
    of status is kept in its history. Actions are not deleted: set the status to dropped."""
    _check_links(changes)
    user_id = current_principal().user_id
    return saved(lambda: services.update_action(action, author_id=user_id, **changes))


@blp.post("/<int:action_id>/updates")
@writes(blp, 404)
@guard_first(_reporter)
@blp.arguments(ActionUpdateFormSchema, location="form", unknown=ma.RAISE)
@blp.arguments(ActionUpdateFilesSchema, location="files", unknown=ma.RAISE)
@blp.arguments(ActionUpdateInputSchema)
@blp.doc(**MULTIPART_UPDATE)
@blp.response(201, ActionUpdateSchema)
def post_update(action: Action, form: dict, files: dict, data: dict):
    """Report progress: a text, a new status or both (its lead person, the NFP of the
    member state leading it, or its body's staff).

    As JSON; or, with files attached, as multipart/form-data: status, text and one `files`
    part per file (at most 10). The update and its files are saved together or not at all:
    a refused file is a 422 under errors.files.files, a bad status or text under
    errors.form, each message saying why. Answers the update with its attachments and
    their download URLs."""
    user_id = current_principal().user_id
    if request.mimetype not in FORM_TYPES:
        return saved(lambda: post_progress(action, user_id, data["text"], data.get("status")))
    # One byte more than allowed tells a file is too large without reading all of it.
    uploads = [Upload(f.filename or "", f.stream.read(max_bytes() + 1)) for f in files["files"]]
    try:
        update = post_progress(action, user_id, form["text"], form.get("status"), uploads)
        db.session.commit()
    except DomainValidationError as exc:
        db.session.rollback()  # the update already flushed, and any file stored, go
        abort(422, errors=_by_part(exc.errors))
    return update


@blp.post("/<int:action_id>/reviews")
@writes(blp, 404)
@guard_first(_managed)
@blp.arguments(ActionReviewInputSchema)
@blp.response(201, ActionReviewSchema)
def record_review(action: Action, data: dict):
    """Record what a meeting of its body concluded on the action (its body's staff): noted,
    extended (to new_due), closed (completed) or carried over. Recorded again for the same
    meeting, it replaces that meeting's conclusion."""
    meeting = named_or_422(
        db.session.get(Meeting, data["meeting_id"]), can_view_meeting, "meeting_id"
    )
    user_id = current_principal().user_id
    return saved(
        lambda: services.record_review(
            action, meeting, data["conclusion"], data["note"], data.get("new_due"), by_id=user_id
        )
    )


@blp.get("/<int:action_id>/attachments/<int:attachment_id>/content")
@blp.doc(responses={"200": CONTENT})
@blp.alt_response(304, response="NOT_MODIFIED")
@blp.alt_response(404, response="NOT_FOUND")
def download_attachment(action_id: int, attachment_id: int):
    """Download a file attached to a progress update; If-None-Match with its ETag answers 304."""
    action = visible_or_404(services.get_action(action_id), can_view_action)
    row = db.session.get(ActionAttachment, attachment_id)
    if row is None or row.update.action_id != action.id:
        abort(404, message=f"No attachment {attachment_id} to action {action_id}.")
    return stored_file_response(
        row.storage_key,
        row.filename,
        row.media_type,
        row.size,
        "private, no-cache",
        lambda: abort(404, message=f"The file {row.filename} is missing from storage."),
    )


def _by_part(errors: dict[str, list[str]]) -> dict:
    """A refused progress report's errors under the part of the form that was at fault."""
    by_part: dict[str, dict] = {}
    for field, messages in errors.items():
        part, name = ("files", "files") if field == "attachments" else ("form", field)
        by_part.setdefault(part, {}).setdefault(name, []).extend(messages)
    return by_part


def _filter(args: dict) -> ActionFilter:
    mechanism = mechanism_from_arg(args.get("mechanism"))
    body = body_from_arg(args.get("body"))
    return ActionFilter(
        mechanism_id=mechanism.id if mechanism else None,
        body_id=body.id if body else None,
        meeting_id=_named(args, "meeting", Meeting, can_view_meeting),
        document_id=_named(args, "document", Document, can_view_document),
        statuses=tuple(args.get("status") or ()),
        programme_area_id=_named(args, "programme_area", ProgrammeArea, _can_view_area),
        lead_organisation=args.get("lead_organisation"),
        lead_country=args.get("lead_country"),
        lead_user_id=args.get("lead_user"),
        overdue=args.get("overdue"),
        due_before=args.get("due_before"),
        due_after=args.get("due_after"),
    )


def _named(args: dict, name: str, model, can_view) -> int | None:
    """The id a query argument names, or a 422 naming it when unknown or hidden."""
    record_id = args.get(name)
    if record_id is None:
        return None
    thing = db.session.get(model, record_id)
    if thing is None or not can_view(current_principal(), thing):
        label = name.replace("_", " ")
        abort(422, errors={"query": {name: [f"Unknown {label} {record_id}."]}})
    return record_id


def _can_view_area(p, area: ProgrammeArea) -> bool:
    return can_view_mechanism(p, area.mechanism)

"""Forms to create and change follow-up actions, post progress on them and record a meeting's
conclusion on them.

The services check every rule and name the field at fault; these forms only carry the input,
so that all the problems of a submission are shown at once, each under its field. Choices
that depend on the body (meetings, people, programme areas) are filled in by the views.
"""

from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, NumberRange, Optional

from meetings.actions.models import (
    CONCLUSION_LABELS,
    RECURRENCE_LABELS,
    STATUS_LABELS,
    Action,
)
from meetings.actions.services import FIELDS, Due
from meetings.core.dates import PartialDate
from meetings.core.forms import choices

LEAD_KINDS = [
    ("", "No lead named yet"),
    ("organisation", "An organisation"),
    ("member_state", "A member state (its National Focal Point reports)"),
    ("person", "A person with an account"),
]
DUE_HELP = (
    "A day (2012-12-31), a month (2026-09), a year (2025) or a period (2021/2025). "
    "Leave it empty to tie the action to a meeting below, or when the source names no date."
)
FILES_HELP = (
    "Optional, one or more. PDF, Word, Excel, PowerPoint, OpenDocument text, plain text, PNG "
    "or JPEG. If the form comes back with errors, choose the files again: browsers do not keep "
    "them."
)
RECURRENCES = RECURRENCE_LABELS.items()
CHOOSE_AGAIN = "Choose the files again: they are not kept when the form is shown with errors."


def _id(value):
    """A select's value as a record id; the empty choice is None."""
    return int(value) if value not in (None, "", "None") else None


def _text(value):
    """A select's value as text; the empty choice and None are ""."""
    return "" if value in (None, "None") else str(value)


class Marked:
    """Marks a field as required (the asterisk) and leaves the check to the services."""

    field_flags = {"required": True}

    def __call__(self, form, field) -> None:
        return None


class ActionForm(FlaskForm):
    item = StringField(
        "Item",
        validators=[Length(max=120)],
        description="As the source numbers it: 1-1-3, Component 2, Activity 1-2, objective 4.1.",
    )
    title = TextAreaField("What is to be done", validators=[Marked(), Length(max=1000)])
    description = TextAreaField("Description")
    meeting_id = SelectField("Decided at", coerce=_id)
    document_id = SelectField("Recorded in", coerce=_id)
    lead_kind = SelectField("Lead", choices=choices(LEAD_KINDS), coerce=_text, default="")
    lead_organisation = StringField(
        "Leading organisation",
        validators=[Length(max=300)],
        description="For an organisation: CAEC, ESCAP, the ASEAN Secretariat.",
    )
    lead_country = SelectField("Leading member state", coerce=_text, default="")
    lead_user_id = SelectField(
        "Leading person",
        coerce=_id,
        description="People with a role in the mechanism; they post progress on the action.",
    )
    partners = StringField("Partners", validators=[Length(max=2000)])
    programme_area_id = SelectField("Programme area", coerce=_id)
    due = StringField("Due", validators=[Length(max=40)], description=DUE_HELP)
    due_meeting_id = SelectField(
        "Due by the meeting",
        coerce=_id,
        description="“By the next SOM”: due when that meeting ends, and moving with it.",
    )
    recurrence = SelectField(
        "Recurs",
        choices=choices([("", "Does not recur"), *((k.value, v) for k, v in RECURRENCES)]),
        coerce=_text,
        default="",
    )
    schedule_note = StringField(
        "Schedule as the source words it",
        validators=[Length(max=300)],
        description="“No later than the end of 2012”, “2021-2025”, “annually”.",
    )
    status = SelectField(
        "Status",
        choices=choices((k.value, v) for k, v in STATUS_LABELS.items()),
        default="not_started",
        validators=[Marked()],
    )
    parent_id = SelectField("Sub-action of", coerce=_id)
    position = IntegerField(
        "Position",
        validators=[Optional(), NumberRange(min=0, max=9999)],
        description="Orders the sub-actions of one action, and the actions of a body.",
    )
    source = TextAreaField(
        "Source", description="Where the facts come from: a document and its section."
    )


def action_data(action: Action) -> dict[str, Any]:
    """The action's values as the form shows them."""
    values = {name: getattr(action, name) for name in FIELDS if name != "due"}
    for name in ("lead_kind", "recurrence", "status"):
        value = getattr(action, name)
        values[name] = value.value if value is not None else ""
    values["lead_country"] = action.lead_country or ""
    values["due"] = due_text(action)
    return values


def due_text(action: Action) -> str:
    """The due date as typed ("2021/2025"); empty when it follows a meeting."""
    if action.due_meeting_id is not None or action.due_end is None or not action.due_precision:
        return ""
    end = PartialDate.from_bounds(action.due_end, action.due_precision)
    start = (
        PartialDate.from_bounds(action.due_start, action.due_precision)
        if action.due_start
        else None
    )
    return Due(start, end).iso()


class ProgressForm(FlaskForm):
    # Offered: the statuses the action may move to; any other is refused by the service,
    # with a message that says why.
    status = SelectField("Status", coerce=_text, validate_choice=False)
    text = TextAreaField(
        "What progressed",
        validators=[Length(max=10_000)],
        description="A few lines: what was done, what is next, what stands in the way.",
    )
    attachments = MultipleFileField("Attachments", description=FILES_HELP)


class ReviewForm(FlaskForm):
    conclusion = SelectField(
        "Conclusion",
        choices=choices([("", "Choose…"), *((k.value, v) for k, v in CONCLUSION_LABELS.items())]),
        coerce=_text,
        validate_choice=False,
        validators=[Marked()],
    )
    new_due = StringField(
        "New due date",
        validators=[Length(max=40)],
        description="For “Extended”: 2026-06-30, 2026-06, 2026 or 2026/2027.",
    )
    note = TextAreaField("Note", validators=[Length(max=5000)])

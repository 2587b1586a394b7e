"""Forms to add and change documents, upload their files, and mark them adopted.

The services check every rule and name the field at fault; these forms only carry the input,
so that all the problems of a submission are shown at once, each under its field.
"""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, NumberRange, Optional

from meetings.core.forms import choices, visibility_field
from meetings.documents.models import LANGUAGES, STATUS_LABELS, TYPE_LABELS

FILE_HELP = (
    "PDF, Word, Excel, PowerPoint, OpenDocument text, plain text, PNG or JPEG. "
    "If the form comes back with errors, choose the file again: browsers do not keep it."
)
CHOOSE_AGAIN = "Choose the file again: it is not kept when the form is shown with errors."


def _id(value):
    """A select's value as a record id; the empty choice is None."""
    return int(value) if value not in (None, "", "None") else None


class Marked:
    """Marks a field as required (the asterisk) and leaves the check to the services."""

    field_flags = {"required": True}

    def __call__(self, form, field) -> None:
        return None


class DocumentForm(FlaskForm):
    type = SelectField(
        "Type", choices=choices((k.value, v) for k, v in TYPE_LABELS.items()), validators=[Marked()]
    )
    symbol = StringField(
        "Symbol",
        validators=[Length(max=120)],
        description="As printed on the document: NEASPEC/NFP-2/1. Unique; leave empty if none.",
    )
    title = StringField("Title", validators=[Marked(), Length(max=500)])
    description = TextAreaField("Description")
    status = SelectField(
        "Status",
        choices=choices((k.value, v) for k, v in STATUS_LABELS.items()),
        default="draft",
        description="A draft is seen by the body's secretariat and managers only.",
    )
    visibility = visibility_field(meeting_level=True, inherit="As its meeting or body")
    meeting_id = SelectField("Tabled at", coerce=_id)
    # Filled from the chosen meeting; the service checks that it belongs to it.
    session_id = SelectField(
        "Session",
        coerce=_id,
        validate_choice=False,
        description="Optional. The sessions of the meeting it is tabled at (after changing the "
        "meeting, save first to see its sessions). A closed session's document is as "
        "restricted as the session.",
    )
    adopted_at_id = SelectField(
        "Adopted at",
        coerce=_id,
        description="A meeting of the mechanism that has taken place; empty: the meeting it "
        "was tabled at, for an adopted document.",
    )
    adopted_on = StringField(
        "Adopted on",
        description="When the adopting meeting is not recorded: 2025-09-04, 2025-09 or 2025.",
    )
    parent_id = SelectField("Annex of", coerce=_id)
    position = IntegerField(
        "Position",
        validators=[Optional(), NumberRange(min=0, max=9999)],
        description="Orders the annexes of one document, and the documents of a meeting.",
    )
    superseded_by_id = SelectField(
        "Superseded by", coerce=_id, description="Setting it makes the status Superseded."
    )
    source = TextAreaField(
        "Source", description="Where the facts come from: a document and its section."
    )


class NewDocumentForm(DocumentForm):
    """A document and, optionally, its first file."""

    file = FileField("File", description="Optional. " + FILE_HELP)
    language = SelectField("Language of the file", choices=choices(LANGUAGES.items()), default="en")
    note = StringField("Note on the file", validators=[Length(max=1000)])


class UploadForm(FlaskForm):
    language = SelectField("Language", choices=choices(LANGUAGES.items()), default="en")
    file = FileField(
        "File", validators=[FileRequired("Choose a file to upload.")], description=FILE_HELP
    )
    note = StringField(
        "Note",
        validators=[Length(max=1000)],
        description="What changed, for a revision: “Corrected paragraph 12”.",
    )


class AdoptForm(FlaskForm):
    adopted_at_id = SelectField("Adopted at", coerce=_id)

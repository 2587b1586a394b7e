"""Forms to create and edit meetings and sessions."""

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from meetings.core.forms import (
    CheckboxesField,
    PartialDateField,
    choices,
    country_code,
    timezone_name,
    visibility_field,
)
from meetings.schedule.models import FORMAT_LABELS, SESSION_KIND_LABELS, STATUS_LABELS


class MeetingForm(FlaskForm):
    number = IntegerField(
        "Number",
        validators=[Optional(), NumberRange(min=1, max=9999)],
        description="24 for SOM-24, 3 for the 3rd AJMDEC, 2026 for CAECF 2026.",
    )
    title = StringField(
        "Title",
        validators=[Length(max=300)],
        description="Left empty, a numbered meeting is titled from its body.",
    )
    theme = TextAreaField("Theme")
    start = PartialDateField(
        "Starts",
        validators=[InputRequired()],
        description="2026-09-02, or 2026-09 if only the month is known, or 2026.",
    )
    end = PartialDateField(
        "Ends", description="Same precision as the start; empty for the same day, month or year."
    )
    status = SelectField("Status", choices=choices((k.value, v) for k, v in STATUS_LABELS.items()))
    format = SelectField(
        "Format",
        choices=choices([("", "Not recorded"), *((k.value, v) for k, v in FORMAT_LABELS.items())]),
    )
    city = StringField("City", validators=[Length(max=120)])
    country_code = StringField(
        "Country",
        validators=[Length(max=2), country_code],
        description="ISO 3166 alpha-2 code: MY, CN, KR.",
    )
    timezone = StringField(
        "Time zone",
        validators=[DataRequired(), timezone_name],
        description="IANA zone of the venue (for a virtual meeting, the "
        "reference zone of its timetable): Asia/Kuala_Lumpur.",
    )
    venue = StringField("Venue", validators=[Length(max=300)])
    host = StringField("Host", validators=[Length(max=300)])
    held_with_id = SelectField("Held in conjunction with", coerce=lambda v: int(v) if v else None)
    programme_area_ids = CheckboxesField(
        "Programme areas",
        coerce=int,
        description="What the meeting works on; the planning calendar filters by them.",
    )
    description = TextAreaField("Description")
    # The clashes the person was shown (planning.clashes.fingerprint): saving again with the
    # same ones is saving anyway.
    clashes_seen = HiddenField()
    visibility = visibility_field(meeting_level=True, inherit="As its body")
    source = TextAreaField(
        "Source", description="Where the facts come from: a document and its section."
    )


class SessionForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=300)])
    kind = SelectField(
        "Kind", choices=choices((k.value, v) for k, v in SESSION_KIND_LABELS.items())
    )
    day = DateField("Day", validators=[DataRequired()])
    start_time = TimeField("Starts (venue time)", validators=[DataRequired()])
    end_time = TimeField("Ends (venue time)", validators=[DataRequired()])
    room = StringField("Room", validators=[Length(max=200)])
    description = TextAreaField("Description")
    visibility = visibility_field(meeting_level=True, inherit="As its meeting")

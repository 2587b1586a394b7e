"""Form to create and edit a body."""

from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from meetings.bodies.models import (
    BODY_KIND_LABELS,
    CADENCE_LABELS,
    NUMBERING_LABELS,
)
from meetings.core.forms import choices, visibility_field
from meetings.mechanisms.forms import SLUG_RULE

MONTHS = choices(
    [("", "—")]
    + [
        (str(i), m)
        for i, m in enumerate(
            [
                "January",
                "February",
                "March",
                "April",
                "May",
                "June",
                "July",
                "August",
                "September",
                "October",
                "November",
                "December",
            ],
            start=1,
        )
    ]
)


class DayListField(StringField):
    """Whole numbers of days, separated by commas: "14, 1" (empty: none)."""

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        self.data = []
        for part in valuelist[0].replace(";", ",").split(","):
            part = part.strip()
            if not part:
                continue
            try:
                self.data.append(int(part))
            except ValueError:
                self.data = None
                raise ValueError(
                    f"Write whole numbers of days separated by commas, such as 14, 1: "
                    f"{part!r} is not one."
                ) from None

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return ", ".join(str(day) for day in self.data or [])


class DaysField(IntegerField):
    """A whole number of days, with a message that says so."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError("Give a whole number of days from 1 to 90.") from None


class BodyForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    short_name = StringField(
        "Short name",
        description="Used in titles: AJMDEC, SOM, CAECF.",
        validators=[DataRequired(), Length(max=40)],
    )
    slug = StringField("Address name", validators=[DataRequired(), Length(max=64), SLUG_RULE])
    kind = SelectField("Kind", choices=choices((k.value, v) for k, v in BODY_KIND_LABELS.items()))
    cadence = SelectField(
        "Cadence", choices=choices((k.value, v) for k, v in CADENCE_LABELS.items())
    )
    cadence_note = StringField(
        "Cadence, as the founding text words it", validators=[Length(max=300)]
    )
    numbering_style = SelectField(
        "Numbering", choices=choices((k.value, v) for k, v in NUMBERING_LABELS.items())
    )
    number_prefix = StringField(
        "Number prefix", description="For prefix numbering: SOM.", validators=[Length(max=20)]
    )
    usual_month = SelectField("Usual month", choices=MONTHS, coerce=lambda v: int(v) if v else None)
    conjunction_body_id = SelectField(
        "Held in conjunction with", coerce=lambda v: int(v) if v else None
    )
    position = IntegerField(
        "Order on the mechanism's page", default=0, validators=[Optional(), NumberRange(min=0)]
    )
    description = TextAreaField("Description")
    visibility = visibility_field(meeting_level=False, inherit="As its mechanism")
    source = TextAreaField(
        "Source", description="Where the facts come from: a document and its section."
    )
    reminder_days = DayListField(
        "Remind participants, days before each meeting",
        default=lambda: [14, 1],
        description="Up to 5 numbers from 1 to 90, separated by commas: "
        "14, 1. Leave empty to send no reminders.",
    )
    nfp_reminder_days = DaysField(
        "Remind National Focal Points of an empty delegation, days before registration closes",
        default=7,
        description="1 to 90.",
    )
    approval_reminder_days = DaysField(
        "Remind staff of registrations awaiting approval, days before each meeting",
        default=7,
        description="1 to 90.",
    )

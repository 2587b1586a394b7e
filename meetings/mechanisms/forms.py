"""Forms to create and edit mechanisms and programme areas."""

from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import URL, DataRequired, Length, Optional, Regexp

from meetings.core.forms import timezone_name, visibility_field

SLUG_RULE = Regexp(r"^[a-z0-9]+(?:-[a-z0-9]+)*$", message="Use lower-case letters, digits, -.")


class MechanismForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    short_name = StringField("Short name", validators=[DataRequired(), Length(max=40)])
    slug = StringField(
        "Address name",
        description="Used in page addresses: /mechanisms/<address name>.",
        validators=[DataRequired(), Length(max=64), SLUG_RULE],
    )
    member_states = StringField(
        "Member states",
        description="ISO 3166 alpha-2 codes separated by spaces or commas: BN KH ID ... JP.",
        validators=[DataRequired()],
    )
    secretariat = TextAreaField("Secretariat", validators=[Length(max=2000)])
    default_timezone = StringField(
        "Reference time zone",
        description="IANA name, used for meetings without a venue yet and virtual meetings.",
        validators=[DataRequired(), timezone_name],
    )
    website = StringField("Website", validators=[Optional(), URL(), Length(max=300)])
    description = TextAreaField("Description")
    visibility = visibility_field(meeting_level=False, inherit="Public")
    source = TextAreaField(
        "Source", description="Where the facts come from: a document and its section."
    )


class ProgrammeAreaForm(FlaskForm):
    code = StringField(
        "Code",
        description="As the mechanism numbers it: 1-2, Component 3, (a).",
        validators=[DataRequired(), Length(max=40)],
    )
    name = StringField("Name", validators=[DataRequired(), Length(max=300)])
    parent_id = SelectField("Part of", coerce=lambda v: int(v) if v else None)
    sdg_goals = StringField(
        "Sustainable Development Goals",
        description="Numbers 1 to 17, separated by spaces or commas.",
    )
    position = IntegerField("Order", default=0, validators=[Optional()])
    description = TextAreaField("Description")

    def sdg_numbers(self) -> list[int]:
        text = (self.sdg_goals.data or "").replace(",", " ")
        try:
            return [int(t) for t in text.split()]
        except ValueError:
            return [0]

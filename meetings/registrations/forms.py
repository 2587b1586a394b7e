"""Forms of registration: the settings, the public form and an NFP's nomination."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    SelectField,
    StringField,
    TimeField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from meetings.core.forms import CheckboxesField, choices, country_code
from meetings.registrations.models import CATEGORY_LABELS, DELEGATION_ROLE_LABELS, Category


class RegistrationSettingsForm(FlaskForm):
    opens_day = DateField("Opens on", validators=[DataRequired()])
    opens_time = TimeField("Opening time", validators=[DataRequired()])
    closes_day = DateField("Closes on", validators=[DataRequired()])
    closes_time = TimeField("Closing time", validators=[DataRequired()])
    categories = CheckboxesField(
        "Accepted categories",
        choices=choices((k.value, v) for k, v in CATEGORY_LABELS.items()),
    )
    capacity = IntegerField(
        "Capacity",
        validators=[Optional(), NumberRange(min=1, max=100_000)],
        description="Seats in all; past it, people join the waiting list. Empty: no limit.",
    )
    delegation_quota = IntegerField(
        "Seats per delegation",
        validators=[Optional(), NumberRange(min=1, max=100_000)],
        description="For each member state's delegation. Empty: no limit.",
    )
    needs_approval = BooleanField("The secretariat approves each registration")
    open_to_public = BooleanField("Anyone may register with the public form")


class RegistrationForm(FlaskForm):
    """The public form; its categories are the meeting's accepted ones (set by the view)."""

    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    title = StringField("Job title", validators=[Length(max=200)])
    organisation = StringField("Organisation", validators=[Length(max=300)])
    country_code = StringField(
        "Country",
        validators=[Length(max=2), country_code],
        description="ISO 3166 alpha-2 code: MY, CN, KR.",
    )
    # The service names a category it does not take; the form leaves the choice to it.
    category = SelectField("Category", validate_choice=False)
    email = EmailField("Email address", validators=[DataRequired(), Length(max=254)])

    def offer(self, accepted: list[str]) -> None:
        """Offer the accepted categories; delegations come through their NFP's nomination."""
        offered = [c for c in Category if c.value in accepted and c is not Category.DELEGATION]
        self.category.choices = choices((c.value, CATEGORY_LABELS[c]) for c in offered)


class NominationForm(FlaskForm):
    delegation_country = SelectField("Delegation of")
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    title = StringField("Job title", validators=[Length(max=200)])
    email = EmailField("Email address", validators=[DataRequired(), Length(max=254)])
    delegation_role = SelectField(
        "Role in the delegation",
        choices=choices((k.value, v) for k, v in DELEGATION_ROLE_LABELS.items()),
        default="delegate",
    )

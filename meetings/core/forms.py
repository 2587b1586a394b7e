"""Form fields and validators shared by every domain's forms."""

from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, SelectMultipleField, StringField
from wtforms.validators import ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from meetings.core.countries import is_country
from meetings.core.dates import PartialDate
from meetings.core.timezones import is_timezone
from meetings.core.visibility import VISIBILITY_LABELS, Visibility


class PartialDateField(StringField):
    """A date to the day, month or year: 2025-09-04, 2026-09 or 2015."""

    def process_formdata(self, valuelist):
        self.raw = (valuelist[0] if valuelist else "").strip()
        self.data = None
        if self.raw:
            try:
                self.data = PartialDate.parse(self.raw)
            except ValueError as exc:
                self.data = None
                raise ValueError(str(exc)) from None

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return self.data.iso() if isinstance(self.data, PartialDate) else ""


def timezone_name(form, field) -> None:
    if field.data and not is_timezone(field.data.strip()):
        raise ValidationError(
            f"Unknown time zone {field.data!r}: use an IANA name such as Asia/Bangkok."
        )


def country_code(form, field) -> None:
    if field.data and not is_country(field.data.strip()):
        raise ValidationError(
            f"Unknown country {field.data!r}: use an ISO 3166 alpha-2 code such as TH."
        )


class CheckboxesField(SelectMultipleField):
    """Several choices as a list of checkboxes (styled by ul.checkboxes)."""

    widget = ListWidget(html_tag="ul", prefix_label=False)
    option_widget = CheckboxInput()

    def __call__(self, **kwargs):
        kwargs.setdefault("class", "checkboxes")
        return super().__call__(**kwargs)


class ReaderTimezoneForm(FlaskForm):
    timezone = StringField("Your time zone", validators=[timezone_name])


def form_values(form: FlaskForm) -> dict:
    """The form's data as service keyword arguments."""
    return {k: v for k, v in form.data.items() if k not in ("csrf_token", "submit")}


def show_errors(form: FlaskForm, errors: dict[str, list[str]]) -> None:
    """Put a service's field errors on the form's fields; the rest on the form itself."""
    form.form_errors = list(getattr(form, "form_errors", []))
    for name, messages in errors.items():
        field = getattr(form, name, None)
        if field is None:
            form.form_errors.extend(messages)
        else:
            field.errors = [*field.errors, *messages]


class ConfirmForm(FlaskForm):
    """A form with only its CSRF token, for buttons that change something (delete)."""


def choices(pairs) -> list[SelectChoice]:
    """Select options from (value, label) pairs."""
    return [SelectChoice(str(value), label) for value, label in pairs]


def visibility_field(meeting_level: bool, inherit: str) -> SelectField:
    """Who may see the thing; the first choice keeps its parent's protection."""
    levels = [
        (v.value, label)
        for v, label in VISIBILITY_LABELS.items()
        if meeting_level or v is not Visibility.PARTICIPANTS
    ]
    return SelectField(
        "Who may see it",
        choices=choices([("", inherit), *levels]),
        default="",
        description="Restricted things are hidden from everyone else: pages, lists, API.",
    )

"""Forms: the choice for one kind (the unsubscribe page); one's own email settings."""

from flask_wtf import FlaskForm
from wtforms import RadioField, StringField
from wtforms.validators import Length

from meetings.core.forms import choices, timezone_name
from meetings.notifications.kinds import Kind
from meetings.notifications.models import MODE_LABELS, Mode

MODE_CHOICES = choices((m.value, MODE_LABELS[m]) for m in Mode)


class ModeForm(FlaskForm):
    mode = RadioField(
        "Send me these emails",
        choices=MODE_CHOICES,
        default=Mode.OFF.value,
    )


class PreferencesForm(FlaskForm):
    """One's own settings: a mode per optional kind (added by `preferences_form`), a zone."""

    timezone = StringField(
        "Time zone for times in emails",
        description="An IANA name such as Asia/Bangkok or Europe/Paris: reminders show each "
        "time in the venue's zone and in this one, and your daily digest leaves in its "
        "morning. Leave empty for the venue's times only (the digest then follows UTC).",
        validators=[Length(max=64), timezone_name],
    )


def mode_field(kind_name: str) -> str:
    """The form field holding a kind's mode."""
    return f"mode_{kind_name}"


def preferences_form(
    optional: list[Kind], modes: dict[str, Mode], timezone: str | None
) -> PreferencesForm:
    """The settings form, one radio group per optional kind, starting from the current values."""

    class Form(PreferencesForm):
        """A class of its own per request: the kinds' fields are added to it below."""

    for kind in optional:
        field = RadioField(kind.label, choices=MODE_CHOICES, default=modes[kind.name].value)
        setattr(Form, mode_field(kind.name), field)
    return Form(timezone=timezone or "")

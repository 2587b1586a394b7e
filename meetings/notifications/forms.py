"""Forms: the choice for one kind (the unsubscribe page)."""

from flask_wtf import FlaskForm
from wtforms import RadioField

from meetings.notifications.models import MODE_LABELS, Mode


class ModeForm(FlaskForm):
    mode = RadioField(
        "Send me these emails",
        choices=[(m.value, MODE_LABELS[m]) for m in Mode],
        default=Mode.OFF.value,
    )

"""Forms of the calendar pages."""

from flask_wtf import FlaskForm
from wtforms import SelectField

from meetings.core.forms import choices


class FeedAddressForm(FlaskForm):
    """Create (or re-create) the person's calendar address, or stop it: the button says which."""

    action = SelectField(
        choices=choices([("create", "Create a new address"), ("stop", "Stop the address")]),
        validate_choice=True,
    )

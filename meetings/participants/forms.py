"""The form that lists an account as taking part in a meeting."""

from flask_wtf import FlaskForm
from wtforms import EmailField
from wtforms.validators import DataRequired, Length


class ParticipantForm(FlaskForm):
    email = EmailField(
        "Email address of the account",
        validators=[DataRequired(), Length(max=254)],
        description="The person needs an account already.",
    )

"""Forms of the account pages: sign in, passwords, invitations, roles and API tokens."""

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from meetings.accounts.models import ROLE_LABELS, TokenScope
from meetings.accounts.passwords import MAX_LENGTH, MIN_LENGTH
from meetings.core.forms import choices

PASSWORD_HELP = f"At least {MIN_LENGTH} characters; a few unrelated words make a good one."
SAME_PASSWORD = EqualTo("password", message="The two passwords are not the same.")


def _email(label: str = "Email address") -> EmailField:
    return EmailField(
        label,
        validators=[DataRequired("Give your email address."), Length(max=254)],
        render_kw={"autocomplete": "username", "spellcheck": "false"},
    )


def _new_password(label: str = "New password") -> PasswordField:
    return PasswordField(
        label,
        description=PASSWORD_HELP,
        validators=[DataRequired("Choose a password."), Length(max=MAX_LENGTH)],
        render_kw={"autocomplete": "new-password"},
    )


def _confirmation() -> PasswordField:
    return PasswordField(
        "The same password again",
        validators=[DataRequired("Type the password again."), SAME_PASSWORD],
        render_kw={"autocomplete": "new-password"},
    )


class SignInForm(FlaskForm):
    email = _email()
    password = PasswordField(
        "Password",
        validators=[DataRequired("Give your password.")],
        render_kw={"autocomplete": "current-password"},
    )


class ForgotPasswordForm(FlaskForm):
    email = _email()


class NewPasswordForm(FlaskForm):
    password = _new_password()
    confirm = _confirmation()


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        "Current password",
        validators=[DataRequired("Give your current password.")],
        render_kw={"autocomplete": "current-password"},
    )
    password = _new_password()
    confirm = _confirmation()


class InvitationForm(FlaskForm):
    name = StringField(
        "Your name",
        description="As colleagues should see it, e.g. Ms Aiko Tanaka.",
        validators=[DataRequired("Give your name."), Length(max=200)],
        render_kw={"autocomplete": "name"},
    )
    password = _new_password("Choose a password")
    confirm = _confirmation()


class TokenForm(FlaskForm):
    name = StringField(
        "Name",
        description="What will use it, e.g. the secretariat's calendar sync.",
        validators=[DataRequired("Name the token."), Length(max=100)],
    )
    scope = SelectField(
        "May",
        choices=choices(
            [(TokenScope.READ.value, "Read only"), (TokenScope.READ_WRITE.value, "Read and write")]
        ),
        default=TokenScope.READ.value,
    )


class RoleForm(FlaskForm):
    """A role and its scope. Choices only guide: the service and the permission check decide."""

    role = SelectField("Role", validate_choice=False)
    mechanism_id = SelectField(
        "Mechanism",
        description="For every role but site administrator and body manager.",
        validate_choice=False,
    )
    body_id = SelectField("Body", description="For a body manager only.", validate_choice=False)
    country_code = StringField(
        "Member state",
        description="For a National Focal Point (required) or a delegate: JP, KR, TH…",
        validators=[Length(max=2)],
    )

    def offer(self, roles, mechanisms, bodies) -> None:
        """Limit the choices to what the person may give."""
        self.role.choices = choices(
            [("", "Choose a role"), *((r.value, ROLE_LABELS[r]) for r in roles)]
        )
        self.mechanism_id.choices = choices(
            [("", "—"), *((m.id, m.short_name) for m in mechanisms)]
        )
        self.body_id.choices = choices(
            [("", "—"), *((b.id, f"{b.short_name} ({b.mechanism.short_name})") for b in bodies)]
        )


class InviteForm(RoleForm):
    email = EmailField(
        "Email address of the person",
        validators=[DataRequired("Give an email address."), Length(max=254)],
        render_kw={"spellcheck": "false"},
    )

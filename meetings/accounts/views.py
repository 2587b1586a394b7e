"""Pages: sign in and out, passwords, invitations, the person's account and tokens, people."""

from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user

from meetings.access.guards import current_principal, require
from meetings.access.principal import Principal
from meetings.accounts import emails, links, services
from meetings.accounts import tokens as api_tokens
from meetings.accounts.forms import (
    ChangePasswordForm,
    ForgotPasswordForm,
    InvitationForm,
    InviteForm,
    NewPasswordForm,
    RoleForm,
    SignInForm,
    TokenForm,
)
from meetings.accounts.models import ApiToken, LinkPurpose, RoleAssignment, User
from meetings.accounts.permissions import (
    can_grant,
    can_revoke,
    can_see_people,
    can_see_person,
    grantable_roles,
    visible_roles,
)
from meetings.bodies.services import list_bodies
from meetings.core.forms import ConfirmForm
from meetings.core.forms_flow import save_form
from meetings.core.redirects import local_path
from meetings.extensions import db
from meetings.mechanisms.services import list_mechanisms

bp = Blueprint("accounts", __name__)

# Secrets of emailed links wait here, out of the address bar and of any Referer.
PENDING = {LinkPurpose.PASSWORD_RESET: "reset_secret", LinkPurpose.INVITATION: "invitation_secret"}
WRONG_CREDENTIALS = "Email or password is not right."


# Signing in and out.


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    form = SignInForm()
    if not form.validate_on_submit():
        return render_template("accounts/sign_in.html", form=form)
    address = request.remote_addr or ""
    if services.is_throttled(form.email.data, address):
        return render_template("accounts/throttled.html"), 429, {"Retry-After": "900"}
    user = services.authenticate(form.email.data, form.password.data, address)
    db.session.commit()
    if user is None:
        return render_template("accounts/sign_in.html", form=form, failed=WRONG_CREDENTIALS)
    _start_session(user)
    return redirect(_next_page())


@bp.post("/sign-out")
def sign_out():
    logout_user()
    session.clear()
    flash("You are signed out.", "success")
    return redirect(url_for("schedule.home"))


def _start_session(user: User) -> None:
    """A fresh session for the person: nothing from before signing in carries over."""
    session.clear()
    login_user(user)


def _next_page() -> str:
    """Where to go after signing in: `next` when it is a path on this site."""
    return local_path(request.args.get("next"), url_for(".profile"))


# Forgotten passwords.


@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if not form.validate_on_submit():
        return render_template("accounts/forgot_password.html", form=form)
    issued = links.request_reset(form.email.data)
    if issued:
        emails.send_password_reset(*issued)
    db.session.commit()
    return render_template("accounts/forgot_password_sent.html", email=form.email.data)


@bp.get("/password/reset/<secret>")
def reset_password(secret: str):
    session[PENDING[LinkPurpose.PASSWORD_RESET]] = secret
    return redirect(url_for(".reset_password_form"))


@bp.route("/password/reset", methods=["GET", "POST"])
def reset_password_form():
    link = _pending_link(LinkPurpose.PASSWORD_RESET)
    if link is None:
        return _dead_link(LinkPurpose.PASSWORD_RESET)
    form = NewPasswordForm()
    user = save_form(form, lambda values: links.reset_password(link, values["password"]))
    if user is None:
        return render_template("accounts/reset_password.html", form=form, link=link)
    _start_session(user)
    flash("Your new password is set, and you are signed in.", "success")
    return redirect(url_for(".profile"))


def _pending_link(purpose: LinkPurpose):
    return links.live_link(session.get(PENDING[purpose], ""), purpose)


def _dead_link(purpose: LinkPurpose):
    """Say why the link does not work: 410 when it did once, 400 when it never could."""
    link = links.find_link(session.pop(PENDING[purpose], ""), purpose)
    state = links.link_state(link)
    page = render_template("accounts/link_problem.html", purpose=purpose.value, state=state)
    return page, 400 if state == "unknown" else 410


# Invitations.


@bp.get("/invitations/<secret>")
def accept_invitation(secret: str):
    session[PENDING[LinkPurpose.INVITATION]] = secret
    return redirect(url_for(".invitation_form"))


@bp.route("/invitations/accept", methods=["GET", "POST"])
def invitation_form():
    link = _pending_link(LinkPurpose.INVITATION)
    if link is None:
        return _dead_link(LinkPurpose.INVITATION)
    account = link.user or services.find_user(link.email)
    has_password = account is not None and account.password_hash is not None
    form = ConfirmForm() if has_password else InvitationForm()

    def accept(values):
        return links.accept_invitation(link, values.get("name", ""), values.get("password"))

    user = save_form(form, accept)
    if user is None:
        role = links.invited_role(link)
        return render_template("accounts/invitation.html", form=form, link=link, role=role)
    return _after_acceptance(user, has_password)


def _after_acceptance(user: User, had_password: bool):
    session.pop(PENDING[LinkPurpose.INVITATION], None)
    if not had_password:
        _start_session(user)
        flash("Welcome: your account is ready and you are signed in.", "success")
        return redirect(url_for(".profile"))
    flash("The role has been added to your account.", "success")
    if current_user.is_authenticated and current_user.id == user.id:
        return redirect(url_for(".profile"))
    return redirect(url_for(".sign_in"))


# The person's own account.


def _me() -> User:
    require(current_user.is_authenticated, "Sign in to see your account.")
    return current_user._get_current_object()


@bp.get("/account")
def profile():
    user = _me()
    people = can_see_people(current_principal())
    return render_template("accounts/profile.html", user=user, people=people)


@bp.route("/account/password", methods=["GET", "POST"])
def change_password():
    user = _me()
    form = ChangePasswordForm()

    def change(values):
        services.change_password(user, values["current_password"], values["password"])
        return user

    if save_form(form, change):
        login_user(user)  # this session follows the new password; the others end
        flash("Your password is changed; you are signed out everywhere else.", "success")
        return redirect(url_for(".profile"))
    return render_template("accounts/change_password.html", form=form)


@bp.route("/account/tokens", methods=["GET", "POST"])
def tokens():
    user = _me()
    form = TokenForm()
    created = save_form(form, lambda v: api_tokens.create_token(user, v["name"], v["scope"]))
    page = render_template(
        "accounts/tokens.html",
        form=TokenForm(formdata=None) if created else form,
        tokens=api_tokens.user_tokens(user),
        created=created,
    )
    response = make_response(page)
    # The new token's secret is in this page only: no cache may keep it.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/account/tokens/<int:token_id>/revoke")
def revoke_token(token_id: int):
    user = _me()
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        abort(404)
    api_tokens.revoke_token(token)
    db.session.commit()
    flash(f"Token “{token.name}” revoked: it no longer works.", "success")
    return redirect(url_for(".tokens"))


# People and their roles.


def _people_manager() -> Principal:
    p = current_principal()
    require(can_see_people(p), "Only administrators and secretariats manage people.")
    return p


def _person_or_404(p: Principal, user_id: int) -> User:
    user = services.get_user(user_id)
    if user is None or not can_see_person(p, user):
        abort(404)
    return user


def _role_form(form_class, p: Principal):
    """A role form offering only the roles, mechanisms and bodies this person may give."""
    form = form_class()
    mine = None if p.is_admin else p.secretariat_of
    mechanisms = [m for m in list_mechanisms(p) if mine is None or m.id in mine]
    bodies = [b for b in list_bodies(p) if mine is None or b.mechanism_id in mine]
    form.offer(grantable_roles(p), mechanisms, bodies)
    return form


def _checked_scope(p: Principal, values: dict) -> dict:
    """The role's columns, once the service found them valid and the person may give it."""
    scope = services.clean_role(values)
    allowed = can_grant(p, scope["role"], scope["mechanism_id"])
    require(allowed, "You may only give roles within the mechanisms you are secretariat of.")
    return scope


@bp.get("/users/")
def users():
    p = _people_manager()
    people = [(u, visible_roles(p, u)) for u in services.list_users() if can_see_person(p, u)]
    return render_template("accounts/users.html", people=people)


@bp.route("/users/invite", methods=["GET", "POST"])
def invite():
    p = _people_manager()
    form = _role_form(InviteForm, p)

    def send(values):
        email = values.pop("email")
        link, secret = links.invite(
            email, services.get_user(p.user_id), **_checked_scope(p, values)
        )
        emails.send_invitation(link, secret)
        return link

    link = save_form(form, send)
    if link:
        flash(f"Invitation sent to {link.email}.", "success")
        return redirect(url_for(".users"))
    return render_template("accounts/invite.html", form=form)


@bp.get("/users/<int:user_id>")
def user_detail(user_id: int):
    p = _people_manager()
    return _user_page(p, _person_or_404(p, user_id), _role_form(RoleForm, p))


def _user_page(p: Principal, person: User, form: RoleForm):
    roles = [(r, can_revoke(p, r)) for r in visible_roles(p, person)]
    return render_template("accounts/user_detail.html", person=person, roles=roles, form=form)


@bp.post("/users/<int:user_id>/roles")
def grant_role(user_id: int):
    p = _people_manager()
    person = _person_or_404(p, user_id)
    form = _role_form(RoleForm, p)
    granted = save_form(form, lambda v: services.grant_role(person, **_checked_scope(p, v)))
    if granted is None:
        return _user_page(p, person, form)
    flash(f"{person.display_name} is now {granted.label}.", "success")
    return redirect(url_for(".user_detail", user_id=person.id))


@bp.post("/users/<int:user_id>/roles/<int:role_id>/revoke")
def revoke_role(user_id: int, role_id: int):
    p = _people_manager()
    person = _person_or_404(p, user_id)
    assignment = db.session.get(RoleAssignment, role_id)
    if assignment is None or assignment not in visible_roles(p, person):
        abort(404)
    require(can_revoke(p, assignment), "You may not take away this role.", assignment)
    label = assignment.label
    services.revoke_role(assignment)
    db.session.commit()
    flash(f"{person.display_name} is no longer {label}.", "success")
    return redirect(url_for(".user_detail", user_id=person.id))

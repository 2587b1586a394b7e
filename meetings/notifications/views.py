"""Pages: one's own email settings; a meeting's notification log for its staff, with "send
again" for a failed email; unsubscribe from one kind by the emailed link (no account needed).

The log's queries are in log.py, the preferences' in preferences.py: the API shares them.
"""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from meetings.access.guards import require
from meetings.accounts.models import User
from meetings.core.forms import ConfirmForm
from meetings.core.forms_flow import save_form
from meetings.core.redirects import local_path
from meetings.core.validation import parse_choice
from meetings.extensions import csrf, db
from meetings.mail.delivery import retry_message
from meetings.notifications import kinds, unsubscribe
from meetings.notifications.forms import ModeForm, mode_field, preferences_form
from meetings.notifications.log import (
    OUTCOME_LABELS,
    Outcome,
    outcome_counts,
    page_of_log,
    retry_problem,
)
from meetings.notifications.models import (
    MODE_LABELS,
    Mode,
    Notification,
)
from meetings.notifications.preferences import mode_for, modes_for, save_preferences, set_mode
from meetings.schedule.lookup import managed_meeting

bp = Blueprint("notifications", __name__)
PER_PAGE = 50


# One's own settings.


def _me() -> User:
    require(current_user.is_authenticated, "Sign in to choose which emails you receive.")
    return current_user._get_current_object()


@bp.route("/account/notifications", methods=["GET", "POST"])
def preferences():
    user = _me()
    optional = kinds.optional_kinds()
    current = modes_for(user.email)
    form = preferences_form(optional, current, user.timezone)

    def save(values: dict) -> User:
        chosen = {k.name: Mode(values[mode_field(k.name)]) for k in optional}
        return save_preferences(user, chosen, values["timezone"], current)

    if save_form(form, save):
        flash("Your email settings are saved.", "success")
        return redirect(url_for(".preferences"))
    return render_template(
        "notifications/preferences.html",
        form=form,
        optional=optional,
        mandatory=[k for k in kinds.KINDS.values() if k.mandatory],
        mode_field=mode_field,
    )


# A meeting's notification log, for its staff.


@bp.get("/meetings/<int:meeting_id>/notifications")
def meeting_log(meeting_id: int):
    meeting = managed_meeting(meeting_id, "read its notifications")
    wanted = request.args.get("status", "")
    outcome = parse_choice(Outcome, wanted) if wanted else None
    problem = None
    if wanted and outcome is None:
        problem = f"Unknown status {wanted!r}: choose one of " + ", ".join(Outcome) + "."
    page = min(max(request.args.get("page", 1, type=int), 1), 100_000)
    counts = outcome_counts(meeting.id)
    total = counts[outcome.value] if outcome else sum(counts.values())
    rows = [] if problem else page_of_log(meeting, outcome, page, PER_PAGE)
    html = render_template(
        "notifications/meeting_log.html",
        meeting=meeting,
        counts=counts,
        labels=OUTCOME_LABELS,
        selected=outcome.value if outcome else "",
        problem=problem,
        rows=rows,
        total=total,
        page=page,
        pages=max((total + PER_PAGE - 1) // PER_PAGE, 1),
        button=ConfirmForm(),
    )
    return html, 400 if problem else 200


@bp.post("/meetings/<int:meeting_id>/notifications/<int:notification_id>/retry")
def retry(meeting_id: int, notification_id: int):
    meeting = managed_meeting(meeting_id, "send its notifications again")
    n = db.session.get(Notification, notification_id)
    if n is None or n.meeting_id != meeting.id:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    back = local_path(request.form.get("next"), url_for(".meeting_log", meeting_id=meeting.id))
    problem = retry_problem(n)
    if problem is not None or not retry_message(n.message):
        flash(f"Nothing sent to {n.recipient}. {problem or 'There is nothing to send.'}", "error")
        return redirect(back)
    db.session.commit()
    flash(f"The email to {n.recipient} is on its way again.", "success")
    return redirect(back)


# Unsubscribing by the emailed link.


def _read(token: str) -> tuple[str, list[kinds.Kind]]:
    found = unsubscribe.read_token(token)
    if found is None:
        abort(404)
    email, kind_name = found
    if kind_name == unsubscribe.ALL:
        return email, kinds.optional_kinds()
    kind = kinds.KINDS.get(kind_name)
    if kind is None or kind.mandatory:
        abort(404)
    return email, [kind]


@bp.route("/notifications/unsubscribe/<token>", methods=["GET", "POST"])
def unsubscribe_page(token: str):
    """The emailed link opens this page; its button (a POST) changes the setting: mail
    scanners that open links change nothing."""
    email, chosen = _read(token)
    form = ModeForm()
    if form.validate_on_submit():
        mode = Mode(form.mode.data)
        for kind in chosen:
            set_mode(email, kind.name, mode)
        db.session.commit()
        flash(_done(chosen, mode), "success")
        return redirect(url_for(".unsubscribe_page", token=token))
    current = {kind.name: mode_for(email, kind.name) for kind in chosen}
    return render_template(
        "notifications/unsubscribe.html",
        email=email,
        chosen=chosen,
        current=current,
        form=form,
        mode_labels=MODE_LABELS,
    )


@bp.post("/notifications/unsubscribe/<token>/one-click")
@csrf.exempt
def unsubscribe_one_click(token: str):
    """RFC 8058: the mail program's own "Unsubscribe" button posts here; no page, no CSRF
    token (the signed link is the authority, and it can only turn mail off)."""
    email, chosen = _read(token)
    for kind in chosen:
        set_mode(email, kind.name, Mode.OFF)
    db.session.commit()
    return {"unsubscribed": [k.name for k in chosen]}, 200


def _done(chosen: list[kinds.Kind], mode: Mode) -> str:
    what = chosen[0].label.lower() if len(chosen) == 1 else "optional emails"
    if mode is Mode.OFF:
        return f"Done: no more {what} will be sent to this address."
    if mode is Mode.DIGEST:
        return f"Done: {what} now come in one daily digest."
    return f"Done: {what} are sent as they happen."

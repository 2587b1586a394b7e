"""Pages: unsubscribe from one kind by the emailed link (no account needed)."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for

from meetings.extensions import csrf, db
from meetings.notifications import kinds, unsubscribe
from meetings.notifications.forms import ModeForm
from meetings.notifications.models import MODE_LABELS, Mode
from meetings.notifications.preferences import mode_for, set_mode

bp = Blueprint("notifications", __name__)


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

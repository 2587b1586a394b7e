"""Pages that belong to no domain: the reader's time zone choice."""

from flask import Blueprint, redirect, request, url_for

from meetings.core.forms import ReaderTimezoneForm
from meetings.core.reader import remember_timezone
from meetings.core.redirects import local_path

bp = Blueprint("core", __name__)


@bp.post("/timezone")
def set_timezone():
    """Remember the reader's zone (the form for readers without JavaScript)."""
    form = ReaderTimezoneForm()
    target = local_path(request.form.get("next"), url_for("schedule.home"))
    response = redirect(target)
    if form.validate_on_submit():
        remember_timezone(response, form.timezone.data)
    return response

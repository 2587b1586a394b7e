"""Pages that belong to no domain: the reader's time zone choice."""

from urllib.parse import urlsplit

from flask import Blueprint, redirect, request, url_for

from meetings.core.forms import ReaderTimezoneForm
from meetings.core.reader import remember_timezone

bp = Blueprint("core", __name__)


@bp.post("/timezone")
def set_timezone():
    """Remember the reader's zone (the form for readers without JavaScript)."""
    form = ReaderTimezoneForm()
    target = _local_path(request.form.get("next", ""))
    response = redirect(target)
    if form.validate_on_submit():
        remember_timezone(response, form.timezone.data)
    return response


def _local_path(url: str) -> str:
    """Only redirect within the site: a path, never another host."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not url.startswith("/") or url.startswith("//"):
        return url_for("schedule.home")
    return url

"""/api/v1: a meeting's notification log (its staff); one's own email settings."""

import marshmallow as ma
from flask_smorest import Blueprint

from meetings.access.guards import current_principal, require
from meetings.accounts.models import User
from meetings.accounts.services import get_user
from meetings.core.api import guard_first, page_envelope, page_size, refuse_anonymous_writes, writes
from meetings.extensions import db
from meetings.notifications.log import Outcome, outcome_counts, page_of_log
from meetings.notifications.models import Mode
from meetings.notifications.preferences import modes_for, save_preferences
from meetings.notifications.schemas import (
    NotificationLogPageSchema,
    NotificationQuerySchema,
    PreferencesInputSchema,
    PreferencesSchema,
)
from meetings.schedule.lookup import managed_meeting

blp = Blueprint(
    "notifications_api",
    __name__,
    url_prefix="/api/v1",
    description="Notifications: what each meeting's people were emailed, and how each person "
    "wants to be told.",
)
blp.before_request(refuse_anonymous_writes)


@blp.get("/meetings/<int:meeting_id>/notifications")
@blp.arguments(NotificationQuerySchema, location="query", unknown=ma.RAISE)
@blp.response(200, NotificationLogPageSchema)
@blp.alt_response(401, response="UNAUTHORIZED")
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
def list_notifications(args: dict, meeting_id: int):
    """List a meeting's notifications, latest due first, with counts by outcome (its staff).

    Each says what became of it; a written one carries its email's status: sent at, or
    failed with the mail server's reason, or waiting with its attempts so far.
    """
    meeting = managed_meeting(meeting_id, "read its notifications")
    outcome = Outcome(args["status"]) if args.get("status") else None
    counts = outcome_counts(meeting.id)
    total = counts[outcome.value] if outcome else sum(counts.values())
    size, page = page_size(args), args["page"]
    rows = page_of_log(meeting, outcome, page, size)
    return {
        **page_envelope(rows, total, page, size),
        "counts": counts,
        "timezone": meeting.timezone,
    }


# One's own settings.


def _me() -> User:
    p = current_principal()
    require(p.is_authenticated, "Sign in: send Authorization: Bearer <token>.")
    return get_user(p.user_id)


def _settings_of(user: User) -> dict:
    modes = modes_for(user.email)
    return {"timezone": user.timezone, "preferences": {k: m.value for k, m in modes.items()}}


@blp.get("/me/notification-preferences")
@blp.response(200, PreferencesSchema)
@blp.alt_response(401, response="UNAUTHORIZED")
def read_preferences():
    """Read how the token's owner receives each optional kind of email, and their zone."""
    return _settings_of(_me())


@blp.put("/me/notification-preferences")
@writes(blp, 422)
@guard_first(_me)
@blp.arguments(PreferencesInputSchema)
@blp.response(200, PreferencesSchema)
def update_preferences(user: User, data: dict):
    """Set how the token's owner receives each kind of email, and their time zone.

    Modes are immediate, digest or off; kinds left out keep their mode, a zone left out is
    kept (null or "" clears it). Unknown kinds and modes, and mandatory kinds (always sent),
    are a 422 naming them.
    """
    chosen = {name: Mode(mode) for name, mode in data.get("preferences", {}).items()}
    zone = data.get("timezone", user.timezone)
    save_preferences(user, chosen, zone)
    db.session.commit()
    return _settings_of(user)

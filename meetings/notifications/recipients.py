"""What the app knows of a recipient beyond the address: the zone they read times in."""

import sqlalchemy as sa

from meetings.accounts.models import User
from meetings.extensions import db
from meetings.notifications.models import Notification


def recipient_zone(row: Notification) -> str | None:
    """The zone of the recipient's account: the notification's user, else the account with
    the recipient's address (a registration made by form before the person signed in)."""
    if row.user is not None:
        return row.user.timezone
    if not row.recipient:
        return None
    return db.session.scalar(sa.select(User.timezone).where(User.email == row.recipient))

"""What the app knows of a recipient beyond the address: the zone they read times in."""

from meetings.notifications.models import Notification


def recipient_zone(row: Notification) -> str | None:
    """The zone of the recipient's account: the notification's user, else the account with
    the recipient's address (a registration made by form before the person signed up)."""
    account = row.user or (row.account if row.recipient else None)
    return account.timezone if account is not None else None

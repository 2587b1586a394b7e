"""Each person's choice per kind: immediately, in a daily digest, or off."""

import sqlalchemy as sa

from meetings.accounts.models import User
from meetings.extensions import db
from meetings.notifications import kinds
from meetings.notifications.models import Mode, NotificationPreference

Chosen = dict[tuple[str, str], Mode]


def mode_for(email: str, kind_name: str, chosen: Chosen | None = None) -> Mode:
    """The mode for one address and kind; `chosen` (from chosen_modes) saves the query."""
    kind = kinds.get(kind_name)
    if kind.mandatory:
        return Mode.IMMEDIATE
    email = email.lower()
    if chosen is None:
        chosen = chosen_modes([email])
    return chosen.get((email, kind_name)) or kind.default_mode


def chosen_modes(emails) -> Chosen:
    """Every choice the addresses made, in one query (a sweep's batch asks once)."""
    emails = sorted({e.lower() for e in emails if e})
    if not emails:
        return {}
    rows = db.session.execute(
        sa.select(
            NotificationPreference.email, NotificationPreference.kind, NotificationPreference.mode
        ).where(NotificationPreference.email.in_(emails))
    )
    return {(email, kind): mode for email, kind, mode in rows}


def modes_for(email: str) -> dict[str, Mode]:
    """Every optional kind's mode for the address, defaults filled in (one query)."""
    chosen = dict(
        db.session.execute(
            sa.select(NotificationPreference.kind, NotificationPreference.mode).where(
                NotificationPreference.email == email.lower()
            )
        ).all()
    )
    return {k.name: chosen.get(k.name, k.default_mode) for k in kinds.optional_kinds()}


def set_mode(email: str, kind_name: str, mode: Mode) -> bool:
    """Record the choice; False (and nothing recorded) for a mandatory or unknown kind."""
    kind = kinds.KINDS.get(kind_name)
    if kind is None or kind.mandatory:
        return False
    email = email.lower()
    row = db.session.scalar(
        sa.select(NotificationPreference).where(
            NotificationPreference.email == email, NotificationPreference.kind == kind_name
        )
    )
    if row is None:
        db.session.add(NotificationPreference(email=email, kind=kind_name, mode=mode))
    else:
        row.mode = mode
    db.session.flush()
    return True


def save_preferences(
    user: User,
    chosen: dict[str, Mode],
    timezone: str | None,
    current: dict[str, Mode] | None = None,
) -> User:
    """Record the modes that changed and the zone ("" or None: none); the caller commits."""
    current = modes_for(user.email) if current is None else current
    for kind_name, mode in chosen.items():
        if current.get(kind_name) is not mode:
            set_mode(user.email, kind_name, mode)
    zone = (timezone or "").strip() or None
    if user.timezone != zone:
        user.timezone = zone
    return user

"""The kinds of notification: a new kind is one `register(Kind(...))` and its template.

A kind says who may turn it off, how its message is written (`render`), and whether, at the
moment it is sent, it still applies (`still_applies`: a cancelled meeting sends no reminder).
Kinds that a planner creates ahead of time also name the planner (see planner.py).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from meetings.notifications.models import Mode

if TYPE_CHECKING:
    from meetings.notifications.models import Notification


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str


def _always(_notification: "Notification", _now: datetime) -> str | None:
    return None


@dataclass(frozen=True)
class Kind:
    name: str  # stored in rows and preferences: never rename
    label: str  # as a person reads it on the preferences page
    description: str
    # Writes the message; `context` carries what is not stored (a secret link), else {}.
    render: Callable[["Notification", dict], Rendered]
    # None when it still applies at `now`; else why it is skipped ("the meeting is cancelled").
    still_applies: Callable[["Notification", datetime], str | None] = _always
    # Must be received (a confirmation link): no preference, no unsubscribe link.
    mandatory: bool = False
    default_mode: Mode = Mode.IMMEDIATE
    # Carries a secret link: the stored copy is emptied as soon as it is sent or given up.
    sensitive: bool = False
    # Who receives it, for the preferences page ("Participants", "National Focal Points").
    audience: str = "Everyone"
    tags: tuple[str, ...] = field(default_factory=tuple)


KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    if kind.name in KINDS and KINDS[kind.name] != kind:
        raise ValueError(f"notification kind {kind.name!r} registered twice")
    KINDS[kind.name] = kind
    return kind


def get(name: str) -> Kind:
    return KINDS[name]


def optional_kinds() -> list[Kind]:
    """The kinds a person may choose for, in the order they were registered."""
    return [k for k in KINDS.values() if not k.mandatory]

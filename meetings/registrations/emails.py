"""The messages registration sends: the confirmation link, and each change of status.

Both are notification kinds (meetings.notifications): the link must be received (it is
the only way to confirm), the status messages follow the person's preference.
"""

import secrets
from collections.abc import Callable

from flask import render_template

from meetings.mail import absolute_url
from meetings.notifications.kinds import Kind, Rendered, register
from meetings.notifications.models import Notification
from meetings.notifications.notify import notify
from meetings.registrations.models import STATUS_LABELS, Registration, RegistrationStatus

REGISTRATION_LINK = "registration_link"
REGISTRATION_STATUS = "registration_status"

# What happened -> (subject start, what the message says).
EVENTS = {
    "received": (
        "Registration received",
        "Your registration is received. The secretariat will confirm it.",
    ),
    "confirmed": ("Registration confirmed", "Your registration is confirmed: a seat is yours."),
    "waitlisted": (
        "On the waiting list",
        "The meeting is full: you are on the waiting list, and we will write when a seat frees.",
    ),
    "approved": ("Registration confirmed", "The secretariat approved your registration."),
    "declined": ("Registration declined", "The secretariat declined your registration."),
    "moved_up": ("A seat is yours", "A seat became free: you moved up from the waiting list."),
    "nominated": ("Nomination received", "Your National Focal Point nominated you."),
}
# After the email address is confirmed, the status it reached says what to tell.
CONFIRMED_EVENT = {
    RegistrationStatus.PENDING: "received",
    RegistrationStatus.CONFIRMED: "confirmed",
    RegistrationStatus.WAITLISTED: "waitlisted",
}


def _registration(row: Notification) -> Registration:
    return row.registration


def render_link(row: Notification, context: dict) -> Rendered:
    registration, meeting = _registration(row), row.meeting
    if "url" not in context:
        raise LookupError("the confirmation link is only known when the person registers")
    text = render_template(
        "registrations/emails/confirm.txt",
        registration=registration,
        meeting=meeting,
        url=context["url"],
    )
    return Rendered(f"Confirm your registration: {meeting.title}", text)


def render_status(row: Notification, _context: dict) -> Rendered:
    registration, meeting = _registration(row), row.meeting
    subject, message = EVENTS[row.payload["event"]]
    text = render_template(
        "registrations/emails/status.txt",
        registration=registration,
        meeting=meeting,
        message=message,
        status=STATUS_LABELS[registration.status],
        url=absolute_url("registrations.mine"),
    )
    return Rendered(f"{subject}: {meeting.title}", text)


register(
    Kind(
        name=REGISTRATION_LINK,
        label="Registration confirmation links",
        description="The link that confirms your email address when you register.",
        render=render_link,
        mandatory=True,
        sensitive=True,
    )
)
register(
    Kind(
        name=REGISTRATION_STATUS,
        label="Registration updates",
        description="When your registration or nomination is received, confirmed, "
        "approved, declined, waitlisted or moves up from the waiting list.",
        audience="Participants",
        render=render_status,
    )
)


def _tell(registration: Registration, kind: str, what: str, **extra) -> None:
    """Notify the registered person; `what` makes the key one of its own (events repeat)."""
    notify(
        kind,
        key=f"{kind.replace('_', '-')}:{registration.id}:{what}{secrets.token_hex(6)}",
        recipient=registration.email,
        user_id=registration.user_id,
        meeting_id=registration.meeting_id,
        registration_id=registration.id,
        **extra,
    )


def send_confirmation_link(registration: Registration, secret: str) -> None:
    url = absolute_url("registrations.confirm", secret=secret)
    _tell(registration, REGISTRATION_LINK, "", context={"url": url})


def send_status(registration: Registration, event: str) -> None:
    """Tell the person what happened to their registration, and where it stands."""
    _tell(registration, REGISTRATION_STATUS, f"{event}:", payload={"event": event})


def send_moved_up(registrations: list[Registration]) -> None:
    for registration in registrations:
        send_status(registration, "moved_up")


def run_and_tell(registration: Registration, action: Callable, event: str | None = None) -> None:
    """Run a staff action; mail the person (event) and those who moved up, after the commit."""
    moved = action(registration) or []
    if event:
        send_status(registration, event)
    send_moved_up(moved)

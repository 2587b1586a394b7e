"""The messages registration sends: the confirmation link, and each change of status."""

from collections.abc import Callable

from flask import render_template

from meetings.mail import absolute_url, send_email
from meetings.registrations.models import STATUS_LABELS, Registration, RegistrationStatus

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


def send_confirmation_link(registration: Registration, secret: str) -> None:
    meeting = registration.meeting
    text = render_template(
        "registrations/emails/confirm.txt",
        registration=registration,
        meeting=meeting,
        url=absolute_url("registrations.confirm", secret=secret),
    )
    send_email(registration.email, f"Confirm your registration: {meeting.title}", text)


def send_status(registration: Registration, event: str) -> None:
    """Tell the person what happened to their registration, and where it stands."""
    subject, message = EVENTS[event]
    meeting = registration.meeting
    text = render_template(
        "registrations/emails/status.txt",
        registration=registration,
        meeting=meeting,
        message=message,
        status=STATUS_LABELS[registration.status],
        url=absolute_url("registrations.mine"),
    )
    send_email(registration.email, f"{subject}: {meeting.title}", text)


def send_moved_up(registrations: list[Registration]) -> None:
    for registration in registrations:
        send_status(registration, "moved_up")


def run_and_tell(registration: Registration, action: Callable, event: str | None = None) -> None:
    """Run a staff action; mail the person (event) and those who moved up, after the commit."""
    moved = action(registration) or []
    if event:
        send_status(registration, event)
    send_moved_up(moved)

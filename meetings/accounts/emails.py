"""The messages the accounts pages send: invitations and password reset links."""

from flask import render_template

from meetings.accounts.links import LIFETIME, invited_role
from meetings.accounts.models import EmailLink, LinkPurpose
from meetings.mail import absolute_url, send_email

SITE = "Environmental cooperation meetings"


def send_invitation(link: EmailLink, secret: str) -> None:
    role = invited_role(link).label
    inviter = link.invited_by.display_name if link.invited_by else None
    text = render_template(
        "accounts/emails/invitation.txt",
        url=absolute_url("accounts.accept_invitation", secret=secret),
        role=role,
        inviter=inviter,
        expires_at=link.expires_at,
        days=LIFETIME[LinkPurpose.INVITATION].days,
    )
    send_email(link.email, f"Invitation to {SITE}: {role}", text)


def send_password_reset(link: EmailLink, secret: str) -> None:
    text = render_template(
        "accounts/emails/password_reset.txt",
        url=absolute_url("accounts.reset_password", secret=secret),
        email=link.email,
        expires_at=link.expires_at,
    )
    send_email(link.email, f"Set a new password for {SITE}", text)

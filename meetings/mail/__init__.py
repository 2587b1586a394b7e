"""Email: messages queued during a request and sent once the database commit succeeds."""

from meetings.mail.sender import deliver, init_app, send_email
from meetings.mail.urls import absolute_url

__all__ = ["absolute_url", "deliver", "init_app", "send_email"]

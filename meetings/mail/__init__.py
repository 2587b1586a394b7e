"""Email: an outbox table written with the change that causes each message, sent by workers."""

from meetings.mail.sender import queue_message, send_email
from meetings.mail.urls import absolute_url

__all__ = ["absolute_url", "queue_message", "send_email"]

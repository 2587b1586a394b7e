"""Signed-in sessions through Flask-Login; the cookie names the user and their nonce."""

from flask import Flask, g

from meetings.accounts.services import user_for_session
from meetings.extensions import login


def init_app(app: Flask) -> None:
    login.init_app(app)
    login.user_loader(user_for_session)
    login.login_view = "accounts.sign_in"
    login.login_message = "Please sign in to continue."
    login.session_protection = "basic"
    app.before_request(_forget_previous_sender)


def _forget_previous_sender() -> None:
    """Who asks is worked out afresh for each request, even within one app context (tests)."""
    g.pop("_login_user", None)
    g.pop("principal", None)

"""Checks that views and API calls make: find the principal, refuse what it may not do.

Pages know who asks from the session cookie (Flask-Login); the API from a bearer token, or
for reading only, from the session cookie. Something a person may not see is "not found";
something they may see but not change is "forbidden"; and a refused write is audited.
"""

from collections.abc import Callable
from typing import NoReturn, TypeVar

from flask import abort, g, redirect, request, url_for
from flask_login import current_user
from flask_smorest import abort as abort_with

from meetings.access.principal import Principal, principal_for
from meetings.accounts.models import TokenScope
from meetings.accounts.tokens import token_for_secret
from meetings.audit.services import record_refusal
from meetings.extensions import wants_json

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
T = TypeVar("T")


def current_principal() -> Principal:
    """Who is asking, loaded once per request."""
    if "principal" not in g:
        g.principal = _api_principal() if wants_json() else _web_principal()
    return g.principal


def _web_principal() -> Principal:
    user = current_user if current_user.is_authenticated else None
    return principal_for(user)


def _api_principal() -> Principal:
    header = request.headers.get("Authorization", "")
    if header:
        kind, _, secret = header.partition(" ")
        token = token_for_secret(secret.strip()) if kind.lower() == "bearer" else None
        if token is None:
            g.principal = principal_for(None, channel="api")
            _unauthorized("Unknown or revoked token: send Authorization: Bearer <token>.")
        return principal_for(token.user, scope=token.scope, channel="api")
    if request.method in SAFE_METHODS and current_user.is_authenticated:
        return principal_for(current_user, scope=TokenScope.READ, channel="api")
    return principal_for(None, channel="api")


def _unauthorized(message: str) -> NoReturn:
    """401 with the challenge that tells API clients to send a bearer token."""
    abort_with(401, message=message, headers={"WWW-Authenticate": 'Bearer realm="api"'})


def visible_or_404(thing: T | None, can_view: Callable[[Principal, T], bool]) -> T:
    """The thing, or 404 when it does not exist or the principal may not see it."""
    if thing is None or not can_view(current_principal(), thing):
        abort(404)
    return thing


def refuse(reason: str, thing=None) -> NoReturn:
    """Stop a request the principal may not make: sign in first, or 403 (audited if a write)."""
    p = current_principal()
    if request.method not in SAFE_METHODS:
        record_refusal(p, reason, thing)
    if not p.is_authenticated:
        if wants_json():
            _unauthorized("Sign in: send Authorization: Bearer <token>.")
        abort(redirect(url_for("accounts.sign_in", next=request.full_path.rstrip("?"))))
    abort(403, description=reason)


def require(allowed: bool, reason: str, thing=None) -> None:
    """Continue only when allowed; writes through the API also need a read-write token."""
    p = current_principal()
    if allowed and request.method not in SAFE_METHODS and wants_json() and not p.can_write:
        refuse("This token may only read: create a read-write token to change things.", thing)
    if not allowed:
        refuse(reason, thing)

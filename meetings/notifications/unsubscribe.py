"""One-click unsubscribe: a signed link per address and kind, and the headers that carry it.

The link is the authority (the person may have no account): it names the address and the
kind, signed with the site's key, so it cannot be forged for another address. It does not
expire (an old email's link must still work) and grants nothing but turning mail off.
"""

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from meetings.mail import absolute_url

ALL = "*"  # every optional kind (the link of a digest)
SALT = "notifications.unsubscribe"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def token_for(email: str, kind_name: str) -> str:
    return _serializer().dumps([email.lower(), kind_name])


def read_token(token: str) -> tuple[str, str] | None:
    try:
        email, kind_name = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    if not isinstance(email, str) or not isinstance(kind_name, str):
        return None
    return email, kind_name


def page_url(email: str, kind_name: str) -> str:
    return absolute_url("notifications.unsubscribe_page", token=token_for(email, kind_name))


def headers(email: str, kind_name: str) -> dict[str, str]:
    """RFC 2369 and RFC 8058: mail programs show an "Unsubscribe" button that POSTs here."""
    one_click = absolute_url(
        "notifications.unsubscribe_one_click", token=token_for(email, kind_name)
    )
    return {
        "List-Unsubscribe": f"<{one_click}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }

"""Absolute links for messages that leave the site."""

from flask import current_app, url_for


def absolute_url(endpoint: str, **values) -> str:
    """The page's address under PUBLIC_BASE_URL when set, else as this request sees it."""
    base = current_app.config.get("PUBLIC_BASE_URL", "").rstrip("/")
    if base:
        return base + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)

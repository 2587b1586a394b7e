"""Absolute links for messages that leave the site (mail, calendar feeds)."""

from flask import current_app, has_request_context, request, url_for


def absolute_url(endpoint: str, **values) -> str:
    """The page's address under PUBLIC_BASE_URL when set, else as this request sees it.

    PUBLIC_BASE_URL is the whole base, with the path the site is mounted under if any: the
    request's own mount point (SCRIPT_NAME, which a proxy may set from X-Forwarded-Prefix)
    is left out, so no request can change the links a message or a kept feed carries.
    """
    base = current_app.config.get("PUBLIC_BASE_URL", "").rstrip("/")
    if not base:
        return url_for(endpoint, _external=True, **values)
    path = url_for(endpoint, **values)
    root = request.script_root if has_request_context() else ""
    if root and path.startswith(root + "/"):
        path = path[len(root) :]
    return base + path

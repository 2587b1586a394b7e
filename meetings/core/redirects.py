"""Redirects that stay on this site, whatever a form or a link asks for."""

from urllib.parse import urlsplit


def local_path(target: str | None, default: str) -> str:
    """`target` when it is a path on this site, else `default` (no open redirects)."""
    target = target or ""
    parts = urlsplit(target)
    on_site = target.startswith("/") and not target.startswith(("//", "/\\"))
    return target if on_site and not (parts.scheme or parts.netloc) else default

"""The reader's own time zone: chosen on the page, or told by the browser, kept in a cookie."""

from urllib.parse import unquote

from flask import request

from meetings.core.timezones import is_timezone

COOKIE = "tz"
ONE_YEAR = 365 * 24 * 3600


def reader_timezone() -> str | None:
    """The reader's IANA zone if known and valid; None otherwise."""
    # Older pages' script stored it URL-encoded ("Europe%2FParis"); the name itself is valid
    # in a cookie, and unquoting a plain name changes nothing.
    zone = unquote(request.cookies.get(COOKIE, ""))
    return zone if is_timezone(zone) else None


def remember_timezone(response, zone: str | None):
    """Keep the reader's zone; an empty choice forgets it (times then show the venue's only)."""
    zone = (zone or "").strip()
    if not zone:
        response.delete_cookie(COOKIE, samesite="Lax")
        return response
    response.set_cookie(COOKIE, zone, max_age=ONE_YEAR, samesite="Lax", httponly=False)
    return response

"""What browsers are told: a CSP that needs no inline script, no framing, no stack traces."""

import re

from tests import factories

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
INLINE_STYLE = re.compile(r"<[^>]+\sstyle\s*=", re.I)


def test_pages_send_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_pages_have_no_inline_script_or_style(admin_client):
    meeting = factories.meeting()
    factories.session(meeting)
    body = meeting.body
    urls = [
        "/",
        "/meetings/",
        "/mechanisms/",
        f"/mechanisms/{body.mechanism.slug}",
        f"/bodies/{body.slug}",
        f"/meetings/{meeting.id}",
        f"/meetings/{meeting.id}/edit",
        f"/bodies/{body.slug}/schedule-next",
    ]
    for url in urls:
        html = admin_client.get(url).text
        assert not INLINE_SCRIPT.search(html), url
        assert not INLINE_HANDLER.search(html), url
        assert not INLINE_STYLE.search(html), url


def test_unexpected_error_shows_a_plain_page_without_trace(app, client):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret detail of the failure")

    response = client.get("/boom")
    assert response.status_code == 500
    assert "secret detail" not in response.text
    assert "Traceback" not in response.text
    api = client.get("/api/v1/meetings/999999")
    assert api.status_code == 404
    assert api.is_json


def test_secure_cookie_and_hsts_over_https(app):
    app.config["SESSION_COOKIE_SECURE"] = True
    client = app.test_client()
    response = client.get("/", base_url="https://meetings.test")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")

"""Reading the account pages and messages as a person does."""

import html
import re
from email.message import EmailMessage

from flask.testing import FlaskClient

PASSWORD = "correct horse battery"
NEW_PASSWORD = "staple gun orbit kettle"


def alert(page: str) -> str:
    """The text of the page's error box (role=alert), or ""."""
    found = re.search(r'role="alert">(.*?)</div>', page, re.S)
    return _text(found.group(1)) if found else ""


def heading(page: str) -> str:
    found = re.search(r"<h1>(.*?)</h1>", page, re.S)
    return _text(found.group(1)) if found else ""


def _text(fragment: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", fragment))).strip()


def sign_in_as(client: FlaskClient, email: str, password: str = PASSWORD, **kwargs):
    return client.post("/sign-in", data={"email": email, "password": password}, **kwargs)


def signed_in_email(client: FlaskClient) -> str | None:
    """Whose account page the client reaches, or None when it is sent to sign in."""
    response = client.get("/account")
    if response.status_code != 200:
        return None
    found = re.search(r"<dt>Email</dt><dd>(.*?)</dd>", response.text)
    return found.group(1) if found else None


def link_in(message: EmailMessage) -> str:
    """The path of the one link in a message (the host is the test server's)."""
    body = message.get_body(preferencelist=("plain",)).get_content()
    (url,) = re.findall(r"https?://\S+", body)
    return re.sub(r"^https?://[^/]+", "", url)

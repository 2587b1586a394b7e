import re

from meetings.accounts.tokens import create_token, token_for_secret
from tests import factories
from tests.conftest import sign_in


def _secret_on(page: str) -> str | None:
    found = re.search(r'id="new-token"[^>]*value="([^"]+)"', page)
    return found.group(1) if found else None


def test_new_token_is_shown_once_and_never_cached(client):
    sign_in(client, factories.user())
    response = client.post("/account/tokens", data={"name": "Calendar sync", "scope": "read"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    secret = _secret_on(response.text)
    assert secret.startswith("mtg_")
    assert token_for_secret(secret).name == "Calendar sync"
    listing = client.get("/account/tokens").text
    assert _secret_on(listing) is None
    assert secret not in listing
    assert f"<code>{secret[:10]}…</code>" in listing
    assert "Calendar sync" in listing and "Read only" in listing


def test_token_needs_a_name(client):
    sign_in(client, factories.user())
    response = client.post("/account/tokens", data={"name": " ", "scope": "read"})
    assert _secret_on(response.text) is None
    assert "Name the token." in response.text


def test_revoked_token_stops_working(client):
    user = factories.user()
    token, secret = create_token(user, "Script", "read_write")
    factories.db.session.commit()
    sign_in(client, user)
    response = client.post(f"/account/tokens/{token.id}/revoke")
    assert response.headers["Location"] == "/account/tokens"
    assert token_for_secret(secret) is None
    assert "Revoked" in client.get("/account/tokens").text


def test_someone_elses_token_is_not_found(client):
    owner = factories.user()
    token, secret = create_token(owner, "Theirs", "read")
    factories.db.session.commit()
    sign_in(client, factories.user())
    assert client.post(f"/account/tokens/{token.id}/revoke").status_code == 404
    assert "Theirs" not in client.get("/account/tokens").text
    assert token_for_secret(secret) is not None


def test_anonymous_cannot_revoke(client):
    token, _ = create_token(factories.user(), "Theirs", "read")
    factories.db.session.commit()
    response = client.post(f"/account/tokens/{token.id}/revoke")
    assert response.status_code == 302
    assert token.revoked_at is None

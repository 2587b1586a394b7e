import sqlalchemy as sa

from meetings.accounts.models import SignInAttempt
from tests import factories
from tests.accounts.helpers import PASSWORD, alert, sign_in_as, signed_in_email

WRONG = "Email or password is not right."


def test_sign_in_with_the_right_password_opens_the_account(client):
    factories.user(email="aiko@example.org", password=PASSWORD, name="Aiko Tanaka")
    response = sign_in_as(client, "Aiko@Example.org ")
    assert response.status_code == 302
    assert response.headers["Location"] == "/account"
    assert signed_in_email(client) == "aiko@example.org"
    assert "Aiko Tanaka" in client.get("/").text


def test_sign_in_starts_a_new_session(client):
    factories.user(email="aiko@example.org", password=PASSWORD)
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    sign_in_as(client, "aiko@example.org")
    with client.session_transaction() as session:
        assert "planted" not in session


def test_wrong_password_and_unknown_email_get_the_same_answer(client):
    factories.user(email="aiko@example.org", password=PASSWORD)
    wrong = sign_in_as(client, "aiko@example.org", "not the password")
    unknown = sign_in_as(client, "nobody@example.org", "not the password")
    assert (wrong.status_code, alert(wrong.text)) == (200, WRONG)
    assert (unknown.status_code, alert(unknown.text)) == (200, WRONG)
    assert signed_in_email(client) is None


def test_inactive_account_cannot_sign_in(client, db):
    user = factories.user(email="gone@example.org", password=PASSWORD)
    user.is_active = False
    db.session.commit()
    response = sign_in_as(client, "gone@example.org")
    assert alert(response.text) == WRONG
    assert signed_in_email(client) is None


def test_next_is_followed_only_within_the_site(client):
    factories.user(email="aiko@example.org", password=PASSWORD)
    local = sign_in_as(client, "aiko@example.org", query_string={"next": "/meetings/?year=2025"})
    assert local.headers["Location"] == "/meetings/?year=2025"
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = sign_in_as(client, "aiko@example.org", query_string={"next": target})
        assert response.headers["Location"] == "/account"


def test_sign_out_ends_the_session(client):
    factories.user(email="aiko@example.org", password=PASSWORD)
    sign_in_as(client, "aiko@example.org")
    response = client.post("/sign-out")
    assert response.headers["Location"] == "/"
    assert signed_in_email(client) is None


def test_sixth_attempt_is_refused_even_with_the_right_password(client, db):
    factories.user(email="aiko@example.org", password=PASSWORD)
    for _ in range(5):
        assert alert(sign_in_as(client, "aiko@example.org", "guess").text) == WRONG
    response = sign_in_as(client, "AIKO@example.org")
    assert response.status_code == 429
    assert "wait 15 minutes" in response.text
    assert signed_in_email(client) is None
    # Refused before the password is looked at: not even counted as a failure.
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SignInAttempt)) == 5


def test_other_accounts_and_addresses_are_not_throttled(app, client):
    factories.user(email="aiko@example.org", password=PASSWORD)
    factories.user(email="bold@example.org", password=PASSWORD)
    for _ in range(5):
        sign_in_as(client, "aiko@example.org", "guess")
    assert sign_in_as(client, "bold@example.org").status_code == 302


def test_one_address_is_throttled_after_twenty_failures(app):
    factories.user(email="aiko@example.org", password=PASSWORD)
    attacker = app.test_client()
    attacker.environ_base["REMOTE_ADDR"] = "203.0.113.9"
    for n in range(20):
        sign_in_as(attacker, f"someone{n}@example.org", "guess")
    assert sign_in_as(attacker, "aiko@example.org").status_code == 429
    elsewhere = app.test_client()
    assert sign_in_as(elsewhere, "aiko@example.org").status_code == 302


def test_success_clears_the_failures_of_the_account(client):
    factories.user(email="aiko@example.org", password=PASSWORD)
    for _ in range(4):
        sign_in_as(client, "aiko@example.org", "guess")
    sign_in_as(client, "aiko@example.org")
    client.post("/sign-out")
    for _ in range(4):
        sign_in_as(client, "aiko@example.org", "guess")
    assert sign_in_as(client, "aiko@example.org").status_code == 302


def test_header_offers_sign_in_or_the_account(client):
    factories.user(email="aiko@example.org", password=PASSWORD, name="Aiko Tanaka")
    assert 'href="/sign-in"' in client.get("/").text
    sign_in_as(client, "aiko@example.org")
    page = client.get("/").text
    assert 'href="/account">Aiko Tanaka</a>' in page
    assert 'action="/sign-out"' in page
    assert "People</a>" not in page


def test_anonymous_account_pages_send_to_sign_in(client):
    for path in ("/account", "/account/password", "/account/tokens", "/users/", "/users/invite"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/sign-in?next="), path

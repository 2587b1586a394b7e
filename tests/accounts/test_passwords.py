from datetime import UTC, datetime, timedelta

import time_machine

from tests import factories
from tests.accounts.helpers import (
    NEW_PASSWORD,
    PASSWORD,
    alert,
    heading,
    link_in,
    sign_in_as,
    signed_in_email,
)
from tests.pages import field_errors

SENT = "If an account exists for that address"


def _ask_for_reset(client, email="aiko@example.org"):
    return client.post("/password/forgot", data={"email": email})


def _set_new_password(client, link, password=NEW_PASSWORD, confirm=None):
    opened = client.get(link)
    assert opened.headers["Location"] == "/password/reset"
    return client.post(
        "/password/reset", data={"password": password, "confirm": confirm or password}
    )


def test_reset_by_email_end_to_end(app, client, smtp_server):
    factories.user(email="aiko@example.org", password=PASSWORD)
    other_browser = app.test_client()
    sign_in_as(other_browser, "aiko@example.org")
    response = _ask_for_reset(client, "Aiko@example.org")
    assert SENT in response.text
    (message,) = smtp_server
    assert message["To"] == "aiko@example.org"
    assert "expires in 1 hour" in message.get_content()
    assert "If it was not you, ignore this message" in message.get_content()
    link = link_in(message)
    assert link.startswith("/password/reset/")
    form = client.get(client.get(link).headers["Location"])
    assert heading(form.text) == "Choose a new password"
    assert link.rsplit("/", 1)[1] not in form.text
    done = client.post("/password/reset", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.headers["Location"] == "/account"
    assert signed_in_email(client) == "aiko@example.org"
    assert signed_in_email(other_browser) is None
    client.post("/sign-out")
    assert alert(sign_in_as(client, "aiko@example.org", PASSWORD).text)
    assert sign_in_as(client, "aiko@example.org", NEW_PASSWORD).status_code == 302


def test_reset_link_works_once(client, smtp_server):
    factories.user(email="aiko@example.org", password=PASSWORD)
    _ask_for_reset(client)
    link = link_in(smtp_server[0])
    _set_new_password(client, link)
    client.post("/sign-out")
    again = _set_new_password(client, link, password="another fine password")
    assert again.status_code == 410
    assert heading(again.text) == "This link has already been used"
    assert 'href="/password/forgot"' in again.text
    assert sign_in_as(client, "aiko@example.org", NEW_PASSWORD).status_code == 302


def test_reset_link_expires_after_an_hour(client, smtp_server):
    factories.user(email="aiko@example.org", password=PASSWORD)
    _ask_for_reset(client)
    link = link_in(smtp_server[0])
    with time_machine.travel(datetime.now(UTC) + timedelta(minutes=61), tick=False):
        response = _set_new_password(client, link)
    assert response.status_code == 410
    assert heading(response.text) == "This link has expired"
    assert sign_in_as(client, "aiko@example.org", PASSWORD).status_code == 302


def test_unknown_address_gets_the_same_answer_and_no_mail(client, smtp_server):
    factories.user(email="aiko@example.org", password=PASSWORD)
    response = _ask_for_reset(client, "nobody@example.org")
    assert response.status_code == 200
    assert SENT in response.text
    assert smtp_server == []


def test_inactive_account_gets_no_reset_mail(client, db, smtp_server):
    user = factories.user(email="gone@example.org", password=PASSWORD)
    user.is_active = False
    db.session.commit()
    assert SENT in _ask_for_reset(client, "gone@example.org").text
    assert smtp_server == []


def test_unknown_link_is_a_bad_request(client):
    response = client.get(client.get("/password/reset/not-a-secret").headers["Location"])
    assert response.status_code == 400
    assert heading(response.text) == "This link cannot be used"


def test_new_password_must_be_long_enough_and_typed_twice(client, smtp_server):
    factories.user(email="aiko@example.org", password=PASSWORD)
    _ask_for_reset(client)
    link = link_in(smtp_server[0])
    short = _set_new_password(client, link, password="short")
    assert field_errors(short.text) == ["Use at least 10 characters."]
    differ = client.post(
        "/password/reset", data={"password": NEW_PASSWORD, "confirm": "something else"}
    )
    assert field_errors(differ.text) == ["The two passwords are not the same."]
    # The link survived the mistakes.
    ok = client.post("/password/reset", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert ok.headers["Location"] == "/account"


def test_changing_the_password_ends_other_sessions(app, client):
    factories.user(email="aiko@example.org", password=PASSWORD)
    laptop, phone = client, app.test_client()
    sign_in_as(laptop, "aiko@example.org")
    sign_in_as(phone, "aiko@example.org")
    data = {"current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    response = laptop.post("/account/password", data=data)
    assert response.headers["Location"] == "/account"
    assert signed_in_email(laptop) == "aiko@example.org"
    assert signed_in_email(phone) is None


def test_changing_the_password_needs_the_current_one(client):
    factories.user(email="aiko@example.org", password=PASSWORD)
    sign_in_as(client, "aiko@example.org")
    data = {"current_password": "a guess", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    response = client.post("/account/password", data=data)
    assert field_errors(response.text) == ["This is not your current password."]
    client.post("/sign-out")
    assert sign_in_as(client, "aiko@example.org", PASSWORD).status_code == 302

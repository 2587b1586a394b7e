from meetings.extensions import db
from tests import factories
from tests.accounts.helpers import PASSWORD, sign_in_as, signed_in_email
from tests.conftest import sign_in


def test_sign_in_without_the_form_token_is_refused(csrf_app):
    factories.user(email="aiko@example.org", password=PASSWORD)
    client = csrf_app.test_client()
    response = sign_in_as(client, "aiko@example.org")
    assert response.status_code == 400
    assert "security token" in response.text
    assert signed_in_email(client) is None


def test_sign_out_without_the_form_token_is_refused(csrf_app):
    user = factories.user(email="aiko@example.org", password=PASSWORD)
    client = csrf_app.test_client()
    sign_in(client, user)
    assert client.post("/sign-out").status_code == 400
    assert signed_in_email(client) == "aiko@example.org"


def test_sign_out_button_carries_the_form_token(csrf_app):
    user = factories.user(email="aiko@example.org", password=PASSWORD)
    client = csrf_app.test_client()
    sign_in(client, user)
    page = client.get("/account").text
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    assert client.post("/sign-out", data={"csrf_token": token}).status_code == 302
    assert signed_in_email(client) is None
    db.session.remove()

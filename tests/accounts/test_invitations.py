import re
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
import time_machine

from meetings.accounts.models import EmailLink, Role
from meetings.accounts.services import find_user
from tests import factories
from tests.accounts.helpers import (
    NEW_PASSWORD,
    PASSWORD,
    heading,
    link_in,
    sign_in_as,
    signed_in_email,
)
from tests.conftest import sign_in
from tests.pages import field_errors


def _invite(client, email, **scope):
    return client.post("/users/invite", data={"email": email, **scope})


def _options(page: str, name: str) -> list[str]:
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', page, re.S).group(1)
    return re.findall(r">([^<]*)</option>", select)


def _accept(client, link, name="Ms Aiko Tanaka", password=NEW_PASSWORD):
    assert client.get(link).headers["Location"] == "/invitations/accept"
    data = {"name": name, "password": password, "confirm": password}
    return client.post("/invitations/accept", data=data)


def test_secretariat_invites_within_its_mechanism_end_to_end(app, client, smtp_server):
    neaspec = factories.mechanism(short_name="NEASPEC", member_states="CN JP KR MN RU")
    officer = factories.secretariat_of(neaspec, name="Ms Park")
    sign_in(client, officer)
    response = _invite(
        client, "aiko@example.org", role="nfp", mechanism_id=neaspec.id, country_code="jp"
    )
    assert response.headers["Location"] == "/users/"
    (message,) = smtp_server
    assert message["To"] == "aiko@example.org"
    body = message.get_content()
    assert "Ms Park invites you" in body
    assert "National Focal Point of Japan, NEASPEC" in body
    assert "expires in 14 days" in body

    newcomer = app.test_client()
    page = newcomer.get(newcomer.get(link_in(message)).headers["Location"])
    assert "Ms Park invites aiko@example.org as National Focal Point of Japan, NEASPEC" in (
        re.sub(r"<[^>]+>", "", page.text)
    )
    done = _accept(newcomer, link_in(message))
    assert done.headers["Location"] == "/account"
    assert signed_in_email(newcomer) == "aiko@example.org"
    assert "National Focal Point of Japan, NEASPEC" in newcomer.get("/account").text
    user = find_user("aiko@example.org")
    assert user.name == "Ms Aiko Tanaka"
    assert [(r.role, r.mechanism_id, r.country_code) for r in user.roles] == [
        (Role.NFP, neaspec.id, "JP")
    ]


def test_invitation_link_works_once(app, client, smtp_server):
    mech = factories.mechanism()
    sign_in(client, factories.secretariat_of(mech))
    _invite(client, "aiko@example.org", role="delegate", mechanism_id=mech.id)
    link = link_in(smtp_server[0])
    _accept(app.test_client(), link)
    again = _accept(app.test_client(), link, password="someone else's password")
    assert again.status_code == 410
    assert heading(again.text) == "This link has already been used"


def test_secretariat_is_offered_only_its_mechanisms_and_roles(client):
    mine = factories.mechanism(short_name="Mine")
    factories.mechanism(short_name="Theirs")
    sign_in(client, factories.secretariat_of(mine))
    page = client.get("/users/invite").text
    assert _options(page, "mechanism_id") == ["—", "Mine"]
    assert _options(page, "role") == [
        "Choose a role",
        "Secretariat",
        "Body manager",
        "National Focal Point",
        "Delegate",
    ]


def test_secretariat_may_not_invite_into_another_mechanism(client, db, smtp_server):
    mine, theirs = factories.mechanism(), factories.mechanism()
    sign_in(client, factories.secretariat_of(mine))
    other = _invite(client, "x@example.org", role="secretariat", mechanism_id=theirs.id)
    admin = _invite(client, "y@example.org", role="admin")
    assert (other.status_code, admin.status_code) == (403, 403)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(EmailLink)) == 0
    assert smtp_server == []


def test_nfp_may_not_invite(client, smtp_server):
    mech = factories.mechanism()
    sign_in(client, factories.nfp_of(mech, "JP"))
    assert client.get("/users/invite").status_code == 403
    response = _invite(client, "x@example.org", role="delegate", mechanism_id=mech.id)
    assert response.status_code == 403
    assert smtp_server == []


def test_invitation_with_a_bad_scope_shows_the_problems(admin_client):
    mech = factories.mechanism(member_states="CN JP")
    response = _invite(admin_client, "x@example.org", role="nfp", mechanism_id=mech.id)
    assert field_errors(response.text) == ["Choose a country."]
    response = _invite(
        admin_client, "x@example.org", role="nfp", mechanism_id=mech.id, country_code="TH"
    )
    assert field_errors(response.text) == [f"TH is not a member state of {mech.short_name}."]


def test_existing_account_accepts_without_changing_its_password(app, admin_client, smtp_server):
    mech = factories.mechanism(short_name="NEASPEC")
    factories.user(email="aiko@example.org", password=PASSWORD, name="Aiko")
    _invite(admin_client, "aiko@example.org", role="secretariat", mechanism_id=mech.id)
    browser = app.test_client()
    page = browser.get(browser.get(link_in(smtp_server[0])).headers["Location"]).text
    assert "You already have an account" in page
    assert 'name="password"' not in page
    response = browser.post("/invitations/accept", data={})
    assert response.headers["Location"] == "/sign-in"
    user = find_user("aiko@example.org")
    assert [r.label for r in user.roles] == ["Secretariat, NEASPEC"]
    assert sign_in_as(browser, "aiko@example.org").status_code == 302


def test_expired_invitation_says_so(client, smtp_server, admin_client):
    mech = factories.mechanism()
    _invite(admin_client, "aiko@example.org", role="delegate", mechanism_id=mech.id)
    link = link_in(smtp_server[0])
    with time_machine.travel(datetime.now(UTC) + timedelta(days=15), tick=False):
        response = _accept(client, link)
    assert response.status_code == 410
    assert heading(response.text) == "This link has expired"
    assert find_user("aiko@example.org") is None

import re

import sqlalchemy as sa

from meetings.accounts.models import Role, RoleAssignment
from meetings.extensions import db
from tests import factories
from tests.conftest import sign_in


def _listed(page: str) -> list[str]:
    return re.findall(r"<td>([^<@]+@[^<]+)</td>", page)


def _roles_of(user) -> list[tuple[Role, int | None]]:
    stmt = sa.select(RoleAssignment).where(RoleAssignment.user_id == user.id)
    return [(r.role, r.mechanism_id) for r in db.session.scalars(stmt.order_by(RoleAssignment.id))]


def test_administrator_sees_everyone(admin_client):
    factories.user(email="plain@example.org")
    factories.delegate_of(factories.mechanism(), email="delegate@example.org")
    page = admin_client.get("/users/").text
    assert _listed(page) == ["admin@example.org", "delegate@example.org", "plain@example.org"]


def test_secretariat_sees_the_people_of_its_mechanisms(client):
    mine, theirs = factories.mechanism(), factories.mechanism()
    officer = factories.secretariat_of(mine, email="officer@example.org")
    factories.nfp_of(mine, "JP", email="nfp@example.org")
    factories.delegate_of(theirs, email="elsewhere@example.org")
    factories.user(email="plain@example.org")
    sign_in(client, officer)
    page = client.get("/users/").text
    assert _listed(page) == ["nfp@example.org", "officer@example.org"]
    assert "People</a>" in client.get("/").text


def test_people_pages_are_refused_to_others(client):
    mech = factories.mechanism()
    delegate = factories.delegate_of(mech)
    sign_in(client, delegate)
    assert client.get("/users/").status_code == 403
    assert client.get(f"/users/{delegate.id}").status_code == 403


def test_secretariat_cannot_open_someone_outside_its_mechanisms(client):
    mine, theirs = factories.mechanism(), factories.mechanism()
    sign_in(client, factories.secretariat_of(mine))
    outsider = factories.delegate_of(theirs)
    assert client.get(f"/users/{outsider.id}").status_code == 404
    assert client.get("/users/999999").status_code == 404


def test_secretariat_grants_and_revokes_within_its_mechanism(client):
    mine, theirs = factories.mechanism(), factories.mechanism()
    sign_in(client, factories.secretariat_of(mine))
    person = factories.delegate_of(mine)
    body = factories.body(mine, short_name="SOM")
    response = client.post(
        f"/users/{person.id}/roles", data={"role": "body_manager", "body_id": body.id}
    )
    assert response.headers["Location"] == f"/users/{person.id}"
    assert _roles_of(person) == [(Role.DELEGATE, mine.id), (Role.BODY_MANAGER, mine.id)]
    refused = client.post(
        f"/users/{person.id}/roles", data={"role": "delegate", "mechanism_id": theirs.id}
    )
    assert refused.status_code == 403
    delegate_role = person.roles[0]
    client.post(f"/users/{person.id}/roles/{delegate_role.id}/revoke")
    assert _roles_of(person) == [(Role.BODY_MANAGER, mine.id)]


def test_secretariat_cannot_revoke_roles_of_other_mechanisms(client):
    mine, theirs = factories.mechanism(), factories.mechanism()
    sign_in(client, factories.secretariat_of(mine))
    person = factories.user(
        roles=[
            {"role": "delegate", "mechanism_id": mine.id},
            {"role": "secretariat", "mechanism_id": theirs.id},
        ]
    )
    hidden = next(r for r in person.roles if r.mechanism_id == theirs.id)
    page = client.get(f"/users/{person.id}").text
    assert f"Secretariat, {theirs.short_name}" not in page
    assert client.post(f"/users/{person.id}/roles/{hidden.id}/revoke").status_code == 404
    assert len(_roles_of(person)) == 2


def test_administrator_grants_administrator_but_keeps_its_own(app, admin_client):
    person = factories.user()
    admin_client.post(f"/users/{person.id}/roles", data={"role": "admin"})
    assert _roles_of(person) == [(Role.ADMIN, None)]
    me = db.session.scalar(sa.select(RoleAssignment).where(RoleAssignment.user_id != person.id))
    assert admin_client.post(f"/users/{me.user_id}/roles/{me.id}/revoke").status_code == 403
    own = admin_client.get(f"/users/{me.user_id}").text
    assert "Take away" not in own


def test_grant_with_a_missing_scope_shows_the_problem(admin_client):
    person = factories.user()
    response = admin_client.post(f"/users/{person.id}/roles", data={"role": "secretariat"})
    assert "Choose a mechanism." in response.text
    assert _roles_of(person) == []

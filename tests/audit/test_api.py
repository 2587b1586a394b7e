"""GET /api/v1/audit: a mechanism's log for its secretariat, the whole log for administrators."""

import pytest

from meetings.accounts.tokens import create_token
from meetings.extensions import db
from tests import factories
from tests.conftest import sign_in


@pytest.fixture
def logged(app):
    m = factories.mechanism(short_name="NEASPEC")
    n = factories.mechanism(short_name="ACEF")
    meeting = factories.meeting(factories.body(m), title="SOM-25", city="Langkawi")
    factories.meeting(factories.body(n), title="CAECF 2026")
    meeting.city = "Incheon"
    db.session.commit()
    return m, n, meeting


def _bearer(user, scope="read") -> dict:
    _, secret = create_token(user, "audit reader", scope)
    db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


def test_secretariat_reads_its_log_with_a_token(client, logged):
    m, n, meeting = logged
    headers = _bearer(factories.secretariat_of(m))
    data = client.get(f"/api/v1/audit?mechanism={m.slug}&action=update", headers=headers).json
    assert data["total"] == 1
    [entry] = data["items"]
    assert {k: entry[k] for k in ("action", "entity_type", "entity_id", "mechanism_id")} == {
        "action": "update",
        "entity_type": "meeting",
        "entity_id": meeting.id,
        "mechanism_id": m.id,
    }
    assert entry["changes"] == {"city": ["Langkawi", "Incheon"]}
    assert (entry["actor"], entry["channel"]) == ("system", "cli")
    other = client.get(f"/api/v1/audit?mechanism={n.id}", headers=headers)
    assert other.status_code == 403


def test_secretariat_log_holds_only_its_mechanism(client, logged):
    m, _, _ = logged
    headers = _bearer(factories.secretariat_of(m))
    data = client.get(f"/api/v1/audit?mechanism={m.id}&page_size=200", headers=headers).json
    assert {e["mechanism_id"] for e in data["items"]} == {m.id}
    assert "CAECF 2026" not in {e["entity_label"] for e in data["items"]}


def test_whole_log_is_for_administrators(app, client, logged):
    m = logged[0]
    admin = factories.admin(email="chief@example.org")
    data = client.get("/api/v1/audit?entity_type=meeting", headers=_bearer(admin)).json
    assert {e["entity_label"] for e in data["items"]} == {"SOM-25", "CAECF 2026"}
    browser = app.test_client()
    sign_in(browser, admin)
    tokens = browser.get("/api/v1/audit?entity_type=api_token").json["items"]
    assert tokens[0]["mechanism_id"] is None
    assert tokens[0]["changes"]["token_hash"] == ["(secret)", "(changed)"]
    secretariat = _bearer(factories.secretariat_of(m))
    assert client.get("/api/v1/audit", headers=secretariat).status_code == 403


@pytest.mark.parametrize("role", ["manager", "nfp", "delegate"])
def test_other_roles_are_forbidden(client, logged, role):
    m, _, meeting = logged
    person = {
        "manager": lambda: factories.manager_of(meeting.body),
        "nfp": lambda: factories.nfp_of(m, "JP"),
        "delegate": lambda: factories.delegate_of(m),
    }[role]()
    response = client.get(f"/api/v1/audit?mechanism={m.slug}", headers=_bearer(person))
    assert response.status_code == 403


def test_anonymous_must_sign_in(client, logged):
    m = logged[0]
    assert client.get(f"/api/v1/audit?mechanism={m.slug}").status_code == 401
    assert client.get("/api/v1/audit").status_code == 401


def test_unknown_arguments_are_named(client, logged):
    headers = _bearer(factories.admin())
    response = client.get("/api/v1/audit?entity_type=planet&colour=red", headers=headers)
    assert response.status_code == 422
    assert set(response.json["errors"]["query"]) == {"entity_type", "colour"}
    unknown = client.get("/api/v1/audit?mechanism=atlantis", headers=headers)
    assert unknown.json["errors"]["query"] == {"mechanism": ["Unknown mechanism 'atlantis'."]}


def test_pages_link_to_the_next_keeping_filters(client, logged):
    headers = _bearer(factories.admin())
    data = client.get("/api/v1/audit?action=create&page_size=2", headers=headers).json
    assert data["total"] > 2 and len(data["items"]) == 2
    assert data["next"] == ("http://meetings.test/api/v1/audit?action=create&page_size=2&page=2")
    assert data["items"][0]["at"] >= data["items"][1]["at"]


def test_openapi_describes_the_log(client):
    spec = client.get("/api/v1/openapi.json").json
    params = {p["name"] for p in spec["paths"]["/api/v1/audit"]["get"]["parameters"]}
    assert params == {"mechanism", "action", "entity_type", "page", "page_size"}
    fields = set(spec["components"]["schemas"]["AuditEntry"]["properties"])
    assert fields >= {"at", "actor", "channel", "action", "entity_type", "changes", "mechanism_id"}

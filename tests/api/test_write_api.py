"""The write API: bearer tokens, the same roles as the pages, JSON errors naming fields."""

import pytest
import sqlalchemy as sa
from openapi_spec_validator import validate

from meetings.accounts.tokens import create_token, revoke_token
from meetings.audit.models import AuditAction, AuditEntry
from meetings.bodies.models import Body
from meetings.extensions import db as _db
from meetings.mechanisms.models import Mechanism, ProgrammeArea
from meetings.mechanisms.services import save_programme_area
from meetings.schedule.models import Meeting, Session
from tests import factories
from tests.conftest import sign_in

NEW_MECHANISM = {
    "slug": "neaspec",
    "name": "North-East Asian Subregional Programme for Environmental Cooperation",
    "short_name": "NEASPEC",
    "default_timezone": "Asia/Seoul",
    "member_states": ["CN", "JP", "KR", "MN", "RU", "KP"],
}
NEW_BODY = {
    "slug": "neaspec-som",
    "name": "Senior Officials Meeting",
    "short_name": "SOM",
    "kind": "governing",
    "cadence": "annual",
    "numbering_style": "prefixed",
    "number_prefix": "SOM",
}
NEW_MEETING = {
    "number": 24,
    "start": "2026-11-03",
    "end": "2026-11-04",
    "timezone": "Asia/Seoul",
    "city": "Incheon",
    "country_code": "KR",
    "status": "confirmed",
}
NEW_SESSION = {
    "title": "Opening",
    "kind": "opening",
    "day": "2026-11-03",
    "start_time": "09:00",
    "end_time": "10:30",
}


def bearer(user, scope: str = "read_write") -> dict[str, str]:
    """The Authorization header of a new token of the user's."""
    _token, secret = create_token(user, "tests", scope)
    _db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


def count(db, model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def refusals(db) -> list[tuple[str, int | None]]:
    stmt = sa.select(AuditEntry).where(AuditEntry.action == AuditAction.REFUSED)
    return [(e.entity_type, e.entity_id) for e in db.session.scalars(stmt)]


@pytest.fixture
def mech(app):
    return factories.mechanism(short_name="NEASPEC")


@pytest.fixture
def body(mech):
    return factories.body(mech)


@pytest.fixture
def meeting(body):
    return factories.meeting(body, number=23, start="2026-09-02", end="2026-09-05")


@pytest.fixture
def staff(mech):
    """The Authorization header of the mechanism's secretariat."""
    return bearer(factories.secretariat_of(mech))


# Mechanisms and programme areas


def test_admin_creates_a_mechanism(client, db):
    response = client.post(
        "/api/v1/mechanisms", json=NEW_MECHANISM, headers=bearer(factories.admin())
    )
    assert response.status_code == 201
    data = response.json
    assert response.headers["Location"] == f"http://meetings.test/api/v1/mechanisms/{data['id']}"
    assert (data["slug"], data["visibility"]) == ("neaspec", None)
    assert [s["country"] for s in data["member_states"]] == ["CN", "JP", "KP", "KR", "MN", "RU"]
    assert client.get(response.headers["Location"]).json["short_name"] == "NEASPEC"


def test_only_admins_create_mechanisms(client, db, mech, staff):
    response = client.post("/api/v1/mechanisms", json=NEW_MECHANISM, headers=staff)
    assert response.status_code == 403
    assert count(db, Mechanism) == 1


def test_secretariat_patches_its_mechanism_and_omitted_fields_stay(client, mech, staff):
    response = client.patch(
        f"/api/v1/mechanisms/{mech.id}",
        json={"description": "Founded in 1993.", "visibility": "members"},
        headers=staff,
    )
    assert response.status_code == 200
    data = response.json
    assert (data["description"], data["visibility"], data["name"]) == (
        "Founded in 1993.",
        "members",
        mech.name,
    )
    assert [s["country"] for s in data["member_states"]] == ["CN", "JP", "KR"]


def test_only_meetings_and_sessions_may_be_restricted_to_participants(client, db, body, staff):
    for url in (f"/api/v1/mechanisms/{body.mechanism_id}", f"/api/v1/bodies/{body.id}"):
        response = client.patch(url, json={"visibility": "participants"}, headers=staff)
        assert (response.status_code, list(response.json["errors"]["json"])) == (
            422,
            ["visibility"],
        )
    assert db.session.get(Body, body.id).visibility is None


def test_secretariat_of_another_mechanism_may_not_patch(client, db, mech):
    other = bearer(factories.secretariat_of(factories.mechanism()))
    response = client.patch(f"/api/v1/mechanisms/{mech.id}", json={"name": "X"}, headers=other)
    assert response.status_code == 403
    assert db.session.get(Mechanism, mech.id).name != "X"
    assert refusals(db) == [("mechanism", mech.id)]


def test_admin_deletes_a_mechanism_without_bodies(client, db, mech):
    top = save_programme_area(mech, code="1", name="Air")
    save_programme_area(mech, code="1-1", name="Dust", parent_id=top.id)
    db.session.commit()
    response = client.delete(f"/api/v1/mechanisms/{mech.id}", headers=bearer(factories.admin()))
    assert (response.status_code, response.data) == (204, b"")
    assert (count(db, Mechanism), count(db, ProgrammeArea)) == (0, 0)


def test_a_mechanism_with_bodies_is_not_deleted(client, db, body):
    mech_id = body.mechanism_id
    response = client.delete(f"/api/v1/mechanisms/{mech_id}", headers=bearer(factories.admin()))
    assert response.status_code == 409
    assert response.json["message"] == "NEASPEC still has bodies (1): delete them first."
    assert db.session.get(Mechanism, mech_id) is not None


def test_secretariat_may_not_delete_its_mechanism(client, mech, staff):
    assert client.delete(f"/api/v1/mechanisms/{mech.id}", headers=staff).status_code == 403


def test_bad_mechanism_is_a_422_naming_fields_and_nothing_is_saved(client, db):
    admin = bearer(factories.admin())
    bad = {**NEW_MECHANISM, "default_timezone": "Asia/Atlantis", "name": "x" * 201}
    response = client.post("/api/v1/mechanisms", json=bad, headers=admin)
    assert response.status_code == 422
    assert set(response.json["errors"]["json"]) == {"name"}
    bad["name"] = NEW_MECHANISM["name"]
    response = client.post("/api/v1/mechanisms", json=bad, headers=admin)
    assert response.status_code == 422
    assert response.json["errors"]["json"]["default_timezone"][0].startswith("Unknown time zone")
    assert count(db, Mechanism) == 0


def test_secretariat_adds_and_changes_programme_areas(client, db, mech, staff):
    url = f"/api/v1/mechanisms/{mech.id}/programme-areas"
    response = client.post(
        url, json={"code": "1", "name": "Air", "sdg_goals": [13, 3]}, headers=staff
    )
    assert response.status_code == 201
    area_url = response.headers["Location"]
    assert area_url == f"http://meetings.test{url}/{response.json['id']}"
    response = client.patch(area_url, json={"name": "Air pollution"}, headers=staff)
    assert response.status_code == 200
    assert (response.json["code"], response.json["name"], response.json["sdg_goals"]) == (
        "1",
        "Air pollution",
        [3, 13],
    )
    assert client.get(area_url).json["name"] == "Air pollution"


def test_duplicate_programme_area_code_is_a_422(client, db, mech, staff):
    url = f"/api/v1/mechanisms/{mech.id}/programme-areas"
    assert client.post(url, json={"code": "1", "name": "Air"}, headers=staff).status_code == 201
    response = client.post(url, json={"code": "1", "name": "Sea"}, headers=staff)
    assert response.status_code == 422
    assert response.json["errors"]["json"] == {"code": ["Another programme area has this code."]}
    assert count(db, ProgrammeArea) == 1


def test_nfp_may_not_add_programme_areas(client, db, mech):
    nfp = bearer(factories.nfp_of(mech, "JP"))
    url = f"/api/v1/mechanisms/{mech.id}/programme-areas"
    assert client.post(url, json={"code": "1", "name": "Air"}, headers=nfp).status_code == 403
    assert count(db, ProgrammeArea) == 0


# Bodies


def test_secretariat_creates_a_body_of_its_mechanism(client, db, mech, staff):
    response = client.post(
        "/api/v1/bodies", json={**NEW_BODY, "mechanism_id": mech.id}, headers=staff
    )
    assert response.status_code == 201
    assert (
        response.headers["Location"] == f"http://meetings.test/api/v1/bodies/{response.json['id']}"
    )
    assert (response.json["mechanism"]["id"], response.json["number_prefix"]) == (mech.id, "SOM")


def test_body_of_another_mechanism_is_refused(client, db, mech):
    other = bearer(factories.secretariat_of(factories.mechanism()))
    response = client.post(
        "/api/v1/bodies", json={**NEW_BODY, "mechanism_id": mech.id}, headers=other
    )
    assert response.status_code == 403
    assert count(db, Body) == 0


def test_body_naming_an_unknown_mechanism_is_a_422(client, db, staff):
    response = client.post("/api/v1/bodies", json={**NEW_BODY, "mechanism_id": 4242}, headers=staff)
    assert response.status_code == 422
    assert list(response.json["errors"]["json"]) == ["mechanism_id"]


def test_body_manager_patches_the_body_but_may_not_delete_it(client, db, body):
    manager = bearer(factories.manager_of(body))
    response = client.patch(f"/api/v1/bodies/{body.id}", json={"usual_month": 11}, headers=manager)
    assert response.status_code == 200
    assert (response.json["usual_month"], response.json["short_name"]) == (11, "SOM")
    assert client.delete(f"/api/v1/bodies/{body.id}", headers=manager).status_code == 403
    assert db.session.get(Body, body.id) is not None


def test_secretariat_deletes_a_body_without_meetings(client, db, body, staff):
    assert client.delete(f"/api/v1/bodies/{body.id}", headers=staff).status_code == 204
    assert count(db, Body) == 0


def test_a_body_with_meetings_is_not_deleted(client, db, meeting, staff):
    response = client.delete(f"/api/v1/bodies/{meeting.body_id}", headers=staff)
    assert (response.status_code, response.json["message"]) == (
        409,
        "SOM still has meetings (1): delete them first.",
    )
    assert count(db, Body) == 1


def test_body_input_errors_name_fields(client, db, mech, staff):
    bad = {**NEW_BODY, "mechanism_id": mech.id, "cadence": "hourly", "number_prefix": ""}
    response = client.post("/api/v1/bodies", json=bad, headers=staff)
    assert (response.status_code, list(response.json["errors"]["json"])) == (422, ["cadence"])
    bad["cadence"] = "annual"
    response = client.post("/api/v1/bodies", json=bad, headers=staff)
    assert (response.status_code, list(response.json["errors"]["json"])) == (422, ["number_prefix"])
    assert count(db, Body) == 0


# Meetings


def test_body_staff_create_a_meeting(client, db, body):
    manager = bearer(factories.manager_of(body))
    response = client.post(
        "/api/v1/meetings", json={**NEW_MEETING, "body_id": body.id}, headers=manager
    )
    assert response.status_code == 201
    data = response.json
    assert response.headers["Location"] == f"http://meetings.test/api/v1/meetings/{data['id']}"
    assert (data["label"], data["title"], data["start_date"], data["sessions"]) == (
        "SOM-24",
        "24th Senior Officials Meeting (SOM-24)",
        "2026-11-03",
        [],
    )
    assert db.session.get(Meeting, data["id"]).city == "Incheon"


def test_manager_edits_meetings_of_their_body_only(client, db, meeting, mech):
    manager = factories.manager_of(meeting.body)
    other = factories.meeting(factories.body(mech, slug="som-2"), number=1)
    headers = bearer(manager)
    response = client.patch(
        f"/api/v1/meetings/{meeting.id}", json={"venue": "Songdo"}, headers=headers
    )
    assert response.status_code == 200
    assert (response.json["venue"], response.json["city"], response.json["number"]) == (
        "Songdo",
        "Langkawi",
        23,
    )
    response = client.patch(f"/api/v1/meetings/{other.id}", json={"venue": "X"}, headers=headers)
    assert response.status_code == 403
    assert db.session.get(Meeting, other.id).venue == ""
    assert refusals(db) == [("meeting", other.id)]


def test_patch_keeps_dates_and_sessions(client, db, meeting, staff):
    factories.session(meeting)
    response = client.patch(
        f"/api/v1/meetings/{meeting.id}", json={"status": "held"}, headers=staff
    )
    assert response.status_code == 200
    data = response.json
    assert (data["status"], data["start_date"], data["end_date"], len(data["sessions"])) == (
        "held",
        "2026-09-02",
        "2026-09-05",
        1,
    )


@pytest.mark.parametrize("role", ["nfp", "delegate"])
def test_nfp_and_delegate_may_not_change_meetings(client, db, meeting, mech, role):
    person = factories.nfp_of(mech, "JP") if role == "nfp" else factories.delegate_of(mech)
    headers = bearer(person)
    url = f"/api/v1/meetings/{meeting.id}"
    assert client.patch(url, json={"venue": "X"}, headers=headers).status_code == 403
    assert client.delete(url, headers=headers).status_code == 403
    assert client.post(f"{url}/sessions", json=NEW_SESSION, headers=headers).status_code == 403
    assert count(db, Meeting) == 1


def test_restricted_meeting_is_not_found_for_those_who_may_not_see_it(client, db, body, mech):
    meeting = factories.meeting(body, visibility="secretariat")
    headers = bearer(factories.delegate_of(mech))
    url = f"/api/v1/meetings/{meeting.id}"
    assert client.get(url, headers=headers).status_code == 404
    assert client.patch(url, json={"venue": "X"}, headers=headers).status_code == 404
    assert client.delete(url, headers=headers).status_code == 404
    manager = bearer(factories.manager_of(body))
    assert client.get(url, headers=manager).json["visibility"] == "secretariat"
    assert refusals(db) == []


def test_staff_delete_a_meeting_with_its_sessions(client, db, meeting, staff):
    factories.session(meeting)
    response = client.delete(f"/api/v1/meetings/{meeting.id}", headers=staff)
    assert (response.status_code, response.data) == (204, b"")
    assert (count(db, Meeting), count(db, Session)) == (0, 0)
    assert client.get(f"/api/v1/meetings/{meeting.id}").status_code == 404


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"start": "2026-09-02", "end": "2026-09-01"}, "end"),
        ({"timezone": "Mars/Olympus_Mons"}, "timezone"),
        ({"number": 23}, "number"),
        ({"start": "2026-13"}, "start"),
        ({"country_code": "XX"}, "country_code"),
        ({"title": "x" * 301}, "title"),
        ({"title": None}, "title"),
        ({"colour": "green"}, "colour"),
    ],
)
def test_bad_meeting_input_is_a_422_naming_the_field(client, db, meeting, staff, changes, field):
    """Each refused as a new meeting and as a change to another one; nothing is saved."""
    other = factories.meeting(meeting.body, number=22, title="SOM-22", start="2025-09-02")
    new = {**NEW_MEETING, "body_id": meeting.body_id, **changes}
    response = client.post("/api/v1/meetings", json=new, headers=staff)
    assert (response.status_code, field in response.json["errors"]["json"]) == (422, True)
    response = client.patch(f"/api/v1/meetings/{other.id}", json=changes, headers=staff)
    assert (response.status_code, field in response.json["errors"]["json"]) == (422, True)
    assert count(db, Meeting) == 2
    saved = db.session.get(Meeting, other.id)
    assert (saved.number, saved.timezone, saved.title, saved.country_code) == (
        22,
        "Asia/Kuala_Lumpur",
        "SOM-22",
        "MY",
    )


# Sessions


def test_staff_add_read_change_and_delete_a_session(client, db, meeting, staff):
    url = f"/api/v1/meetings/{meeting.id}/sessions"
    new = {**NEW_SESSION, "day": "2026-09-03", "room": "Hall B"}
    response = client.post(url, json=new, headers=staff)
    assert response.status_code == 201
    location = response.headers["Location"]
    assert location == f"http://meetings.test/api/v1/sessions/{response.json['id']}"
    assert (response.json["starts_at"], response.json["local_ends_at"]) == (
        "2026-09-03T01:00:00+00:00",
        "2026-09-03T10:30:00+08:00",
    )
    response = client.patch(location, json={"title": "Opening ceremony"}, headers=staff)
    assert response.status_code == 200
    data = client.get(location).json
    assert (data["title"], data["room"], data["local_starts_at"], data["meeting_id"]) == (
        "Opening ceremony",
        "Hall B",
        "2026-09-03T09:00:00+08:00",
        meeting.id,
    )
    assert client.delete(location, headers=staff).status_code == 204
    assert count(db, Session) == 0


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"end_time": "08:00"}, "end_time"),
        ({"day": "2026-10-01"}, "day"),
        ({"kind": "party"}, "kind"),
        ({"start_time": "25:00"}, "start_time"),
        ({"room": "r" * 201}, "room"),
        ({"meeting_id": 1}, "meeting_id"),
    ],
)
def test_bad_session_input_is_a_422_naming_the_field(client, db, meeting, staff, changes, field):
    session = factories.session(meeting)
    response = client.post(
        f"/api/v1/meetings/{meeting.id}/sessions",
        json={**NEW_SESSION, "day": "2026-09-02", **changes},
        headers=staff,
    )
    assert (response.status_code, field in response.json["errors"]["json"]) == (422, True)
    response = client.patch(f"/api/v1/sessions/{session.id}", json=changes, headers=staff)
    assert (response.status_code, field in response.json["errors"]["json"]) == (422, True)
    assert count(db, Session) == 1
    assert db.session.get(Session, session.id).ends_at.hour == 2  # 10:30 at the venue


def test_manager_of_another_body_may_not_change_sessions(client, db, meeting, mech):
    session = factories.session(meeting)
    other = bearer(factories.manager_of(factories.body(mech, slug="som-3")))
    url = f"/api/v1/sessions/{session.id}"
    assert client.patch(url, json={"title": "X"}, headers=other).status_code == 403
    assert client.delete(url, headers=other).status_code == 403
    assert db.session.get(Session, session.id).title == "Opening"


def test_restricted_session_is_not_found_for_the_public(client, meeting):
    session = factories.session(meeting, visibility="secretariat")
    assert client.get(f"/api/v1/sessions/{session.id}").status_code == 404
    assert client.get(f"/api/v1/meetings/{meeting.id}").json["sessions"] == []


# Tokens


def test_writes_without_a_token_are_401(client, db, meeting):
    response = client.patch(f"/api/v1/meetings/{meeting.id}", json={"venue": "X"})
    assert (response.status_code, response.json["code"]) == (401, 401)
    assert client.post("/api/v1/mechanisms", json={"bad": 1}).status_code == 401
    assert db.session.get(Meeting, meeting.id).venue == ""


@pytest.mark.parametrize("header", ["Bearer mtg_not-a-token", "Bearer ", "Basic dXNlcjpwdw=="])
def test_unknown_token_is_401(client, meeting, header):
    url = f"/api/v1/meetings/{meeting.id}"
    response = client.patch(url, json={"venue": "X"}, headers={"Authorization": header})
    assert response.status_code == 401
    assert client.get(url, headers={"Authorization": header}).status_code == 401


def test_revoked_token_is_401(client, db, meeting, mech):
    person = factories.secretariat_of(mech)
    token, secret = create_token(person, "laptop", "read_write")
    revoke_token(token)
    db.session.commit()
    headers = {"Authorization": f"Bearer {secret}"}
    assert (
        client.patch(f"/api/v1/meetings/{meeting.id}", json={}, headers=headers).status_code == 401
    )


def test_read_only_token_reads_but_may_not_write(client, db, meeting, mech):
    headers = bearer(factories.secretariat_of(mech), scope="read")
    url = f"/api/v1/meetings/{meeting.id}"
    assert client.get(url, headers=headers).status_code == 200
    response = client.patch(url, json={"venue": "X"}, headers=headers)
    assert (response.status_code, response.json["status"]) == (403, "Forbidden")
    assert db.session.get(Meeting, meeting.id).venue == ""
    assert refusals(db) == [("meeting", meeting.id)]


def test_refusals_come_before_complaints_about_the_input(client, meeting, mech):
    delegate = bearer(factories.delegate_of(mech))
    url = f"/api/v1/meetings/{meeting.id}"
    assert client.patch(url, json={"colour": "green"}, headers=delegate).status_code == 403
    assert client.post("/api/v1/mechanisms", json={}, headers=delegate).status_code == 403
    hidden = factories.meeting(meeting.body, number=30, visibility="secretariat")
    response = client.patch(f"/api/v1/meetings/{hidden.id}", json={"colour": 1}, headers=delegate)
    assert response.status_code == 404
    read_only = bearer(factories.secretariat_of(mech), scope="read")
    assert client.patch(url, json={"colour": "green"}, headers=read_only).status_code == 403


def test_the_session_cookie_alone_may_not_write(client, db, meeting):
    sign_in(client, factories.admin())
    assert client.get(f"/api/v1/meetings/{meeting.id}").status_code == 200
    response = client.patch(f"/api/v1/meetings/{meeting.id}", json={"venue": "X"})
    assert response.status_code == 401


def test_refused_write_is_audited_with_who_and_what(client, db, meeting, mech):
    person = factories.delegate_of(mech, email="delegate@example.org")
    client.delete(f"/api/v1/meetings/{meeting.id}", headers=bearer(person))
    entry = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == AuditAction.REFUSED)
    ).one()
    assert (entry.actor, entry.channel, entry.entity_type, entry.entity_id, entry.mechanism_id) == (
        "delegate@example.org",
        "api",
        "meeting",
        meeting.id,
        mech.id,
    )
    assert entry.changes["request"] == f"DELETE /api/v1/meetings/{meeting.id}"


def test_token_writes_pass_csrf_protection(csrf_app):
    mech = factories.mechanism()
    headers = bearer(factories.secretariat_of(mech))
    response = csrf_app.test_client().patch(
        f"/api/v1/mechanisms/{mech.id}", json={"website": "https://neaspec.org"}, headers=headers
    )
    assert (response.status_code, response.json["website"]) == (200, "https://neaspec.org")


def test_openapi_documents_the_writes_and_their_token(client):
    spec = client.get("/api/v1/openapi.json").json
    validate(spec)
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    writes = {
        "/api/v1/mechanisms": {"post"},
        "/api/v1/mechanisms/{mechanism_id}": {"patch", "delete"},
        "/api/v1/mechanisms/{mechanism_id}/programme-areas": {"post"},
        "/api/v1/mechanisms/{mechanism_id}/programme-areas/{area_id}": {"patch"},
        "/api/v1/bodies": {"post"},
        "/api/v1/bodies/{body_id}": {"patch", "delete"},
        "/api/v1/meetings": {"post"},
        "/api/v1/meetings/{meeting_id}": {"patch", "delete"},
        "/api/v1/meetings/{meeting_id}/sessions": {"post"},
        "/api/v1/sessions/{session_id}": {"patch", "delete"},
    }
    for path, methods in writes.items():
        for method in methods:
            assert spec["paths"][path][method]["security"] == [{"bearerAuth": []}], (path, method)
    assert "security" not in spec["paths"]["/api/v1/sessions/{session_id}"]["get"]
    sessions = spec["components"]["schemas"]["MeetingDetail"]["properties"]["sessions"]
    assert sessions["items"] == {"$ref": "#/components/schemas/Session"}
    assert "Session" in spec["components"]["schemas"]

"""The registration API: settings, registering by role, lists by role, and the actions."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
import time_machine

from meetings.accounts.services import find_user
from meetings.core.models import utcnow
from meetings.extensions import db as _db
from meetings.registrations import services
from meetings.registrations.models import Registration
from meetings.registrations.models import RegistrationStatus as S
from tests import factories
from tests.api.test_write_api import bearer, refusals

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
SETTINGS = {
    "opens_at": "2026-05-31T09:00:00+00:00",
    "closes_at": "2026-07-01T18:00:00+09:00",
    "categories": ["delegation", "ngo", "observer"],
    "capacity": 3,
    "delegation_quota": 2,
    "needs_approval": True,
    "open_to_public": True,
}


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def mech(app):
    return factories.mechanism(short_name="NEASPEC", member_states="CN JP KR")


@pytest.fixture
def meeting(mech):
    return factories.meeting(factories.body(mech))


def open_registration(meeting, **settings):
    """Open the meeting's registration from yesterday for a month (needing approval)."""
    values = {
        "opens_at": utcnow() - timedelta(days=1),
        "closes_at": utcnow() + timedelta(days=30),
        "categories": ["delegation", "ngo", "observer"],
        "needs_approval": True,
        **settings,
    }
    services.save_settings(meeting, **values)
    _db.session.commit()
    return meeting


def nominated(meeting, country: str) -> Registration:
    """A pending delegate of the country, registered by the secretariat."""
    delegate = {"name": "A delegate", "email": f"delegate@{country.lower()}.example"}
    fields = {**delegate, "category": "delegation", "delegation_country": country}
    registration = services.register(meeting, source="secretariat", **fields).registration
    _db.session.commit()
    return registration


@pytest.fixture
def opened(meeting):
    """The meeting, open to registration with SETTINGS (capacity 3, quota 2)."""
    fixed = ("opens_at", "closes_at", "categories")
    return open_registration(meeting, **{k: v for k, v in SETTINGS.items() if k not in fixed})


@pytest.fixture
def staff(mech):
    return bearer(factories.secretariat_of(mech))


def _url(meeting) -> str:
    return f"/api/v1/meetings/{meeting.id}/registrations"


def _person(n: int, **fields) -> dict:
    return {"name": f"Person {n}", "email": f"p{n}@example.org", "category": "ngo", **fields}


def _statuses(db, meeting) -> dict[str, str]:
    stmt = sa.select(Registration).where(Registration.meeting_id == meeting.id)
    return {r.email: r.status.value for r in db.session.scalars(stmt)}


# Settings


def test_staff_open_registration_and_anyone_who_sees_the_meeting_reads_it(client, meeting, staff):
    url = f"/api/v1/meetings/{meeting.id}/registration-settings"
    assert client.get(url).status_code == 404
    response = client.put(url, json=SETTINGS, headers=staff)
    assert response.status_code == 200
    assert client.get(url).json == {
        **SETTINGS,
        "meeting_id": meeting.id,
        "closes_at": "2026-07-01T09:00:00+00:00",
    }


def test_bad_settings_are_a_422_naming_the_field(client, meeting, staff):
    url = f"/api/v1/meetings/{meeting.id}/registration-settings"
    backwards = {**SETTINGS, "closes_at": "2026-05-01T09:00:00+00:00"}
    naive = {**SETTINGS, "opens_at": "2026-05-31T09:00:00"}
    for body, field in ((backwards, "closes_at"), (naive, "opens_at")):
        response = client.put(url, json=body, headers=staff)
        assert (response.status_code, list(response.json["errors"]["json"])) == (422, [field])
    assert client.get(url).status_code == 404


def test_only_staff_change_settings(client, db, mech, meeting):
    url = f"/api/v1/meetings/{meeting.id}/registration-settings"
    nfp = bearer(factories.nfp_of(mech, "JP"))
    assert client.put(url, json=SETTINGS, headers=nfp).status_code == 403
    assert client.put(url, json=SETTINGS).status_code == 401
    assert refusals(db) == [("meeting", meeting.id), ("", None)]


# Registering, by role


def test_secretariat_registers_anyone_and_gets_its_location(client, db, opened, staff):
    account = factories.user(email="p1@example.org")
    response = client.post(_url(opened), json=_person(1, category="observer"), headers=staff)
    assert response.status_code == 201
    data = response.json
    assert response.headers["Location"] == f"http://meetings.test/api/v1/registrations/{data['id']}"
    assert (data["status"], data["source"], data["email"]) == (
        "pending",
        "secretariat",
        "p1@example.org",
    )
    assert db.session.get(Registration, data["id"]).user_id == account.id


def test_nfp_nominates_their_delegation_up_to_its_quota(client, db, mech, opened):
    nfp = bearer(factories.nfp_of(mech, "JP"))
    for n in (1, 2):
        response = client.post(
            _url(opened), json={"name": f"D{n}", "email": f"d{n}@jp.example"}, headers=nfp
        )
        assert response.status_code == 201
        assert (response.json["category"], response.json["delegation_country"]) == (
            "delegation",
            "JP",
        )
        assert response.json["source"] == "nomination"
    response = client.post(_url(opened), json={"name": "D3", "email": "d3@jp.example"}, headers=nfp)
    assert response.status_code == 422
    assert response.json["errors"]["json"] == {
        "delegation_country": ["The delegation of Japan is full (2 seats)."]
    }
    assert sorted(_statuses(db, opened)) == ["d1@jp.example", "d2@jp.example"]


def test_nfp_may_not_nominate_for_another_country(client, db, mech, opened):
    nfp = bearer(factories.nfp_of(mech, "JP"))
    body = {"name": "K", "email": "k@kr.example", "delegation_country": "KR"}
    assert client.post(_url(opened), json=body, headers=nfp).status_code == 403
    assert _statuses(db, opened) == {}


def test_a_person_registers_themself_with_their_account_email(client, db, opened):
    person = factories.user(email="Me@Example.org")
    headers = bearer(person)
    response = client.post(_url(opened), json={"name": "Me", "category": "ngo"}, headers=headers)
    assert response.status_code == 201
    assert (response.json["email"], response.json["source"], response.json["status"]) == (
        "me@example.org",
        "api",
        "pending",
    )
    assert db.session.get(Registration, response.json["id"]).user_id == person.id
    again = client.post(_url(opened), json={"name": "Me", "category": "ngo"}, headers=headers)
    assert again.json["errors"]["json"] == {"email": [services.ALREADY]}


def test_self_registration_refuses_another_email_or_a_delegation(client, opened):
    headers = bearer(factories.user())
    cases = {
        "email": _person(1),
        "category": {"name": "X", "category": "delegation", "delegation_country": "JP"},
    }
    for field, body in cases.items():
        response = client.post(_url(opened), json=body, headers=headers)
        assert (response.status_code, list(response.json["errors"]["json"])) == (422, [field])


def test_a_meeting_not_open_to_the_public_takes_no_self_registration(client, db, opened):
    services.settings_of(opened).open_to_public = False
    db.session.commit()
    response = client.post(
        _url(opened), json={"name": "X", "category": "ngo"}, headers=bearer(factories.user())
    )
    assert response.status_code == 403


def test_read_only_tokens_and_anonymous_callers_do_not_register(client, db, opened):
    read_only = bearer(factories.user(), "read")
    body = {"name": "X", "category": "ngo"}
    assert client.post(_url(opened), json=body, headers=read_only).status_code == 403
    assert client.post(_url(opened), json=body).status_code == 401
    assert _statuses(db, opened) == {}


def test_bad_registration_is_a_422_naming_the_field(client, db, opened, staff):
    response = client.post(_url(opened), json=_person(1, category="media"), headers=staff)
    assert (response.status_code, list(response.json["errors"]["json"])) == (422, ["category"])
    response = client.post(_url(opened), json={"email": "x@example.org"}, headers=staff)
    assert list(response.json["errors"]["json"]) == ["name"]
    assert _statuses(db, opened) == {}


def test_a_closed_window_refuses_self_registration_not_the_secretariat(client, opened, staff):
    headers = bearer(factories.user())
    with time_machine.travel(NOW + timedelta(days=31), tick=False):
        response = client.post(_url(opened), json={"name": "X", "category": "ngo"}, headers=headers)
        assert response.json["errors"]["json"] == {"meeting": ["Registration has closed."]}
        assert client.post(_url(opened), json=_person(2), headers=staff).status_code == 201


# Lists and reading, by role


@pytest.fixture
def registered(db, mech, opened):
    """p1 (JP delegation, with an account), p2 (KR delegation), p3 (ngo), p4 waitlisted."""
    factories.user(email="p1@example.org")
    jp = {"category": "delegation", "delegation_country": "JP"}
    kr = {"category": "delegation", "delegation_country": "KR"}
    for n, fields in ((1, jp), (2, kr), (3, {}), (4, {})):
        services.register(opened, source="secretariat", **_person(n, **fields))
    db.session.commit()
    return {r.email: r for r in db.session.scalars(sa.select(Registration))}


def _emails(response) -> list:
    return [item["email"] for item in response.json["items"]]


def test_each_role_lists_what_is_theirs(client, mech, opened, registered, staff):
    url = _url(opened)
    assert _emails(client.get(url, headers=staff)) == [f"p{n}@example.org" for n in (1, 2, 3, 4)]
    nfp = bearer(factories.nfp_of(mech, "JP"))
    assert _emails(client.get(url, headers=nfp)) == ["p1@example.org"]
    person = bearer(factories.user(email="p3@example.org"))
    assert _emails(client.get(url, headers=person)) == ["p3@example.org"]
    assert _emails(client.get(url, headers=bearer(factories.user()))) == []
    assert client.get(url).status_code == 401


def test_body_managers_list_everyone_without_personal_data(client, opened, registered):
    manager = bearer(factories.manager_of(opened.body))
    response = client.get(_url(opened), headers=manager)
    assert [(i["name"], i["email"], i["organisation"]) for i in response.json["items"]] == [
        (f"Person {n}", None, None) for n in (1, 2, 3, 4)
    ]


def test_the_list_is_paged_and_filtered_by_status(client, opened, registered, staff):
    response = client.get(_url(opened) + "?status=waitlisted&page_size=1", headers=staff)
    assert (_emails(response), response.json["total"], response.json["next"]) == (
        ["p4@example.org"],
        1,
        None,
    )
    response = client.get(_url(opened) + "?page_size=3&page=2", headers=staff)
    assert (_emails(response), response.json["total"]) == (["p4@example.org"], 4)
    assert client.get(_url(opened) + "?colour=red", headers=staff).status_code == 422


def test_one_registration_is_seen_by_the_person_their_nfp_and_staff(
    client, mech, registered, staff
):
    url = f"/api/v1/registrations/{registered['p1@example.org'].id}"
    nfp_jp, nfp_kr = (bearer(factories.nfp_of(mech, c)) for c in ("JP", "KR"))
    person = bearer(find_user("p1@example.org"))
    for headers in (staff, nfp_jp, person):
        assert client.get(url, headers=headers).json["email"] == "p1@example.org"
    assert client.get(url, headers=nfp_kr).status_code == 404
    assert client.get(url, headers=bearer(factories.user())).status_code == 404
    assert client.get(url).status_code == 404


# Actions


def _action(client, registration, action: str, headers, **kwargs):
    return client.post(
        f"/api/v1/registrations/{registration.id}/{action}", headers=headers, **kwargs
    )


def test_staff_approve_decline_and_the_waiting_list_moves_up(client, db, opened, registered, staff):
    p1, p3, p4 = (registered[f"p{n}@example.org"] for n in (1, 3, 4))
    assert _action(client, p1, "approve", staff).json["status"] == "confirmed"
    assert _action(client, p1, "approve", staff).json["errors"]["json"] == {
        "status": ["Only pending ones are approved."]
    }
    assert _action(client, p3, "decline", staff).json["status"] == "declined"
    assert _statuses(db, opened)["p4@example.org"] == "pending"
    response = _action(client, p4, "move-up", staff)
    assert response.json["errors"]["json"] == {"status": ["Only waiting-list entries move up."]}


def test_staff_move_up_when_a_seat_is_free(client, db, opened, registered, staff):
    services.settings_of(opened).capacity = 4
    db.session.commit()
    p4 = registered["p4@example.org"]
    assert _action(client, p4, "move-up", staff).json["status"] == "pending"


def test_staff_record_attendance(client, registered, staff):
    p1 = registered["p1@example.org"]
    response = _action(client, p1, "attendance", staff, json={"attended": True})
    assert response.json["attended_at"] == NOW.isoformat()
    response = _action(client, p1, "attendance", staff, json={"attended": False})
    assert response.json["attended_at"] is None
    response = _action(client, p1, "attendance", staff, json={})
    assert list(response.json["errors"]["json"]) == ["attended"]


def test_an_nfp_or_the_person_may_not_approve(client, db, mech, registered):
    p1 = registered["p1@example.org"]
    for headers in (bearer(factories.nfp_of(mech, "JP")), bearer(find_user("p1@example.org"))):
        assert _action(client, p1, "approve", headers).status_code == 403
    assert _action(client, p1, "approve", bearer(factories.user())).status_code == 404
    assert db.session.get(Registration, p1.id).status is S.PENDING


def test_the_person_cancels_and_the_first_waiting_moves_up(client, db, opened, registered):
    url = f"/api/v1/registrations/{registered['p1@example.org'].id}"
    person = bearer(find_user("p1@example.org"))
    response = client.delete(url, headers=person)
    assert (response.status_code, response.data) == (204, b"")
    assert _statuses(db, opened) == {
        "p1@example.org": "cancelled",
        "p2@example.org": "pending",
        "p3@example.org": "pending",
        "p4@example.org": "pending",
    }
    response = client.delete(url, headers=person)
    assert (response.status_code, response.json["message"]) == (
        409,
        "This registration is already closed.",
    )


def test_the_nfp_cancels_their_delegate_others_may_not(client, db, mech, opened, registered):
    url = f"/api/v1/registrations/{registered['p2@example.org'].id}"
    assert client.delete(url, headers=bearer(factories.nfp_of(mech, "JP"))).status_code == 404
    assert (
        client.delete(
            url,
            headers=bearer(
                factories.nfp_of(
                    mech,
                    "KR",
                ),
                "read",
            ),
        ).status_code
        == 403
    )
    assert client.delete(url).status_code == 401
    assert client.delete(url, headers=bearer(factories.nfp_of(mech, "KR"))).status_code == 204
    assert _statuses(db, opened)["p2@example.org"] == "cancelled"


def test_the_registration_api_is_documented(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert {p for p in paths if "registration" in p} == {
        "/api/v1/meetings/{meeting_id}/registration-settings",
        "/api/v1/meetings/{meeting_id}/registrations",
        "/api/v1/registrations/{registration_id}",
        "/api/v1/registrations/{registration_id}/approve",
        "/api/v1/registrations/{registration_id}/decline",
        "/api/v1/registrations/{registration_id}/move-up",
        "/api/v1/registrations/{registration_id}/attendance",
    }


def test_the_api_mails_people_as_the_pages_do(client, mech, opened, registered, staff, smtp_server):
    p1, p3 = registered["p1@example.org"], registered["p3@example.org"]
    _action(client, p1, "approve", staff)
    client.delete(f"/api/v1/registrations/{p3.id}", headers=staff)
    nfp = bearer(factories.nfp_of(mech, "JP"))
    client.post(_url(opened), json={"name": "D", "email": "d@jp.example"}, headers=nfp)
    assert [(m["To"], m["Subject"].split(":")[0]) for m in smtp_server] == [
        ("p1@example.org", "Registration confirmed"),
        ("p4@example.org", "A seat is yours"),
        ("d@jp.example", "Nomination received"),
    ]

"""The registration pages, through the test client: settings, the form, nominations, lists."""

import re
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from meetings.extensions import db
from meetings.registrations import services
from meetings.registrations.models import Registration, RegistrationSettings
from meetings.registrations.models import RegistrationStatus as S
from tests import factories
from tests.accounts.helpers import alert
from tests.conftest import sign_in
from tests.registrations.support import open_meeting, person

NOW = datetime.now(UTC)


def _seat(meeting, n: int, **fields) -> Registration:
    """A registration entered by the secretariat (no email confirmation)."""
    registration = services.register(meeting, source="secretariat", **person(n, **fields))
    db.session.commit()
    return registration.registration


def _registrations(meeting) -> dict[str, S]:
    stmt = sa.select(Registration).where(Registration.meeting_id == meeting.id)
    return {r.email: r.status for r in db.session.scalars(stmt)}


def _field_errors(page: str, name: str) -> list[str]:
    found = re.search(rf'id="{name}-error">(.*?)</ul>', page, re.S)
    return re.findall(r"<li>(.*?)</li>", found.group(1)) if found else []


def _staff(meeting):
    return factories.secretariat_of(meeting.body.mechanism)


def test_settings_are_saved_in_utc_from_the_meeting_zone(client):
    meeting = factories.meeting(timezone="Asia/Seoul")
    sign_in(client, _staff(meeting))
    assert "Asia/Seoul" in client.get(f"/meetings/{meeting.id}/registration/settings").text
    form = {
        "opens_day": "2026-06-01",
        "opens_time": "09:00",
        "closes_day": "2026-08-01",
        "closes_time": "18:00",
        "categories": ["ngo", "observer"],
        "capacity": "40",
        "delegation_quota": "",
        "open_to_public": "y",
    }
    response = client.post(f"/meetings/{meeting.id}/registration/settings", data=form)
    assert response.status_code == 302
    saved = db.session.get(RegistrationSettings, meeting.id)
    assert saved.opens_at == datetime(2026, 6, 1, 0, 0, tzinfo=UTC)
    assert saved.closes_at == datetime(2026, 8, 1, 9, 0, tzinfo=UTC)
    assert (saved.categories, saved.capacity, saved.delegation_quota) == (
        ["ngo", "observer"],
        40,
        None,
    )
    assert (saved.needs_approval, saved.open_to_public) == (False, True)
    again = client.get(f"/meetings/{meeting.id}/registration/settings").text
    assert 'value="09:00"' in again


def test_settings_refused_to_a_delegate(client):
    meeting = factories.meeting()
    sign_in(client, factories.delegate_of(meeting.body.mechanism))
    assert client.get(f"/meetings/{meeting.id}/registration/settings").status_code == 403


def test_public_registration_confirmed_by_the_emailed_link(app, client, smtp_server):
    meeting = open_meeting(needs_approval=True)
    assert "Register</a>" in client.get(f"/meetings/{meeting.id}").text
    data = {**person(1), "organisation": "WWF", "country_code": "th"}
    response = client.post(f"/meetings/{meeting.id}/register", data=data)
    assert "Check your email" in response.text
    assert _registrations(meeting) == {"p1@example.org": S.UNCONFIRMED}
    (message,) = smtp_server
    assert (message["To"], message["Subject"]) == (
        "p1@example.org",
        f"Confirm your registration: {meeting.title}",
    )
    (url,) = re.findall(r"https?://\S+", message.get_content())
    link = re.sub(r"^https?://[^/]+", "", url)
    assert "Confirm my registration" in client.get(link).text  # opening the link is not enough
    assert _registrations(meeting) == {"p1@example.org": S.UNCONFIRMED}
    page = client.post(link)
    assert "Awaiting approval" in page.text
    assert _registrations(meeting) == {"p1@example.org": S.PENDING}
    assert smtp_server[1]["Subject"] == f"Registration received: {meeting.title}"
    client.post(link)  # a second press sends nothing again
    assert len(smtp_server) == 2


def test_unknown_confirmation_link_is_not_found(client):
    assert client.get("/registrations/confirm/nothing-like-it").status_code == 404


def test_third_person_over_capacity_two_is_waitlisted(client, smtp_server):
    meeting = open_meeting(capacity=2)
    _seat(meeting, 1), _seat(meeting, 2)
    client.post(f"/meetings/{meeting.id}/register", data=person(3))
    link = re.findall(r"https?://\S+", smtp_server[0].get_content())[0]
    page = client.post(re.sub(r"^https?://[^/]+", "", link))
    assert "On the waiting list" in page.text
    assert _registrations(meeting)["p3@example.org"] == S.WAITLISTED
    assert smtp_server[1]["Subject"] == f"On the waiting list: {meeting.title}"


def test_cancel_of_a_confirmed_seat_moves_up_the_waiting_list(app, client, smtp_server):
    meeting = open_meeting(capacity=1)
    first = factories.user(email="p1@example.org")
    _seat(meeting, 1), _seat(meeting, 2)
    sign_in(client, first)
    mine = client.get("/account/meetings").text
    assert meeting.title in mine and "Confirmed" in mine
    registration = db.session.scalar(sa.select(Registration).filter_by(email="p1@example.org"))
    response = client.post(f"/registrations/{registration.id}/cancel")
    assert response.headers["Location"] == "/account/meetings"
    assert _registrations(meeting) == {"p1@example.org": S.CANCELLED, "p2@example.org": S.CONFIRMED}
    (message,) = smtp_server
    assert (message["To"], message["Subject"]) == (
        "p2@example.org",
        f"A seat is yours: {meeting.title}",
    )


def test_someone_else_may_not_cancel(client):
    meeting = open_meeting()
    registration = _seat(meeting, 1)
    sign_in(client, factories.user())
    assert client.post(f"/registrations/{registration.id}/cancel").status_code == 404
    assert _registrations(meeting) == {"p1@example.org": S.CONFIRMED}


def test_nfp_nominates_within_quota_and_is_refused_over_it(client, smtp_server):
    meeting = open_meeting(delegation_quota=1, open_to_public=False)
    sign_in(client, factories.nfp_of(meeting.body.mechanism, "JP"))
    assert "Nominate your delegation" in client.get(f"/meetings/{meeting.id}").text
    url = f"/meetings/{meeting.id}/nominate"
    first = {"name": "Ms Aiko", "email": "aiko@example.org", "delegation_role": "head"}
    assert client.post(url, data=first).status_code == 302
    over = client.post(url, data={**first, "name": "Mr Ken", "email": "ken@example.org"})
    assert _field_errors(over.text, "delegation_country") == [
        "The delegation of Japan is full (1 seat)."
    ]
    assert _registrations(meeting) == {"aiko@example.org": S.CONFIRMED}
    assert "Ms Aiko" in client.get(url).text
    (message,) = smtp_server
    assert (message["To"], message["Subject"]) == (
        "aiko@example.org",
        f"Nomination received: {meeting.title}",
    )
    assert "Status: Confirmed" in message.get_content()


def test_nfp_may_not_nominate_for_another_country_or_mechanism(client):
    meeting = open_meeting()
    other = open_meeting(factories.mechanism())
    sign_in(client, factories.nfp_of(meeting.body.mechanism, "JP"))
    data = {"name": "X", "email": "x@example.org", "delegation_country": "KR"}
    assert client.post(f"/meetings/{meeting.id}/nominate", data=data).status_code == 403
    assert client.get(f"/meetings/{other.id}/nominate").status_code == 403
    assert client.post(f"/meetings/{other.id}/nominate", data=data).status_code == 403
    assert _registrations(meeting) == {} and _registrations(other) == {}


def test_staff_approve_and_decline_and_the_people_are_told(client, smtp_server):
    meeting = open_meeting(needs_approval=True, capacity=1)
    one, two = _seat(meeting, 1), _seat(meeting, 2)
    sign_in(client, _staff(meeting))
    page = client.get(f"/meetings/{meeting.id}/registrations").text
    assert "Seats taken: 1 / 1 · Waiting list: 1" in page
    assert client.post(f"/registrations/{one.id}/approve").status_code == 302
    assert client.post(f"/registrations/{one.id}/decline").status_code == 302
    assert _registrations(meeting) == {"p1@example.org": S.DECLINED, "p2@example.org": S.PENDING}
    assert [(m["To"], m["Subject"].split(":")[0]) for m in smtp_server] == [
        ("p1@example.org", "Registration confirmed"),
        ("p1@example.org", "Registration declined"),
        ("p2@example.org", "A seat is yours"),
    ]
    client.post(f"/registrations/{two.id}/attendance")
    assert db.session.get(Registration, two.id).attended_at is not None


def test_nfp_may_not_approve_or_decline(client):
    meeting = open_meeting(needs_approval=True)
    registration = _seat(meeting, 1)
    sign_in(client, factories.nfp_of(meeting.body.mechanism, "JP"))
    for action in ("approve", "decline", "move_up", "attendance"):
        assert client.post(f"/registrations/{registration.id}/{action}").status_code == 403
    assert client.get(f"/meetings/{meeting.id}/registrations").status_code == 403
    assert _registrations(meeting) == {"p1@example.org": S.PENDING}


def test_outside_the_window_the_page_says_so_and_nothing_is_saved(client, smtp_server):
    meeting = open_meeting(opens_at=NOW - timedelta(days=10), closes_at=NOW - timedelta(days=1))
    page = client.get(f"/meetings/{meeting.id}/register")
    assert "Registration has closed." in page.text and "<form" not in page.text.split("<main")[-1]
    refused = client.post(f"/meetings/{meeting.id}/register", data=person(1))
    assert refused.status_code == 200 and "Registration has closed." in refused.text
    assert "Register</a>" not in client.get(f"/meetings/{meeting.id}").text
    assert _registrations(meeting) == {} and smtp_server == []


def test_nominations_only_meeting_has_no_public_form(client):
    meeting = open_meeting(open_to_public=False)
    page = client.post(f"/meetings/{meeting.id}/register", data=person(1))
    assert "nominations by National Focal Points only" in page.text
    assert _registrations(meeting) == {}


def test_form_errors_category_email_and_duplicates(client):
    meeting = open_meeting(categories=["ngo"])
    url = f"/meetings/{meeting.id}/register"
    wrong = client.post(url, data=person(1, category="media")).text
    assert _field_errors(wrong, "category") == [
        "This meeting does not take registrations in this category."
    ]
    bad = client.post(url, data=person(1, email="not-an-address")).text
    assert _field_errors(bad, "email") == ["Give a valid email address, such as name@example.org."]
    assert "nothing has been saved" in alert(bad)
    client.post(url, data=person(1))
    twice = client.post(url, data=person(1, name="Someone else")).text
    assert _field_errors(twice, "email") == [
        "This email address is already registered for this meeting."
    ]
    assert _registrations(meeting) == {"p1@example.org": S.UNCONFIRMED}


def test_settings_refuse_a_time_the_zone_skips(client):
    meeting = factories.meeting(timezone="Europe/Paris")
    sign_in(client, _staff(meeting))
    form = {
        "opens_day": "2026-03-29",
        "opens_time": "02:30",
        "closes_day": "2026-04-30",
        "closes_time": "18:00",
        "categories": ["ngo"],
    }
    page = client.post(f"/meetings/{meeting.id}/registration/settings", data=form).text
    assert _field_errors(page, "opens_time") == [
        "02:30 does not exist on 29 Mar 2026 in Europe/Paris."
    ]
    assert db.session.get(RegistrationSettings, meeting.id) is None

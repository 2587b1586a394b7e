"""A meeting's programme areas: chosen on the form among its mechanism's areas, sent through
the API, shown on its page; an area of another mechanism is refused and nothing is saved."""

import re

import pytest

from meetings.extensions import db
from meetings.mechanisms.services import save_programme_area
from meetings.schedule.models import Meeting
from tests import factories
from tests.api.test_write_api import bearer
from tests.pages import field_errors


@pytest.fixture
def w(app):
    a = factories.mechanism(slug="aj", short_name="AJ")
    other = factories.mechanism(slug="ac", short_name="AC")
    x = {
        "a": a,
        "climate": save_programme_area(a, code="1", name="Climate Change", position=1),
        "pollution": save_programme_area(a, code="2", name="Pollution", position=2),
        "elsewhere": save_programme_area(other, code="Component 3", name="Air quality"),
    }
    db.session.commit()
    x["body"] = factories.body(a, slug="ajmdec", short_name="AJMDEC")
    x["meeting"] = factories.meeting(x["body"], number=4, programme_area_ids=[x["pollution"].id])
    return x


def _checked(page: str) -> set[str]:
    """The values of the programme-area boxes ticked on the form."""
    boxes = re.findall(r"<input [^>]*name=\"programme_area_ids\"[^>]*>", page)
    return {re.search(r'value="([^"]*)"', b).group(1) for b in boxes if " checked" in b}


def _form(meeting: Meeting, **changes) -> dict:
    data = {
        "number": str(meeting.number),
        "title": meeting.title,
        "start": "2026-09-02",
        "end": "2026-09-05",
        "status": "confirmed",
        "format": "in_person",
        "city": "Langkawi",
        "country_code": "MY",
        "timezone": "Asia/Kuala_Lumpur",
    }
    data.update(changes)
    return data


def test_the_form_offers_the_mechanisms_areas_and_saves_the_chosen_ones(admin_client, w):
    meeting = w["meeting"]
    page = admin_client.get(f"/meetings/{meeting.id}/edit").text
    assert "1 Climate Change" in page and "2 Pollution" in page and "Air quality" not in page
    assert _checked(page) == {str(w["pollution"].id)}
    response = admin_client.post(
        f"/meetings/{meeting.id}/edit",
        data=_form(meeting, programme_area_ids=[str(w["climate"].id), str(w["pollution"].id)]),
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert [a.code for a in db.session.get(Meeting, meeting.id).programme_areas] == ["1", "2"]
    shown = admin_client.get(f"/meetings/{meeting.id}").text
    assert "Programme areas" in shown and f"/planning?area={w['climate'].id}" in shown


def test_an_area_of_another_mechanism_is_refused_and_nothing_is_saved(admin_client, w):
    meeting = w["meeting"]
    response = admin_client.post(
        f"/meetings/{meeting.id}/edit",
        data=_form(meeting, title="Typed title", programme_area_ids=[str(w["elsewhere"].id)]),
    )
    assert response.status_code == 200
    # Not offered on the form: the choice is refused by the form itself.
    assert field_errors(response.text) == [
        "'" + str(w["elsewhere"].id) + "' is not a valid choice for this field."
    ]
    assert 'value="Typed title"' in response.text
    db.session.expire_all()
    saved = db.session.get(Meeting, meeting.id)
    assert [a.code for a in saved.programme_areas] == ["2"] and saved.title != "Typed title"


def test_the_api_reads_sets_and_keeps_the_areas(client, w):
    meeting, staff = w["meeting"], bearer(factories.secretariat_of(w["a"]))
    url = f"/api/v1/meetings/{meeting.id}"
    assert [a["code"] for a in client.get(url).json["programme_areas"]] == ["2"]
    kept = client.patch(url, json={"venue": "Hall B"}, headers=staff)
    assert kept.status_code == 200 and [a["code"] for a in kept.json["programme_areas"]] == ["2"]
    changed = client.patch(url, json={"programme_area_ids": [w["climate"].id]}, headers=staff)
    assert [a["code"] for a in changed.json["programme_areas"]] == ["1"]
    refused = client.patch(
        url, json={"programme_area_ids": [w["elsewhere"].id, 999999]}, headers=staff
    )
    assert refused.status_code == 422
    assert refused.json["errors"]["json"]["programme_area_ids"] == [
        "Component 3 Air quality is not a programme area of AJ.",
        "No such programme area 999999.",
    ]
    assert [a["code"] for a in client.get(url).json["programme_areas"]] == ["1"]
    created = client.post(
        "/api/v1/meetings",
        json={
            "body_id": w["body"].id,
            "number": 5,
            "start": "2027-09-01",
            "timezone": "Asia/Jakarta",
            "programme_area_ids": [w["climate"].id, w["pollution"].id],
        },
        headers=staff,
    )
    assert created.status_code == 201
    assert [a["code"] for a in created.json["programme_areas"]] == ["1", "2"]


def test_scheduling_the_next_meeting_starts_from_the_last_ones_areas(admin_client, w):
    page = admin_client.get(f"/bodies/{w['body'].slug}/schedule-next").text
    assert _checked(page) == {str(w["pollution"].id)}

"""A body's reminder settings: on its form and through the API, with errors naming the field."""

import pytest

from meetings.bodies.models import Body
from meetings.extensions import db
from tests import factories
from tests.api.test_write_api import NEW_BODY, bearer
from tests.pages import field_errors

FORM = {
    "name": "Senior Officials Meeting",
    "short_name": "SOM",
    "slug": "som",
    "kind": "governing",
    "cadence": "annual",
    "numbering_style": "prefixed",
    "number_prefix": "SOM",
    "usual_month": "",
    "conjunction_body_id": "",
    "position": "0",
}


def _reminders(body_id: int) -> tuple[list[int], int, int]:
    db.session.expire_all()
    body = db.session.get(Body, body_id)
    return body.reminder_days, body.nfp_reminder_days, body.approval_reminder_days


def test_a_new_body_reminds_14_and_1_days_before(admin_client):
    mech = factories.mechanism()
    page = admin_client.get(f"/mechanisms/{mech.slug}/bodies/new").text
    assert 'name="reminder_days" type="text" value="14, 1"' in page
    assert 'name="nfp_reminder_days" type="number" value="7"' in page
    assert factories.body(mech).reminder_days == [14, 1]


def test_reminder_settings_are_saved_from_the_form(admin_client):
    body = factories.body()
    data = {
        **FORM,
        "slug": body.slug,
        "reminder_days": "1, 30,14 , 30",
        "nfp_reminder_days": "10",
        "approval_reminder_days": "1",
    }
    response = admin_client.post(f"/bodies/{body.slug}/edit", data=data)
    assert response.status_code == 302
    assert _reminders(body.id) == ([30, 14, 1], 10, 1)  # distinct, furthest ahead first
    page = admin_client.get(f"/bodies/{body.slug}/edit").text
    assert (
        'value="30, 14, 1"' in page
        and 'name="approval_reminder_days" type="number" value="1"' in (page)
    )


def test_empty_reminder_days_sends_no_reminders(admin_client):
    body = factories.body()
    data = {**FORM, "slug": body.slug, "reminder_days": " ", "nfp_reminder_days": "7"}
    data["approval_reminder_days"] = "7"
    admin_client.post(f"/bodies/{body.slug}/edit", data=data)
    assert _reminders(body.id) == ([], 7, 7)


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        (
            {"reminder_days": "14, two"},
            ["Write whole numbers of days separated by commas, such as 14, 1: 'two' is not one."],
        ),
        (
            {"reminder_days": "120, 14, 91"},
            ["Each reminder is 1 to 90 days before the meeting: 120, 91 are not."],
        ),
        ({"reminder_days": "-1"}, ["Each reminder is 1 to 90 days before the meeting: -1 is not."]),
        ({"reminder_days": "1, 2, 3, 4, 5, 6"}, ["At most 5 reminders: 6 are given."]),
        ({"nfp_reminder_days": "91"}, ["Give a whole number of days from 1 to 90."]),
        ({"approval_reminder_days": ""}, ["Give a whole number of days from 1 to 90."]),
        ({"approval_reminder_days": "a week"}, ["Give a whole number of days from 1 to 90."]),
    ],
)
def test_bad_reminder_settings_are_field_errors_and_the_input_stays(admin_client, changes, errors):
    body = factories.body()
    data = {**FORM, "slug": body.slug, "reminder_days": "14, 1", "nfp_reminder_days": "7"}
    data["approval_reminder_days"] = "7"
    data.update(changes)
    response = admin_client.post(f"/bodies/{body.slug}/edit", data=data)
    assert response.status_code == 200
    assert field_errors(response.text) == errors
    for value in changes.values():
        assert f'value="{value}"' in response.text  # as typed
    assert _reminders(body.id) == ([14, 1], 7, 7)  # nothing saved


# The API.


@pytest.fixture
def staff(app):
    mech = factories.mechanism()
    return mech, bearer(factories.secretariat_of(mech))


def test_the_api_reads_reminder_settings(client, staff):
    mech, _ = staff
    body = factories.body(mech)
    data = client.get(f"/api/v1/bodies/{body.id}").json
    reminders = (data["reminder_days"], data["nfp_reminder_days"], data["approval_reminder_days"])
    assert reminders == ([14, 1], 7, 7)


def test_the_api_creates_a_body_with_defaults_and_patches_reminders(client, staff):
    mech, token = staff
    created = client.post(
        "/api/v1/bodies", json={**NEW_BODY, "mechanism_id": mech.id}, headers=token
    )
    assert created.status_code == 201
    assert created.json["reminder_days"] == [14, 1]
    url = f"/api/v1/bodies/{created.json['id']}"
    response = client.patch(
        url, json={"reminder_days": [1, 7, 7], "nfp_reminder_days": 3}, headers=token
    )
    assert response.status_code == 200
    assert (response.json["reminder_days"], response.json["nfp_reminder_days"]) == ([7, 1], 3)
    assert response.json["approval_reminder_days"] == 7  # left out: kept


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"reminder_days": [14, 120]}, "reminder_days"),
        ({"reminder_days": [1, 2, 3, 4, 5, 6]}, "reminder_days"),
        ({"reminder_days": "14, 1"}, "reminder_days"),
        ({"nfp_reminder_days": -1}, "nfp_reminder_days"),
        ({"approval_reminder_days": "7"}, "approval_reminder_days"),
    ],
)
def test_bad_reminder_settings_are_a_422_naming_the_field(client, staff, changes, field):
    mech, token = staff
    body = factories.body(mech)
    response = client.patch(f"/api/v1/bodies/{body.id}", json=changes, headers=token)
    assert response.status_code == 422
    assert list(response.json["errors"]["json"]) == [field]
    assert _reminders(body.id) == ([14, 1], 7, 7)


def test_duplicate_days_through_the_api_count_once(client, staff):
    mech, token = staff
    body = factories.body(mech)
    days = [1, 1, 1, 1, 1, 2, 3, 4, 5]
    response = client.patch(
        f"/api/v1/bodies/{body.id}", json={"reminder_days": days}, headers=token
    )
    assert response.status_code == 200
    assert response.json["reminder_days"] == [5, 4, 3, 2, 1]

"""A body's action page and the API narrow actions by one filter: the same choice lists the
same actions in both, a programme area takes in its sub-areas, and a hand-edited value that
names nothing is left out rather than failing."""

import html
import re

import pytest

from meetings.extensions import db
from meetings.mechanisms.services import save_programme_area
from tests import factories


@pytest.fixture
def world(app):
    mech = factories.mechanism(short_name="NEASPEC", member_states="CN JP KR MN")
    som = factories.body(mech, short_name="SOM", name="Senior Officials Meeting")
    air = save_programme_area(mech, code="1", name="Air pollution")
    dust = save_programme_area(mech, code="1-1", name="Dust", parent_id=air.id)
    storms = save_programme_area(mech, code="1-2", name="Sand storms", parent_id=air.id)
    sea = save_programme_area(mech, code="2", name="Marine protected areas")
    db.session.commit()
    officer = factories.user(name="Ms Officer")
    factories.action(som, title="Develop NEACAP", programme_area_id=air.id,
                     lead_kind="organisation", lead_organisation="ESCAP")  # fmt: skip
    factories.action(som, title="Monitor storms", programme_area_id=storms.id,
                     lead_kind="person", lead_user_id=officer.id)  # fmt: skip
    factories.action(som, title="MPA network", programme_area_id=sea.id,
                     lead_kind="member_state", lead_country="MN")  # fmt: skip
    # An organisation's name kept from before the lead became a member state: not its lead.
    factories.action(som, title="Coastal survey", lead_kind="member_state", lead_country="KR",
                     lead_organisation="ESCAP")  # fmt: skip
    return {"body": som, "air": air, "dust": dust, "storms": storms, "sea": sea, "officer": officer}


def text_of(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def page_titles(client, slug: str, **args) -> list[str]:
    response = client.get(f"/bodies/{slug}/actions", query_string=args)
    assert response.status_code == 200
    return sorted(re.findall(r'class="action-title"[^>]*>([^<]+)<', response.text))


def api_titles(client, **args) -> list[str]:
    response = client.get("/api/v1/actions", query_string=args)
    assert response.status_code == 200, response.json
    return sorted(a["title"] for a in response.json["items"])


def test_an_area_takes_in_its_sub_areas_on_the_page_and_in_the_api(client, world):
    slug = world["body"].slug
    assert page_titles(client, slug, area=world["air"].id) == ["Develop NEACAP", "Monitor storms"]
    assert api_titles(client, programme_area=world["air"].id) == [
        "Develop NEACAP",
        "Monitor storms",
    ]
    assert page_titles(client, slug, area=world["dust"].id) == []
    assert api_titles(client, programme_area=world["storms"].id) == ["Monitor storms"]


def test_a_lead_lists_the_same_actions_on_the_page_and_in_the_api(client, world):
    slug, officer = world["body"].slug, world["officer"]
    assert page_titles(client, slug, lead="organisation:ESCAP") == ["Develop NEACAP"]
    assert api_titles(client, lead_organisation="ESCAP") == ["Develop NEACAP"]
    assert page_titles(client, slug, lead="member_state:MN") == ["MPA network"]
    assert api_titles(client, lead_country="MN") == ["MPA network"]
    assert page_titles(client, slug, lead=f"person:{officer.id}") == ["Monitor storms"]
    assert api_titles(client, lead_user=officer.id) == ["Monitor storms"]


@pytest.mark.parametrize(
    "args",
    [
        {"lead": "person:abc"},
        {"lead": "nobody:1"},
        {"lead": "organisation:"},
        {"lead": "person:99999999999999999999"},
        {"area": "x"},
        {"area": "99999999999999999999"},
        {"status": "finished"},
    ],
)
def test_a_hand_edited_filter_is_left_out(client, world, args):
    assert len(page_titles(client, world["body"].slug, **args)) == 4


def test_a_document_lists_the_actions_traced_to_it(client, admin_client, world):
    som = world["body"]
    nfp = factories.body(som.mechanism, short_name="NFP", name="National Focal Points")
    bureau = factories.body(som.mechanism, short_name="Bureau", visibility="secretariat")
    # Tabled at the NFP meeting, carried out by the SOM (as NEASPEC/NFP-2/1 is).
    plan = factories.document(nfp, title="Strategic Plan 2021-2025", symbol="NEASPEC/NFP-2/1")
    draft = factories.document(som, title="Draft work plan", status="draft")
    factories.action(som, title="Objective 1", document_id=plan.id)
    factories.action(som, title="Objective 2", document_id=plan.id)
    factories.action(nfp, title="Report on the plan", document_id=plan.id)
    factories.action(bureau, title="Budget the plan", document_id=plan.id)
    factories.action(som, title="From the draft", document_id=draft.id)

    page = client.get(f"/documents/{plan.id}").text
    assert "Follow-up actions traced to this document: " in text_of(page)
    assert f'href="/bodies/{som.slug}/actions?document={plan.id}">2 of SOM</a>' in page
    assert f'href="/bodies/{nfp.slug}/actions?document={plan.id}">1 of NFP</a>' in page
    assert "of Bureau" not in page  # a body the reader may not see
    assert "1 of Bureau" in admin_client.get(f"/documents/{plan.id}").text
    assert (
        "traced to this document" not in client.get(f"/documents/{factories.document(som).id}").text
    )

    listed = client.get(f"/bodies/{som.slug}/actions?document={plan.id}").text
    assert sorted(re.findall(r'class="action-title"[^>]*>([^<]+)<', listed)) == [
        "Objective 1",
        "Objective 2",
    ]
    assert "Traced to" in listed and "NEASPEC/NFP-2/1 Strategic Plan 2021-2025" in listed
    assert f'<input type="hidden" name="document" value="{plan.id}">' in listed
    # A draft is the staff's: the public is not told its title, and the criterion is dropped.
    hidden = client.get(f"/bodies/{som.slug}/actions?document={draft.id}").text
    assert "Draft work plan" not in hidden and "Traced to" not in hidden
    assert len(re.findall(r'class="action-title"', hidden)) == 7
    other_mechanism = factories.document(title="Elsewhere")
    elsewhere = client.get(f"/bodies/{som.slug}/actions?document={other_mechanism.id}").text
    assert "Traced to" not in elsewhere


def test_the_body_mechanism_and_header_lead_to_the_actions(client, world):
    som = world["body"]
    body_page = client.get(f"/bodies/{som.slug}").text
    assert f'href="/bodies/{som.slug}/actions"' in body_page
    assert f'href="/bodies/{som.slug}/actions/dashboard"' in body_page
    assert f'href="/bodies/{som.slug}/actions/new"' not in body_page
    mechanism_page = client.get(f"/mechanisms/{som.mechanism.slug}").text
    assert f'href="/mechanisms/{som.mechanism.slug}/actions/dashboard"' in mechanism_page
    assert 'href="/actions/dashboard">Follow-up actions</a>' in mechanism_page


def test_staff_start_an_action_from_a_document_or_a_body(admin_client, client, world):
    som = world["body"]
    plan = factories.document(som, title="Strategic Plan 2021-2025")
    assert (
        f'href="/documents/{plan.id}/actions/new"' in admin_client.get(f"/documents/{plan.id}").text
    )
    assert (
        f'href="/documents/{plan.id}/actions/new"' not in client.get(f"/documents/{plan.id}").text
    )
    assert f'href="/bodies/{som.slug}/actions/new"' in admin_client.get(f"/bodies/{som.slug}").text

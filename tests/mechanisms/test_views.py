from meetings.mechanisms.models import Mechanism, ProgrammeArea
from tests import factories
from tests.pages import field_errors


def test_mechanism_page_lists_members_bodies_and_areas(client):
    mech = factories.mechanism(name="North-East Asian Subregional Programme", member_states="CN KP")
    factories.body(mech, name="Senior Officials Meeting")
    html = client.get(f"/mechanisms/{mech.slug}").text
    assert "Democratic People&#39;s Republic of Korea" in html
    assert "Senior Officials Meeting" in html and "ESCAP ENEA" in html


def test_create_mechanism_with_unknown_country_is_refused(admin_client, db):
    client = admin_client
    response = client.post(
        "/mechanisms/new",
        data={
            "name": "NEASPEC",
            "short_name": "NEASPEC",
            "slug": "neaspec",
            "member_states": "CN KP XX",
            "default_timezone": "Asia/Seoul",
        },
    )
    assert field_errors(response.text) == ["Unknown country codes: XX."]
    assert db.session.query(Mechanism).count() == 0


def test_create_and_edit_mechanism(admin_client, db):
    client = admin_client
    client.post(
        "/mechanisms/new",
        data={
            "name": "NEASPEC",
            "short_name": "NEASPEC",
            "slug": "neaspec",
            "member_states": "cn, kp jp",
            "default_timezone": "Asia/Seoul",
        },
    )
    client.post(
        "/mechanisms/neaspec/edit",
        data={
            "name": "NEASPEC",
            "short_name": "NEASPEC",
            "slug": "neaspec",
            "member_states": "CN KP JP MN KR RU",
            "default_timezone": "Asia/Seoul",
        },
    )
    assert db.session.query(Mechanism).one().country_codes == ["CN", "JP", "KP", "KR", "MN", "RU"]


def test_duplicate_mechanism_slug_is_refused(admin_client):
    client = admin_client
    factories.mechanism(slug="neaspec")
    response = client.post(
        "/mechanisms/new",
        data={
            "name": "Other",
            "short_name": "O",
            "slug": "neaspec",
            "member_states": "CN",
            "default_timezone": "Asia/Seoul",
        },
    )
    assert field_errors(response.text) == ["Another mechanism has this address name."]


def test_programme_area_with_sdgs_and_parent(admin_client, db):
    client = admin_client
    mech = factories.mechanism()
    client.post(
        f"/mechanisms/{mech.slug}/programme-areas/new",
        data={"code": "1", "name": "Climate Change", "sdg_goals": "13", "parent_id": ""},
    )
    pillar = db.session.query(ProgrammeArea).one()
    client.post(
        f"/mechanisms/{mech.slug}/programme-areas/new",
        data={"code": "1-1", "name": "Transparency", "parent_id": str(pillar.id), "sdg_goals": ""},
    )
    response = client.post(
        f"/mechanisms/{mech.slug}/programme-areas/new",
        data={"code": "1-2", "name": "Mitigation", "sdg_goals": "18"},
    )
    assert field_errors(response.text) == ["SDGs are numbered 1 to 17."]
    assert [
        (a.code, a.parent_id, a.sdg_goals)
        for a in db.session.query(ProgrammeArea).order_by(ProgrammeArea.id)
    ] == [("1", None, [13]), ("1-1", pillar.id, [])]

from meetings.bodies.models import Body
from tests import factories
from tests.pages import field_errors


def test_body_page_shows_cadence_numbering_and_meetings(admin_client):
    client = admin_client
    body = factories.body(name="Senior Officials Meeting of NEASPEC")
    factories.meeting(body, number=24, title="SOM-24 meeting", start="2020", end="", status="held")
    html = client.get(f"/bodies/{body.slug}").text
    assert "SOM-24 meeting" in html
    assert "Schedule the next meeting (SOM-25)" in html


def test_prefixed_body_needs_a_prefix(admin_client, db):
    client = admin_client
    mech = factories.mechanism()
    response = client.post(
        f"/mechanisms/{mech.slug}/bodies/new",
        data={
            "name": "NFP Meeting",
            "short_name": "NFP",
            "slug": "nfp",
            "kind": "focal_points",
            "cadence": "annual",
            "numbering_style": "prefixed",
            "number_prefix": "",
            "usual_month": "",
            "conjunction_body_id": "",
        },
    )
    assert field_errors(response.text) == ["Give the prefix (SOM)."]
    assert db.session.query(Body).count() == 0


def test_body_held_in_conjunction_with_another(admin_client, db):
    client = admin_client
    mech = factories.mechanism()
    amme = factories.body(mech, name="AMME", short_name="AMME", numbering_style="ordinal")
    client.post(
        f"/mechanisms/{mech.slug}/bodies/new",
        data={
            "name": "ASEAN-Japan Ministerial Dialogue",
            "short_name": "AJMDEC",
            "slug": "ajmdec",
            "kind": "ministerial",
            "cadence": "biennial",
            "numbering_style": "ordinal",
            "number_prefix": "",
            "usual_month": "9",
            "conjunction_body_id": str(amme.id),
        },
    )
    ajmdec = db.session.query(Body).filter_by(slug="ajmdec").one()
    assert (ajmdec.conjunction_body_id, ajmdec.usual_month) == (amme.id, 9)
    assert "AMME" in client.get("/bodies/ajmdec").text

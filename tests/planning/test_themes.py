"""Themes across mechanisms: the seed vocabulary mapped from the programme areas, and a
theme's page listing the programme areas, actions, meetings and documents on it that the
reader may see."""

import pytest

from meetings.extensions import db
from meetings.mechanisms.services import save_programme_area
from meetings.seeding.loader import load_history
from meetings.themes.models import Theme
from tests import factories
from tests.test_query_counts import count_queries


def test_the_seed_maps_every_mechanism_to_the_shared_themes(client, app):
    load_history(documents=None)
    themes = {t.slug: t for t in db.session.query(Theme)}
    assert len(themes) == 10
    biodiversity = {(a.mechanism.slug, a.code) for a in themes["biodiversity"].areas}
    assert {
        ("asean-japan", "3"),
        ("asean-china", "Component 4"),
        ("neaspec", "(b)"),
    } <= biodiversity
    assert themes["air-pollution"].sdgs == [3, 11]
    page = client.get("/themes").text
    assert "Marine plastics" in page and "NEASPEC (a) Air Pollution" in page
    detail = client.get("/themes/air-pollution").text
    assert "NEASPEC</a> (a) Air Pollution" in detail and "ASEAN-China</a> Component 3" in detail
    assert client.get("/themes/nothing").status_code == 404
    assert client.get("/api/v1/themes/nothing").status_code == 404


@pytest.fixture
def w(app):
    m = factories.mechanism(slug="ne", short_name="NEASPEC")
    hidden = factories.mechanism(slug="hid", short_name="HID", visibility="members")
    air = save_programme_area(m, None, code="(a)", name="Air Pollution")
    dust = save_programme_area(m, None, code="(a)-1", name="Dust", parent_id=air.id)
    secret_air = save_programme_area(hidden, None, code="1", name="Secret air")
    theme = Theme(slug="air-pollution", name="Air pollution", sdgs=[3, 11],
                  keywords="air pollution\nhaze", areas=[air, secret_air])  # fmt: skip
    db.session.add(theme)
    db.session.commit()
    som = factories.body(m, slug="som", short_name="SOM")
    factories.action(som, title="Develop NEACAP", programme_area_id=air.id)
    factories.action(som, title="Monitor dust", programme_area_id=dust.id)
    factories.action(som, title="Unrelated")
    factories.meeting(som, number=1, title="Forum on haze", start="2026-03-02", end="2026-03-02")
    factories.meeting(som, number=2, title="SOM-2", theme="Air pollution in cities",
                      start="2026-04-02", end="2026-04-02")  # fmt: skip
    factories.meeting(som, number=3, title="SOM-3", start="2026-05-02", end="2026-05-02")
    factories.document(som, title="Report on air quality and pollution", status="issued")
    factories.document(som, title="Draft on haze", status="draft")
    # Words that start like the theme's ("airport", "hazel") are not the theme.
    factories.meeting(
        som, number=4, title="Airport pollution study", start="2026-06-02", end="2026-06-02"
    )
    hb = factories.body(hidden, slug="hb", short_name="HB")
    factories.meeting(hb, number=1, title="Secret haze talks", start="2026-03-02", end="2026-03-02")
    return {"m": m, "som": som, "dust": dust}


def test_a_theme_lists_what_the_reader_may_see_on_it(client, w):
    page = client.get("/themes/air-pollution").text
    assert "Follow-up actions (2)" in page
    assert "Develop NEACAP" in page and "Monitor dust" in page and "Unrelated" not in page
    assert "Meetings (2)" in page and "Forum on haze" in page and "SOM-2" in page
    assert "SOM-3" not in page and "Secret haze talks" not in page and "Secret air" not in page
    assert "Airport pollution study" not in page
    assert "Documents (1)" in page and "Report on air quality and pollution" in page
    assert "Draft on haze" not in page
    data = client.get("/api/v1/themes/air-pollution").json
    assert (data["actions"]["total"], data["meetings"]["total"], data["documents"]["total"]) == (
        2,
        2,
        1,
    )
    assert [a["code"] for a in data["theme"]["areas"]] == ["(a)"]
    assert data["theme"]["keywords"] == ["air pollution", "haze"]


def test_a_theme_page_runs_a_fixed_number_of_statements(client, w):
    with count_queries() as few:
        client.get("/themes/air-pollution")
    for n in range(5):
        factories.action(w["som"], title=f"More {n}", programme_area_id=None)
        factories.meeting(w["som"], number=10 + n, title=f"Haze meeting {n}",
                          start=f"2027-0{n + 1}-02", end=f"2027-0{n + 1}-02")  # fmt: skip
    with count_queries() as many:
        client.get("/themes/air-pollution")
    assert len(many) == len(few)


def test_a_meeting_tagged_with_a_theme_area_is_on_the_theme_without_its_words(client, w):
    factories.meeting(w["som"], number=5, title="NEACAP working group", start="2026-07-02",
                      end="2026-07-02", programme_area_ids=[w["dust"].id])  # fmt: skip
    page = client.get("/themes/air-pollution").text
    assert "Meetings (3)" in page and "NEACAP working group" in page

"""The planning calendar: meetings expected from each body's cadence over the next 24 months,
beside those scheduled, and the bodies overdue for a meeting."""

from datetime import UTC, date, datetime

import pytest
import time_machine

from meetings.access.principal import ANONYMOUS
from meetings.planning.projection import project
from tests import factories
from tests.test_query_counts import count_queries

TODAY = date(2026, 11, 26)


@pytest.fixture
def w(app):
    with time_machine.travel(datetime(2026, 11, 26, 9, tzinfo=UTC), tick=False):
        n = factories.mechanism(slug="ne", short_name="NEASPEC", name="NEASPEC")
        som = factories.body(n, slug="som", short_name="SOM", usual_month=9)
        factories.meeting(som, number=30, start="2025-09-02", end="2025-09-03", status="held")
        envoys = factories.body(n, slug="envoys", short_name="Envoys", name="Green Envoys",
                                cadence="twice_a_year", numbering_style="none",
                                number_prefix="")  # fmt: skip
        factories.meeting(envoys, title="Envoys 2019", start="2019-12", end="", status="held")
        factories.body(n, slug="seminars", short_name="Seminars", cadence="ad_hoc",
                       numbering_style="none", number_prefix="")  # fmt: skip
        bureau = factories.body(n, slug="bureau", short_name="Bureau", visibility="secretariat")
        factories.meeting(bureau, number=1, start="2020-01-10", end="2020-01-10", status="held")
        yield {"n": n, "som": som, "envoys": envoys}


def _plans(viewer=ANONYMOUS):
    return {p.body.short_name: p for p in project(viewer, TODAY).bodies}


def test_the_cadence_expects_months_nobody_has_scheduled(w):
    plans = _plans()
    assert set(plans) == {"SOM", "Envoys", "Seminars"}  # not the bureau, hidden
    som = plans["SOM"]
    assert [e.label for e in som.expected] == ["September 2027", "September 2028"]
    assert (som.overdue, som.last.start_date) == (False, date(2025, 9, 2))
    envoys = plans["Envoys"]
    assert [e.label for e in envoys.expected][:2] == ["December 2026", "June 2027"]
    assert envoys.overdue and envoys.overdue_label == "Last met December 2019."
    assert (plans["Seminars"].expected, plans["Seminars"].overdue) == ([], False)


def test_a_scheduled_meeting_takes_the_place_of_the_expected_one(w):
    factories.meeting(w["som"], number=31, start="2027-10-05", end="2027-10-06")
    som = _plans()["SOM"]
    assert [m.start_date for m in som.scheduled] == [date(2027, 10, 5)]
    assert [e.label for e in som.expected] == ["September 2028"]
    factories.meeting(w["envoys"], title="Envoys 2027", start="2027-02-10", end="2027-02-11")
    assert not _plans()["Envoys"].overdue  # something is scheduled


def test_the_page_lists_months_and_overdue_bodies_in_fixed_statements(client, w):
    with time_machine.travel(datetime(2026, 11, 26, 9, tzinfo=UTC), tick=False):
        with count_queries() as few:
            page = client.get("/planning").text
        for n in range(8):
            body = factories.body(w["n"], slug=f"extra-{n}", short_name=f"X{n}")
            factories.meeting(body, number=1, start="2026-03-02", end="2026-03-02", status="held")
            factories.meeting(body, number=2, start="2027-03-02", end="2027-03-02")
        with count_queries() as many:
            more = client.get("/planning").text
    assert len(many) == len(few)
    assert "Bodies overdue for a meeting (1)" in page and "Last met December 2019." in page
    assert '<th scope="row"><a href="/planning/2027/9">September 2027</a></th>' in page
    assert "November 2026" in page and "October 2028" in page and "November 2028" not in page
    assert "X7" in more
    unknown = client.get("/planning?mechanism=nowhere&body=x&country=zz").text
    assert "No mechanism &#39;nowhere&#39;; No body &#39;x&#39;; No member state &#39;zz&#39;" in (
        unknown
    )
    assert "that filter is left out." in unknown and "Bodies overdue for a meeting (1)" in unknown


def test_filters_by_body_and_member_state_and_marks_crowded_months(client, w):
    other = factories.mechanism(slug="aj", short_name="AJ", member_states="JP TH")
    dialogue = factories.body(other, slug="ajmdec", short_name="AJMDEC", usual_month=9)
    factories.meeting(dialogue, number=3, start="2025-09-02", end="2025-09-05", status="held")
    with time_machine.travel(datetime(2026, 11, 26, 9, tzinfo=UTC), tick=False):
        page = client.get("/planning").text
        som_only = client.get("/planning?body=som").text
        thailand = client.get("/planning?country=th").text
        api = client.get("/api/v1/planning", query_string={"country": "TH"}).json
    september = page.split("September 2027")[1].split("</tr>")[0]
    assert '<span class="badge">2 mechanisms</span>' in september
    assert "AJMDEC" in september and "SOM" in september
    som_only, thailand = (x.split("Bodies overdue")[1] for x in (som_only, thailand))
    assert "AJMDEC" not in som_only and "Envoys" not in som_only and "SOM" in som_only
    assert "AJMDEC" in thailand and "Envoys" not in thailand
    assert [b["body"] for b in api["bodies"]] == ["ajmdec"]


def test_the_api_gives_the_projection(client, w):
    with time_machine.travel(datetime(2026, 11, 26, 9, tzinfo=UTC), tick=False):
        data = client.get("/api/v1/planning", query_string={"mechanism": "ne"}).json
    assert (data["start"], data["end"]) == ("2026-11", "2028-10")
    som = next(b for b in data["bodies"] if b["body"] == "som")
    assert (som["expected"], som["overdue"], som["cadence"]) == (
        ["2027-09", "2028-09"],
        False,
        "annual",
    )
    response = client.get("/api/v1/planning", query_string={"mechanism": "nowhere"})
    assert response.status_code == 422 and "mechanism" in response.json["errors"]["query"]
    assert client.get("/api/v1/planning", query_string={"when": "x"}).status_code == 422


def test_a_meeting_known_to_its_year_is_scheduled_until_the_year_is_over(w):
    factories.meeting(w["som"], number=31, title="SOM-31", start="2026", end="", status="planned")
    som = _plans()["SOM"]
    assert som.last.start_date == date(2025, 9, 2)  # not the 2026 one: it may be still to come
    assert [m.title for m in som.scheduled] == ["SOM-31"]

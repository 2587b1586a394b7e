"""The planning calendar's month and year views across mechanisms: meetings on their days,
clashes marked whatever the filters, meetings expected from the cadences, the programme-area
and theme filters, printable years, bad input, and a fixed number of statements."""

import html
import re
from datetime import UTC, date, datetime

import pytest
import time_machine

from meetings.access.principal import ANONYMOUS
from meetings.extensions import db
from meetings.mechanisms.services import save_programme_area
from meetings.planning.calendar import window
from meetings.planning.projection import PlanFilter
from meetings.schedule.services import update_meeting
from meetings.themes.models import Theme
from tests import factories
from tests.conftest import sign_in
from tests.test_query_counts import count_queries

NOW = datetime(2026, 11, 26, 9, tzinfo=UTC)


@pytest.fixture
def w(app):
    """AJ (an AMME and a dialogue held with it, side by side), NEASPEC (a SOM two days after
    the dialogue, an NFP meeting known only to the month) in September 2027."""
    with time_machine.travel(NOW, tick=False):
        a = factories.mechanism(slug="aj", short_name="AJ", member_states="JP TH")
        n = factories.mechanism(slug="ne", short_name="NEASPEC", member_states="JP KR")
        climate = save_programme_area(a, code="1", name="Climate Change")
        mitigation = save_programme_area(a, code="1-2", name="Mitigation", parent_id=climate.id)
        air = save_programme_area(n, code="(a)", name="Air pollution")
        db.session.commit()
        amme = factories.body(a, slug="amme", short_name="AMME", usual_month=9)
        dialogue = factories.body(a, slug="ajmdec", short_name="AJMDEC", usual_month=9)
        som = factories.body(n, slug="som", short_name="SOM", usual_month=9)
        nfp = factories.body(n, slug="nfp", short_name="NFP", cadence="ad_hoc")
        x = {"a": a, "n": n, "climate": climate, "mitigation": mitigation, "air": air}
        x["amme"] = factories.meeting(amme, number=19, title="19th AMME", start="2027-09-01",
                                      end="2027-09-03")  # fmt: skip
        x["dialogue"] = factories.meeting(dialogue, number=4, title="4th AJMDEC",
                                          start="2027-09-03", end="2027-09-04",
                                          held_with_id=x["amme"].id,
                                          programme_area_ids=[mitigation.id])  # fmt: skip
        x["som"] = factories.meeting(som, number=31, title="SOM-31", start="2027-09-06",
                                     end="2027-09-07", programme_area_ids=[air.id])  # fmt: skip
        x["nfp"] = factories.meeting(nfp, number=5, title="NFP-5", start="2027-09", end="")
        factories.meeting(som, number=30, title="SOM-30", start="2026-09-02", end="2026-09-03",
                          status="held")  # fmt: skip
        factories.meeting(nfp, title="Expert talks", start="2027", end="")  # a year only
        factories.meeting(nfp, number=6, title="NFP-6 (cancelled)", start="2027-09-07",
                          end="2027-09-07", status="cancelled")  # fmt: skip
        return x


def _text(page: str) -> str:
    """What a reader sees: tags dropped, spaces as one, and no space before punctuation."""
    text = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))
    return re.sub(r" ([,;.:)])", r"\1", text)


def _listed(page: str) -> dict[str, str]:
    """The month as a list: each meeting's title and the text of its line."""
    part = page.split('id="month-list"')[1]
    items = re.findall(r"<li>(.*?)</li>", part, re.S)
    return {_text(re.search(r"<a [^>]*>(.*?)</a>", li).group(1)).strip(): _text(li) for li in items}


def _day(page: str, day: int) -> str:
    """The text of one day's cell in the month grid."""
    cells = re.findall(r'<td class="[^"]*">\s*<span class="day-number">(\d+)(.*?)</td>', page, re.S)
    return next(_text(rest) for number, rest in cells if int(number) == day)


def test_the_month_grid_puts_meetings_on_their_days_and_marks_clashes(client, w):
    with time_machine.travel(NOW, tick=False):
        page = client.get("/planning/2027/9").text
    assert "AMME 19" in _day(page, 1) and "AMME 19" in _day(page, 3)
    assert "AJMDEC 4" in _day(page, 4) and "AJMDEC 4" not in _day(page, 5)
    assert "SOM 31" in _day(page, 6) and "clash" in _day(page, 6)
    assert _day(page, 5).strip() == ""  # nothing under way on the 5th
    assert "NFP-6" not in page  # cancelled
    undated = _text(page.split('id="undated-title"')[1].split("</section>")[0])
    assert "NFP-5" in undated  # September 2027, days not fixed
    listing = _listed(page)
    # The dialogue is held with the AMME, side by side: no clash between them; the SOM is two
    # days after the dialogue and three after the AMME (within PLANNING_CLASH_DAYS, 3).
    assert list(listing) == ["19th AMME", "NFP-5", "4th AJMDEC", "SOM-31"]
    assert "Clash: 2 days from 4th AJMDEC" in listing["SOM-31"]
    assert "3 days from 19th AMME" in listing["SOM-31"]
    assert "19th AMME" not in listing["4th AJMDEC"]
    assert "2 days from SOM-31" in listing["4th AJMDEC"]
    assert "Clash" not in listing["NFP-5"]  # its days are not fixed
    assert "4 meetings, 3 with a clash, of 2 mechanisms" in _text(page)
    assert (
        'rel="prev" href="/planning/2027/8"' in page
        and 'rel="next" href="/planning/2027/10"' in page
    )


def test_a_filter_keeps_the_clash_marks_of_meetings_it_leaves_out(client, w):
    with time_machine.travel(NOW, tick=False):
        page = client.get("/planning/2027/9?mechanism=ne").text
    listing = _listed(page)
    assert list(listing) == ["NFP-5", "SOM-31"]  # AJ's meetings are not listed themselves
    assert "Clash: 2 days from 4th AJMDEC" in listing["SOM-31"]  # but the clash is shown
    assert 'href="/planning/2027/10?mechanism=ne"' in page  # the filter is carried over


def test_the_year_view_lists_every_month_with_expected_meetings(client, w):
    with time_machine.travel(NOW, tick=False):
        page = client.get("/planning/2028").text
        past = client.get("/planning/2026").text
    months = re.findall(r'<section class="year-month[^"]*" aria-labelledby="m(\d+)">', page)
    assert months == [str(n) for n in range(1, 13)]
    september = _text(page.split('id="m9"')[1].split("</section>")[0])
    assert "SOM expected" in september and "AMME expected" in september
    assert "NFP expected" not in _text(page)  # ad hoc: nothing is expected
    assert "Printing this page gives the year on paper." in page
    in_2027 = client.get("/planning/2027").text
    known_to_year = _text(in_2027.split('id="year-only-title"')[1].split("</section>")[0])
    assert "Expert talks" in known_to_year
    assert "Expert talks" not in _text(in_2027.split('id="m1"')[1])  # in no month
    # A past year shows what took place, and expects nothing.
    assert "SOM-30" in past and "expected" not in _text(past.split('class="year-grid"')[1])


def test_programme_area_and_theme_filters_take_in_sub_areas(client, w):
    theme = Theme(slug="climate", name="Climate mitigation", areas=[w["climate"]])
    db.session.add(theme)
    db.session.commit()
    with time_machine.travel(NOW, tick=False):
        on_climate = client.get(f"/planning/2027/9?area={w['climate'].id}").text
        on_theme = client.get("/planning/2027/9?theme=climate").text
        on_air = client.get(f"/planning/2027/9?area={w['air'].id}").text
        both = client.get(f"/planning/2027/9?area={w['air'].id}&theme=climate").text
        bad = client.get("/planning/2027/9?area=x1&theme=nowhere").text
        superscript = client.get("/planning?area=²")
    for page in (on_climate, on_theme):
        listing = _text(page.split('id="month-list"')[1])
        assert "4th AJMDEC" in listing and "19th AMME" not in listing.split("Clash")[0]
        assert "SOM-31" not in listing.split("4th AJMDEC")[0]
    assert "SOM-31" in _text(on_air.split('id="month-list"')[1])
    assert "No meeting in September 2027 with these filters." in _text(both)
    assert "No theme 'nowhere'; No programme area 'x1': that filter is left out." in _text(bad)
    assert "4th AJMDEC" in _text(bad.split('id="month-list"')[1])
    # "²" is a digit to str.isdigit(), not to int(): named and left out, not a 500.
    assert superscript.status_code == 200 and "No programme area '²'" in _text(superscript.text)


def test_an_area_of_a_mechanism_the_reader_may_not_see_is_unknown(client, w):
    hidden = factories.mechanism(slug="hidden", short_name="Hidden", visibility="secretariat")
    area = save_programme_area(hidden, code="X", name="Hidden area")
    db.session.commit()
    page = client.get(f"/planning?area={area.id}").text
    assert f"No programme area &#39;{area.id}&#39;" in page and "Hidden area" not in page
    assert client.get(f"/api/v1/planning/calendar?area={area.id}").status_code == 422


@pytest.mark.parametrize(
    "url,message",
    [
        ("/planning/1800", "The planning calendar covers 1990 to 2100, not 1800."),
        ("/planning/2027/13", "There is no month 13: months are 1 to 12."),
        ("/planning/2027/0", "There is no month 0: months are 1 to 12."),
        ("/planning/99999999999999999999", "There is no such page."),
    ],
)
def test_a_year_or_month_off_the_calendar_says_which_are_on_it(client, w, url, message):
    response = client.get(url)
    assert response.status_code == 404 and message in response.text


def test_the_views_take_a_fixed_number_of_statements(client, w):
    urls = ["/planning", "/planning/2027", "/planning/2027/9", "/planning/2027?theme=x&area=1"]
    with time_machine.travel(NOW, tick=False):
        with count_queries() as few:
            for url in urls:
                assert client.get(url).status_code == 200
        for n in range(6):
            body = factories.body(w["n"], slug=f"extra-{n}", short_name=f"X{n}")
            for month in (3, 9):
                factories.meeting(body, number=month, start=f"2027-{month:02}-0{n + 1}",
                                  end=f"2027-{month:02}-0{n + 2}",
                                  programme_area_ids=[w["air"].id])  # fmt: skip
        with count_queries() as many:
            for url in urls:
                assert client.get(url).status_code == 200
    assert len(many) == len(few)


def test_the_api_gives_the_calendar_with_clashes(client, w):
    with time_machine.travel(NOW, tick=False):
        data = client.get("/api/v1/planning/calendar?from=2027-09&months=2").json
        filtered = client.get(
            "/api/v1/planning/calendar", query_string={"from": "2027-09", "area": w["air"].id}
        ).json
        errors = [
            client.get("/api/v1/planning/calendar", query_string=q).json["errors"]["query"]
            for q in ({"from": "2027-9"}, {"from": "1989-12"}, {"months": 37}, {"theme": "no"})
        ]
    assert (data["start"], data["end"], len(data["months"])) == ("2027-09", "2027-10", 2)
    september = data["months"][0]
    assert [e["meeting"]["title"] for e in september["meetings"]] == [
        "19th AMME",
        "NFP-5",  # September 2027: listed from the 1st, and never a clash
        "4th AJMDEC",
        "SOM-31",
    ]
    assert september["meetings"][1]["clashes"] == []
    som = september["meetings"][3]
    assert [(c["title"], c["gap_days"]) for c in som["clashes"]] == [
        ("4th AJMDEC", 2),
        ("19th AMME", 3),
    ]
    assert {(e["body"], e["month"]) for e in data["months"][0]["expected"]} == set()
    assert [e["meeting"]["title"] for e in filtered["months"][0]["meetings"]] == ["SOM-31"]
    assert [list(e) for e in errors] == [["from"], ["from"], ["months"], ["theme"]]


def test_window_months_and_expected_meetings(w):
    cal = window(ANONYMOUS, date(2026, 11, 26), PlanFilter(), date(2028, 1, 1), 12)
    september = cal.months[8]
    assert september.first_day == date(2028, 9, 1) and september.crowded
    assert sorted(e.body.short_name for e in september.expected) == ["AJMDEC", "AMME", "SOM"]


def test_a_meeting_moved_away_loses_its_clash_marks(client, w):
    update_meeting(w["som"], **_fields(w["som"]), start="2027-09-20", end="2027-09-21")
    db.session.commit()
    with time_machine.travel(NOW, tick=False):
        page = client.get("/planning/2027/9").text
    assert "with a clash" not in page


def _fields(meeting) -> dict:
    names = ("title", "timezone", "city", "country_code", "status", "format", "number")
    return {name: getattr(meeting, name) for name in names}


def test_a_meeting_hidden_from_the_reader_is_neither_listed_nor_named_in_a_clash(client, w):
    bureau = factories.body(w["n"], slug="bureau", short_name="Bureau", visibility="secretariat")
    factories.meeting(bureau, number=1, title="Bureau-1", start="2027-09-08", end="2027-09-08")
    with time_machine.travel(NOW, tick=False):
        anonymous = client.get("/planning/2027/9").text
        api = client.get("/api/v1/planning/calendar?from=2027-09&months=1").text
        sign_in(client, factories.secretariat_of(w["n"]))
        staff = client.get("/planning/2027/9").text
    assert "Bureau" not in anonymous and "Bureau" not in api
    assert "1 day from Bureau-1" in _listed(staff)["SOM-31"]

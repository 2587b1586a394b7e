"""Dashboards of follow-up actions: the counts, the overdue list, the statuses month by month,
the chart and the exports, as each viewer may see them."""

import csv
import io
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime

import pytest
import time_machine
from openpyxl import load_workbook

from meetings.access.principal import ANONYMOUS, principal_for
from meetings.actions import dashboard, services
from meetings.actions.chart import status_chart, tick_step
from meetings.actions.dashboard import Scope
from meetings.actions.models import ActionStatus
from meetings.extensions import db
from meetings.mechanisms.services import save_programme_area
from tests import factories
from tests.conftest import sign_in
from tests.test_query_counts import count_queries

TODAY = date(2026, 3, 15)
NOW = datetime(2026, 3, 15, 9, tzinfo=UTC)
SVG = "{http://www.w3.org/2000/svg}"


def at(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def mech(app):
    return factories.mechanism(short_name="NEASPEC", member_states="CN JP KR MN")


@pytest.fixture
def som(mech):
    return factories.body(mech, short_name="SOM")


@pytest.fixture
def closed(mech):
    """A body only the secretariat sees."""
    return factories.body(mech, short_name="NFP", visibility="secretariat")


@pytest.fixture
def areas(mech):
    climate = save_programme_area(mech, code="1", name="Climate")
    nature = save_programme_area(mech, code="2", name="Nature")
    db.session.commit()
    return climate, nature


@pytest.fixture
def ada(app):
    return factories.user(name="Ada Park")


@pytest.fixture
def actions(som, closed, areas, ada):
    """Five visible actions of SOM (two overdue on TODAY) and one of the closed body, all
    created in January 2026."""
    climate, nature = areas
    with time_machine.travel(at(2026, 1, 10), tick=False):
        return {
            "late": factories.action(
                som,
                title="Publish the report",
                item="1-1",
                status="delayed",
                programme_area_id=climate.id,
                lead_kind="member_state",
                lead_country="MN",
                due="2025-12-31",
            ),
            "later": factories.action(
                som,
                title="Hold the workshop",
                item="1-2",
                status="on_track",
                programme_area_id=climate.id,
                lead_kind="organisation",
                lead_organisation="ESCAP",
                due="2026-02",
            ),
            "done": factories.action(
                som,
                title="Agree the terms",
                status="completed",
                programme_area_id=nature.id,
                lead_kind="organisation",
                lead_organisation="ESCAP",
                due="2025",
            ),
            "person": factories.action(
                som,
                title="Draft the plan",
                status="on_track",
                lead_kind="person",
                lead_user_id=ada.id,
                due="2026-12",
            ),
            "unled": factories.action(som, title="Review the scope", status="proposed"),
            "hidden": factories.action(
                closed,
                title="Secret follow-up",
                status="delayed",
                programme_area_id=nature.id,
                lead_kind="organisation",
                lead_organisation="KEI",
                due="2020",
            ),
        }


def rows(counts) -> list[tuple]:
    return [(c.label, c.note, c.total, c.open, c.overdue) for c in counts]


def test_counts_by_status_area_and_lead_match_the_actions(som, actions):
    scope = Scope(body=som)
    statuses, totals = dashboard.by_status(ANONYMOUS, scope, TODAY)
    assert [(c.label, c.total, c.overdue) for c in statuses] == [
        ("Proposed", 1, 0),
        ("Not started", 0, 0),
        ("On track", 2, 1),
        ("At risk", 0, 0),
        ("Delayed", 1, 1),
        ("Completed", 1, 0),
        ("Dropped", 0, 0),
    ]
    assert (totals.total, totals.open, totals.overdue, totals.completed) == (5, 4, 2, 1)
    assert rows(dashboard.by_programme_area(ANONYMOUS, scope, TODAY)) == [
        ("1 Climate", "NEASPEC", 2, 2, 2),
        ("2 Nature", "NEASPEC", 1, 0, 0),
        ("No programme area", "NEASPEC", 2, 2, 0),
    ]
    assert rows(dashboard.by_lead(ANONYMOUS, scope, TODAY)) == [
        ("ESCAP", "Organisation", 2, 1, 1),
        ("Ada Park", "Person", 1, 1, 0),
        ("Mongolia", "Member state", 1, 1, 1),
        ("No lead named", "", 1, 1, 0),
    ]


def test_a_restricted_body_is_left_out_for_the_public_and_in_for_its_secretariat(
    client, mech, closed, actions
):
    across, in_mech = Scope(), Scope(mechanism=mech)
    for scope in (across, in_mech):
        assert dashboard.by_status(ANONYMOUS, scope, TODAY)[1].total == 5
    secretariat = principal_for(factories.secretariat_of(mech))
    assert dashboard.by_status(secretariat, in_mech, TODAY)[1].total == 6
    assert rows(dashboard.by_part(ANONYMOUS, in_mech, TODAY)) == [
        ("Senior Officials Meeting (SOM)", "", 5, 4, 2)
    ]
    with time_machine.travel(NOW, tick=False):
        page = client.get(f"/mechanisms/{mech.slug}/actions/dashboard").text
        assert "Secret follow-up" not in page and "KEI" not in page
        assert client.get(f"/bodies/{closed.slug}/actions/dashboard").status_code == 404
        assert client.get(f"/bodies/{closed.slug}/actions/dashboard.csv").status_code == 404
        exported = client.get("/actions/dashboard.csv").text
    assert "Secret follow-up" not in exported and "Publish the report" in exported


def test_the_overdue_list_shows_open_actions_past_due_longest_first(som, actions):
    overdue = dashboard.overdue_actions(ANONYMOUS, Scope(body=som), TODAY)
    assert [(o.action.title, o.days) for o in overdue] == [
        ("Publish the report", 74),
        ("Hold the workshop", 15),
    ]


def test_the_dashboard_page_lists_counts_chart_and_overdue_links(client, som, actions, app):
    with time_machine.travel(NOW, tick=False):
        response = client.get(f"/bodies/{som.slug}/actions/dashboard")
    assert response.status_code == 200
    page = response.text
    assert "Publish the report" in page and "74" in page
    if "actions.detail" in app.view_functions:
        assert f'href="/actions/{actions["late"].id}"' in page
    assert "<svg" in page and "style=" not in page and "<script" not in page.split("</header>")[1]
    assert 'id="status-over-time"' in page
    assert f"/bodies/{som.slug}/actions/dashboard.csv" in page


def test_status_over_time_follows_the_history(som):
    """Created not started in January, on track in March, completed in May."""
    with time_machine.travel(at(2025, 1, 20), tick=False):
        action = factories.action(som, title="Follow the history")
    with time_machine.travel(at(2025, 3, 5), tick=False):
        services.post_update(action, None, status="on_track")
        db.session.commit()
    with time_machine.travel(at(2025, 5, 31, 23, 59), tick=False):
        services.post_update(action, None, "Done.", status="completed")
        db.session.commit()
    with time_machine.travel(at(2025, 2, 10), tick=False):
        factories.action(som, title="Started on track", status="on_track")
    months = dashboard.status_over_time(ANONYMOUS, Scope(body=som), at(2025, 7, 2), at(2025, 1, 20))
    series = [(m.first_day, {s.value: n for s, n in m.counts.items() if n}) for m in months]
    assert series == [
        (date(2025, 1, 1), {"not_started": 1}),
        (date(2025, 2, 1), {"not_started": 1, "on_track": 1}),
        (date(2025, 3, 1), {"on_track": 2}),
        (date(2025, 4, 1), {"on_track": 2}),
        (date(2025, 5, 1), {"on_track": 1, "completed": 1}),
        (date(2025, 6, 1), {"on_track": 1, "completed": 1}),
        (date(2025, 7, 1), {"on_track": 1, "completed": 1}),
    ]


def test_status_over_time_shows_the_last_twelve_months_with_older_actions(som, closed):
    with time_machine.travel(at(2023, 6, 1), tick=False):
        old = factories.action(som, title="Old", status="at_risk")
        factories.action(closed, title="Hidden", status="at_risk")
    with time_machine.travel(at(2025, 8, 3), tick=False):
        services.update_action(old, status="dropped")
        db.session.commit()
    months = dashboard.status_over_time(ANONYMOUS, Scope(), at(2026, 3, 1), at(2023, 6, 1))
    assert [m.first_day for m in months][::11] == [date(2025, 4, 1), date(2026, 3, 1)]
    assert [m.counts[ActionStatus.AT_RISK] for m in months[:5]] == [1, 1, 1, 1, 0]
    assert [m.counts[ActionStatus.DROPPED] for m in months[:5]] == [0, 0, 0, 0, 1]
    assert {m.total for m in months} == {1}


def test_months_shown_stop_at_twelve_or_the_first_action():
    assert dashboard.months_shown(None, NOW) == []
    assert dashboard.months_shown(at(2026, 3, 1), NOW) == [date(2026, 3, 1)]
    assert dashboard.months_shown(at(2025, 11, 30), NOW) == [
        date(2025, 11, 1),
        date(2025, 12, 1),
        date(2026, 1, 1),
        date(2026, 2, 1),
        date(2026, 3, 1),
    ]
    assert len(dashboard.months_shown(at(2019, 1, 1), NOW)) == 12


def test_the_chart_is_well_formed_svg_with_a_title_and_escaped_text(app):
    months = [
        dashboard.Month(date(2025, 12, 1), {ActionStatus.ON_TRACK: 3, ActionStatus.DELAYED: 0}),
        dashboard.Month(date(2026, 1, 1), {ActionStatus.ON_TRACK: 2, ActionStatus.DELAYED: 4}),
    ]
    svg = ET.fromstring(str(status_chart(months, 'Actions of <R&D> "body"')))
    assert svg.tag == f"{SVG}svg" and svg.get("role") == "img"
    assert svg.find(f"{SVG}title").text == 'Actions of <R&D> "body"'
    assert "January 2026: 6 actions (2 on track, 4 delayed)" in svg.find(f"{SVG}desc").text
    bars = [r for r in svg.iter(f"{SVG}rect") if "chart-bar" in (r.get("class") or "")]
    assert [r.find(f"{SVG}title").text for r in bars] == [
        "December 2025: On track, 3",
        "January 2026: On track, 2",
        "January 2026: Delayed, 4",
    ]
    assert all(e.get("style") is None for e in svg.iter())
    assert [tick_step(n) for n in (1, 5, 6, 12, 40, 260)] == [1, 1, 2, 5, 10, 100]


def test_the_csv_export_lists_the_actions_in_scope(client, som, actions, mech):
    meeting = factories.meeting(som, title="SOM-22", start="2025-10-01", end="", status="held")
    document = factories.document(som, meeting=meeting, symbol="NEASPEC/SOM(22)/1", title="Report")
    services.update_action(
        actions["late"], meeting_id=meeting.id, document_id=document.id, partners="KEI"
    )
    db.session.commit()
    with time_machine.travel(NOW, tick=False):
        response = client.get(f"/bodies/{som.slug}/actions/dashboard.csv")
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="actions-{som.slug}-2026-03-15.csv"'
    )
    table = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert table[0][:5] == ["ID", "Mechanism", "Body", "Item", "Title"]
    assert len(table) == 6
    late = next(r for r in table if r[4] == "Publish the report")
    update = actions["late"].updates
    assert late == [
        str(actions["late"].id),
        "NEASPEC",
        "SOM",
        "1-1",
        "Publish the report",
        "NEASPEC/SOM(22)/1",
        "Report",
        "SOM-22",
        "Mongolia",
        "KEI",
        "1 Climate",
        "31 December 2025",
        "2025-12-31",
        "Delayed",
        "yes",
        update[-1].at.date().isoformat() if update else "",
    ]


def test_a_source_the_viewer_may_not_see_is_left_blank(client, som, actions):
    meeting = factories.meeting(
        som, title="Closed SOM", start="2025-10-01", end="", status="held", visibility="secretariat"
    )
    services.update_action(actions["late"], meeting_id=meeting.id)
    db.session.commit()
    with time_machine.travel(NOW, tick=False):
        text = client.get(f"/bodies/{som.slug}/actions/dashboard.csv").text
    assert "Closed SOM" not in text


def test_the_xlsx_export_reads_back_with_dates_and_formulas_neutralised(admin_client, som):
    with time_machine.travel(at(2026, 1, 5), tick=False):
        action = factories.action(
            som,
            title='=HYPERLINK("http://evil.example","click")',
            item="+1",
            lead_kind="organisation",
            lead_organisation="@ESCAP",
            partners="-KEI",
            due="2026-02-28",
        )
        services.post_update(action, None, "Started.", status="on_track")
        db.session.commit()
    with time_machine.travel(NOW, tick=False):
        response = admin_client.get(f"/bodies/{som.slug}/actions/dashboard.xlsx")
    assert response.headers["Content-Disposition"].endswith(f'-{som.slug}-2026-03-15.xlsx"')
    sheet = load_workbook(io.BytesIO(response.data)).active
    header, row = [c.value for c in sheet[1]], [c.value for c in sheet[2]]
    values = dict(zip(header, row, strict=True))
    assert values["ID"] == action.id
    assert values["Title"] == '\'=HYPERLINK("http://evil.example","click")'
    assert (values["Item"], values["Lead"], values["Partners"]) == ("'+1", "'@ESCAP", "'-KEI")
    assert values["Due end"] == datetime(2026, 2, 28)
    assert values["Last update"] == datetime(2026, 1, 5)
    assert (values["Status"], values["Overdue"]) == ("On track", "yes")
    assert sheet.max_row == 2 and all(c.data_type != "f" for c in sheet[2])


def test_the_csv_export_neutralises_formulas(client, som):
    factories.action(som, title="=1+1", item="@SUM(A1)")
    text = client.get(f"/bodies/{som.slug}/actions/dashboard.csv").data.decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text)))[1][3:5] == ["'@SUM(A1)", "'=1+1"]


def test_an_empty_dashboard_says_so(client, som):
    for url in ("/actions/dashboard", f"/bodies/{som.slug}/actions/dashboard"):
        response = client.get(url)
        assert response.status_code == 200
        assert "No follow-up actions recorded yet." in response.text


def _grow(body, area, user, n: int) -> None:
    for i in range(n):
        action = factories.action(
            body,
            title=f"Action {i}",
            status=["on_track", "delayed", "completed"][i % 3],
            programme_area_id=area.id if i % 2 else None,
            lead_kind="person" if i % 2 else "organisation",
            lead_user_id=user.id if i % 2 else None,
            lead_organisation="" if i % 2 else f"Org {i}",
            due="2025-06-30",
        )
        services.post_update(action, None, f"Progress {i}.")
    db.session.commit()


def test_dashboard_query_counts_do_not_grow(client, mech, som, areas, ada):
    sign_in(client, factories.secretariat_of(mech))
    other = factories.body(mech, short_name="WG")
    urls = [
        "/actions/dashboard",
        f"/mechanisms/{mech.slug}/actions/dashboard",
        f"/bodies/{som.slug}/actions/dashboard",
        "/actions/dashboard.csv",
        f"/mechanisms/{mech.slug}/actions/dashboard.xlsx",
        f"/bodies/{som.slug}/actions/dashboard.csv",
    ]

    def counts():
        result = {}
        for url in urls:
            with count_queries() as statements:
                assert client.get(url).status_code == 200, url
            result[url] = len(statements)
        return result

    with time_machine.travel(NOW, tick=False):
        _grow(som, areas[0], ada, 3)
        small = counts()
        _grow(som, areas[1], ada, 12)
        _grow(other, areas[0], factories.user(name="Bo"), 6)
        assert counts() == small


def test_a_lead_without_a_name_is_never_shown_by_email(client, som):
    quiet = factories.user(email="quiet.officer@example.org")
    factories.action(som, title="Map the wetlands", lead_kind="person", lead_user_id=quiet.id)
    for url in (
        f"/bodies/{som.slug}/actions/dashboard",
        f"/bodies/{som.slug}/actions/dashboard.csv",
        f"/bodies/{som.slug}/actions",
        "/api/v1/actions",
    ):
        text = client.get(url).get_data(as_text=True)
        assert "Map the wetlands" in text or "A person without a name on record" in text, url
        assert "quiet.officer" not in text, url
    assert "A person without a name on record" in client.get(f"/bodies/{som.slug}/actions").text

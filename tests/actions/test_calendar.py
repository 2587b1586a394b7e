"""Actions' due dates in calendar feeds: all-day VEVENTs in the personal feed of those who lead
them, and in the deadlines feed of the bodies' staff; stable UIDs, growing SEQUENCEs, only
what the person leads or looks after and may see, a fixed number of statements."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from meetings.actions import services
from meetings.calendars.subscriptions import follow, renew_feed_token, revoke_feed_token
from meetings.extensions import db
from tests import factories
from tests.calendars.ical import events, parse
from tests.test_query_counts import count_queries

NOW = datetime(2026, 8, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def w(app, clock):
    """Mechanism M (CN JP KR): body SOM with actions led by a person, by Japan, by an
    organisation, a completed and a dropped one, one without a due date; a secretariat-only
    body with an action led by Japan; an action of another mechanism led by the person."""
    m = factories.mechanism(slug="m", short_name="M", member_states="CN JP KR")
    som = factories.body(m, slug="som", short_name="SOM")
    closed = factories.body(m, slug="closed", short_name="CL", visibility="secretariat")
    other = factories.body(factories.mechanism(slug="o", short_name="O"), short_name="OB")
    lead = factories.user(email="lead@example.org", name="Lee")
    nfp = factories.nfp_of(m, "JP", email="nfp-jp@example.org")
    by_lead = {"lead_kind": "person", "lead_user_id": lead.id}
    by_japan = {"lead_kind": "member_state", "lead_country": "JP"}
    x = {
        "m": m,
        "som": som,
        "lead": lead,
        "nfp": nfp,
        "sec": factories.secretariat_of(m, email="sec@example.org"),
        "manager": factories.manager_of(som, email="manager@example.org"),
        "delegate": factories.delegate_of(m, email="delegate@example.org"),
    }
    x["mine"] = factories.action(som, item="1-1-3", due="2026-08-20", **by_lead)
    x["japan"] = factories.action(som, title="Host the forum", due="2026-12", **by_japan)
    by_escap = {"lead_kind": "organisation", "lead_organisation": "ESCAP"}
    x["escap"] = factories.action(som, title="Draft the report", due="2026-09-01", **by_escap)
    x["done"] = factories.action(som, title="Done", due="2026-08-10", status="completed", **by_lead)
    x["dropped"] = factories.action(
        som, title="Dropped", due="2026-10-01", status="dropped", **by_lead
    )
    x["undated"] = factories.action(som, title="Some day", **by_lead)
    x["hidden"] = factories.action(closed, title="Internal", due="2026-11-01", **by_japan)
    x["elsewhere"] = factories.action(other, title="Elsewhere", due="2026-08-25", **by_lead)
    return x


def _uid(action) -> str:
    return f"action-{action.id}@meetings.test"


def _feed_url(user, deadlines: bool = False) -> str:
    secret = renew_feed_token(user)
    db.session.commit()
    return f"/calendars/personal/{secret}" + ("/deadlines.ics" if deadlines else ".ics")


def _events(client, url: str) -> dict:
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    return events(response.data)


def test_the_lead_sees_each_open_action_as_an_all_day_event(client, w):
    found = _events(client, _feed_url(w["lead"]))
    # Its own mechanism's and another's; not the completed nor the undated one.
    assert set(found) == {_uid(w[k]) for k in ("mine", "dropped", "elsewhere")}
    event = found[_uid(w["mine"])]
    assert event["DTSTART"].dt == date(2026, 8, 20)
    assert event["DTEND"].dt == date(2026, 8, 21)  # exclusive: the day after
    assert not isinstance(event["DTSTART"].dt, datetime)
    assert event["DTSTART"].params.get("VALUE") == "DATE"
    assert str(event["SUMMARY"]) == "Due: 1-1-3 Hold a regional workshop"
    assert str(event["URL"]) == f"http://meetings.test/actions/{w['mine'].id}"
    assert (str(event["STATUS"]), str(event["TRANSP"])) == ("CONFIRMED", "TRANSPARENT")
    description = str(event["DESCRIPTION"])
    assert "Due: 20 August 2026" in description and "Lead: Lee" in description
    assert event.categories == ["SOM"]
    assert [c.name for c in parse(client.get(_feed_url(w["lead"])).data).walk("VTODO")] == []


def test_a_dropped_action_stays_cancelled_for_a_while_then_leaves(client, w, clock):
    url = _feed_url(w["lead"])
    event = _events(client, url)[_uid(w["dropped"])]
    assert (str(event["STATUS"]), str(event["SUMMARY"])) == ("CANCELLED", "Dropped: Dropped")
    clock.move_to(NOW + timedelta(days=91))
    assert _uid(w["dropped"]) not in _events(client, url)


def test_completing_an_action_takes_it_out(client, w, clock):
    url = _feed_url(w["lead"])
    clock.move_to(NOW + timedelta(hours=1))
    services.post_update(w["mine"], w["lead"].id, status="completed")
    db.session.commit()
    assert _uid(w["mine"]) not in _events(client, url)


def test_the_nfp_sees_the_actions_their_member_state_leads_where_they_may_see_them(client, w):
    found = _events(client, _feed_url(w["nfp"]))
    assert set(found) == {_uid(w["japan"])}  # not the secretariat-only body's
    event = found[_uid(w["japan"])]
    assert (event["DTSTART"].dt, event["DTEND"].dt) == (date(2026, 12, 31), date(2027, 1, 1))
    assert "Due: December 2026" in str(event["DESCRIPTION"])
    assert "Lead: Japan" in str(event["DESCRIPTION"])


def test_others_see_no_actions_in_their_personal_feed(client, w):
    for name in ("sec", "manager", "delegate"):
        assert _events(client, _feed_url(w[name])) == {}, name


def test_actions_come_after_the_meetings_one_follows(client, w):
    meeting = factories.meeting(w["som"], title="SOM-30")
    follow(w["lead"], w["som"])
    db.session.commit()
    found = _events(client, _feed_url(w["lead"]))
    assert next(iter(found)) == meeting.uid
    assert _uid(w["mine"]) in found


def test_uid_is_stable_and_sequence_grows_when_the_due_date_or_status_changes(client, w, clock):
    url = _feed_url(w["lead"])
    first = _events(client, url)[_uid(w["mine"])]
    clock.move_to(NOW + timedelta(hours=1))
    services.update_action(w["mine"], due="2026-09-30")
    db.session.commit()
    second = _events(client, url)[_uid(w["mine"])]
    clock.move_to(NOW + timedelta(hours=2))
    services.post_update(w["mine"], w["lead"].id, status="at_risk")
    db.session.commit()
    third = _events(client, url)[_uid(w["mine"])]
    assert str(first["UID"]) == str(second["UID"]) == str(third["UID"]) == _uid(w["mine"])
    assert first["SEQUENCE"] < second["SEQUENCE"] < third["SEQUENCE"]
    assert second["DTSTART"].dt == date(2026, 9, 30)
    assert third["LAST-MODIFIED"].dt == NOW + timedelta(hours=2)
    assert "Status: At risk" in str(third["DESCRIPTION"])
    # Unchanged, it reads the same bytes.
    assert client.get(url).data == client.get(url).data


def test_the_etag_changes_when_an_action_changes(client, w, clock):
    url = _feed_url(w["lead"])
    etag = client.get(url).headers["ETag"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    services.update_action(w["mine"], due="2026-09-30")
    db.session.commit()
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 200


# The deadlines of a body's staff


def test_the_secretariat_and_managers_see_their_bodies_deadlines(client, w):
    expected = {_uid(w[k]) for k in ("mine", "japan", "escap", "dropped")}
    assert set(_events(client, _feed_url(w["manager"], deadlines=True))) == expected
    # The secretariat of the mechanism looks after its secretariat-only body too.
    assert set(_events(client, _feed_url(w["sec"], deadlines=True))) == expected | {
        _uid(w["hidden"])
    }
    response = client.get(_feed_url(w["sec"], deadlines=True))
    assert response.headers["Cache-Control"] == "private, max-age=600"
    assert response.headers["Content-Disposition"] == 'inline; filename="my-deadlines.ics"'
    assert "X-WR-CALNAME:Deadlines of my bodies' actions" in response.data.decode()


def test_people_not_on_a_bodys_staff_get_an_empty_deadlines_calendar(client, w):
    for name in ("lead", "nfp", "delegate"):
        assert _events(client, _feed_url(w[name], deadlines=True)) == {}, name
    admin = factories.admin()
    assert _events(client, _feed_url(admin, deadlines=True)) == {}


def test_the_deadlines_address_ends_with_the_personal_address(client, w):
    old = _feed_url(w["sec"], deadlines=True)
    new = _feed_url(w["sec"], deadlines=True)
    assert [client.get(u).status_code for u in (old, new)] == [404, 200]
    revoke_feed_token(w["sec"])
    db.session.commit()
    assert client.get(new).status_code == 404
    assert client.get("/calendars/personal/made-up/deadlines.ics").status_code == 404


def test_losing_the_role_empties_the_deadlines(client, w):
    url = _feed_url(w["manager"], deadlines=True)
    assert _events(client, url)
    for role in list(w["manager"].roles):
        db.session.delete(role)
    db.session.commit()
    assert _events(client, url) == {}


# Statements per feed


def _statements(client, url: str) -> int:
    db.session.expire_all()
    with count_queries() as statements:
        assert client.get(url).status_code == 200
    return len(statements)


def test_each_feed_runs_a_fixed_number_of_statements_however_many_actions(
    client, w, feeds_rendered_each_time
):
    urls = [_feed_url(w["lead"]), _feed_url(w["sec"], deadlines=True)]
    for url in urls:
        client.get(url)  # notes the address's use

    def more(n: int) -> None:
        factories.action(
            w["som"],
            title=f"More {n}",
            due=f"2026-0{n + 3}-01",
            lead_kind="person",
            lead_user_id=w["lead"].id,
            meeting_id=factories.meeting(w["som"], title=f"M{n}", start="2025-01-02", end="").id,
        )

    more(0)
    small = [_statements(client, url) for url in urls]
    for n in range(1, 6):
        more(n)
    assert len(_events(client, urls[1])) == 4 + 1 + 6
    assert [_statements(client, url) for url in urls] == small
    # Personal: token and person (3), validator, roles and participations (2), meetings,
    # sessions, actions, their source meetings (to check the reader may see them).
    # Deadlines: the same without meetings and sessions.
    assert small == [10, 8]


def test_a_source_the_reader_may_not_see_is_left_out_of_the_event(client, w):
    som = w["som"]
    closed_meeting = factories.meeting(som, number=9, title="Bureau retreat", start="2026-03-02",
                                       visibility="secretariat", status="held")  # fmt: skip
    draft = factories.document(som, title="Draft of the work plan", status="draft")
    action = factories.action(som, title="Traced", due="2026-09-15", meeting_id=closed_meeting.id,
                              document_id=draft.id, lead_kind="person",
                              lead_user_id=w["lead"].id)  # fmt: skip
    seen_by_lead = str(_events(client, _feed_url(w["lead"]))[_uid(action)]["DESCRIPTION"])
    assert "Bureau retreat" not in seen_by_lead and "Draft of the work plan" not in seen_by_lead
    seen_by_staff = _events(client, _feed_url(w["manager"], deadlines=True))[_uid(action)]
    assert "Bureau retreat, Draft of the work plan" in str(seen_by_staff["DESCRIPTION"])

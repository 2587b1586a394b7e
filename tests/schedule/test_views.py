import re
from datetime import time

import time_machine

from meetings.schedule.models import Meeting, Session
from tests import factories
from tests.conftest import sign_in
from tests.pages import field_errors


def test_meeting_page_shows_month_precision_without_a_day(client):
    meeting = factories.meeting(
        start="2019-09",
        end="",
        title="CAECF 2019",
        city="Nanning",
        country_code="CN",
        timezone="Asia/Shanghai",
        status="held",
    )
    html = client.get(f"/meetings/{meeting.id}").text
    assert "September 2019" in html
    assert "1 September 2019" not in html
    assert "Nanning, China" in html


def test_timetable_in_venue_time_and_reader_time(client):
    meeting = factories.meeting()
    factories.session(meeting, title="Ministerial dialogue", start_time=time(9), end_time=time(12))
    client.set_cookie("tz", "Europe/Paris", domain="meetings.test")
    html = client.get(f"/meetings/{meeting.id}").text
    row = re.search(r'<tr id="session-\d+".*?</tr>', html, re.S).group(0)
    venue, reader = re.findall(r'<td class="time[^"]*"[^>]*>(.*?)</td>', row, re.S)
    assert re.sub(r"<[^>]+>|\s", "", venue) == "09:00–12:00"
    assert re.sub(r"<[^>]+>|\s", "", reader) == "03:00–06:00"
    assert "Asia/Kuala_Lumpur (UTC+8)" in html and "Europe/Paris (UTC+2)" in html


def test_timetable_marks_another_day_for_the_reader(client):
    meeting = factories.meeting()
    factories.session(meeting, start_time=time(8), end_time=time(9))
    client.set_cookie("tz", "America/New_York", domain="meetings.test")
    html = client.get(f"/meetings/{meeting.id}").text
    assert "20:00–21:00" in html and "(Tue 1 Sep 2026)" in html


def test_bad_reader_cookie_is_ignored(client):
    meeting = factories.meeting()
    factories.session(meeting)
    client.set_cookie("tz", "<script>", domain="meetings.test")
    response = client.get(f"/meetings/{meeting.id}")
    assert response.status_code == 200 and "<script>" not in response.text.split("<main")[1]


def test_set_timezone_form_remembers_and_stays_on_site(client):
    response = client.post("/timezone", data={"timezone": "Asia/Tokyo", "next": "//evil.example/"})
    assert response.headers["Location"] == "/"
    assert "tz=Asia/Tokyo" in response.headers["Set-Cookie"]


def test_create_meeting_form_saves_and_redirects(admin_client, db):
    client = admin_client
    som = factories.body(name="Senior Officials Meeting of NEASPEC")
    response = client.post(
        f"/bodies/{som.slug}/meetings/new",
        data={
            "number": "25",
            "title": "",
            "start": "2026-09",
            "end": "",
            "status": "planned",
            "format": "hybrid",
            "timezone": "Asia/Seoul",
            "city": "Incheon",
            "country_code": "kr",
        },
    )
    meeting = db.session.query(Meeting).one()
    assert response.headers["Location"] == f"/meetings/{meeting.id}"
    assert (meeting.title, meeting.country_code, meeting.dates_label) == (
        "25th Senior Officials Meeting of NEASPEC (SOM-25)",
        "KR",
        "September 2026",
    )


def test_meeting_form_errors_are_shown_and_input_kept(admin_client, db):
    client = admin_client
    som = factories.body()
    factories.meeting(som, number=24, start="2020", title="SOM-24")
    response = client.post(
        f"/bodies/{som.slug}/meetings/new",
        data={
            "number": "24",
            "title": "My typed title",
            "start": "2026-09-05",
            "end": "2026-09-02",
            "status": "planned",
            "format": "",
            "timezone": "Asia/Seoul",
            "country_code": "",
        },
    )
    assert response.status_code == 200
    assert field_errors(response.text) == [
        "This body already has a meeting with this number. (SOM-24)",
        "The meeting ends before it starts.",
    ]
    assert 'value="My typed title"' in response.text
    assert db.session.query(Meeting).count() == 1


def test_meeting_form_field_errors_for_unknown_zone_and_country(admin_client, db):
    client = admin_client
    som = factories.body()
    response = client.post(
        f"/bodies/{som.slug}/meetings/new",
        data={
            "title": "x",
            "start": "2026-02-30",
            "status": "planned",
            "format": "",
            "timezone": "Mars/Olympus",
            "country_code": "QQ",
        },
    )
    assert field_errors(response.text) == [
        "2026-02 has no day 30.",
        "Unknown country 'QQ': use an ISO 3166 alpha-2 code such as TH.",
        "Unknown time zone 'Mars/Olympus': use an IANA name such as Asia/Bangkok.",
    ]
    assert db.session.query(Meeting).count() == 0


@time_machine.travel("2026-11-22 10:00Z", tick=False)
def test_schedule_next_prefills_number_title_and_date(client):
    sign_in(client, factories.admin())
    som = factories.body(name="Senior Officials Meeting of NEASPEC", usual_month=11)
    factories.meeting(
        som, number=24, start="2025-11-20", end="2025-11-21", title="SOM-24", timezone="Asia/Seoul"
    )
    html = client.get(f"/bodies/{som.slug}/schedule-next").text
    values = dict(re.findall(r'name="(number|title|start|timezone)"[^>]*value="([^"]*)"', html))
    assert values == {
        "number": "25",
        "title": "25th Senior Officials Meeting of NEASPEC (SOM-25)",
        "start": "2026-11",
        "timezone": "Asia/Seoul",
    }


def test_session_form_refuses_a_day_outside_and_keeps_input(admin_client, db):
    client = admin_client
    meeting = factories.meeting()
    response = client.post(
        f"/meetings/{meeting.id}/sessions/new",
        data={
            "title": "Field visit to Kilim Geoforest Park",
            "kind": "field_visit",
            "day": "2026-09-08",
            "start_time": "09:00",
            "end_time": "16:00",
            "room": "",
        },
    )
    assert field_errors(response.text) == [
        "The meeting runs 2–5 September 2026: a session must fall within it."
    ]
    assert "Field visit to Kilim Geoforest Park" in response.text
    assert db.session.query(Session).count() == 0


def test_session_edit_and_delete(admin_client, db):
    client = admin_client
    meeting = factories.meeting()
    session = factories.session(meeting)
    client.post(
        f"/sessions/{session.id}/edit",
        data={
            "title": "Opening ceremony",
            "kind": "opening",
            "day": "2026-09-02",
            "start_time": "08:30",
            "end_time": "09:30",
            "room": "Hall B",
        },
    )
    assert db.session.get(Session, session.id).title == "Opening ceremony"
    response = client.post(f"/sessions/{session.id}/delete")
    assert response.status_code == 302 and db.session.query(Session).count() == 0


def test_forms_need_a_csrf_token(csrf_app):
    som = factories.body()
    response = csrf_app.test_client().post(
        f"/bodies/{som.slug}/meetings/new",
        data={"title": "x", "start": "2026", "status": "planned", "timezone": "Asia/Seoul"},
    )
    assert response.status_code == 400
    assert "security token" in response.text


def test_unknown_pages_are_404_pages(client):
    response = client.get("/meetings/999999")
    assert response.status_code == 404 and "There is no such page" in response.text


@time_machine.travel("2026-11-22 10:00Z", tick=False)
def test_home_lists_upcoming_then_recent(client):
    factories.meeting(title="Planned forum", start="2027-09", end="", status="planned")
    factories.meeting(title="Held forum", start="2025-09", end="", status="held")
    html = client.get("/").text
    upcoming, recent = html.split("Recent meetings")
    assert "Planned forum" in upcoming and "Held forum" not in upcoming
    assert "Held forum" in recent


def test_delete_meeting_asks_then_deletes_with_sessions(admin_client, db):
    client = admin_client
    meeting = factories.meeting(title="Entered by mistake")
    factories.session(meeting)
    assert "This cannot be undone." in client.get(f"/meetings/{meeting.id}/delete").text
    response = client.post(f"/meetings/{meeting.id}/delete")
    assert response.headers["Location"] == f"/bodies/{meeting.body.slug}"
    assert (db.session.query(Meeting).count(), db.session.query(Session).count()) == (0, 0)


def test_conjunction_is_shown_both_ways(client):
    amme = factories.meeting(title="18th AMME")
    ajmdec = factories.meeting(title="3rd AJMDEC", held_with_id=amme.id)
    assert "18th AMME" in client.get(f"/meetings/{ajmdec.id}").text
    assert "3rd AJMDEC" in client.get(f"/meetings/{amme.id}").text


def test_editing_a_meeting_keeps_its_source_citation(admin_client, db):
    meeting = factories.meeting(source="004 §I.3-4")
    form = admin_client.get(f"/meetings/{meeting.id}/edit").text
    assert "004 §I.3-4" in form
    fields = dict(re.findall(r'<input[^>]*name="(\w+)"[^>]*value="([^"]*)"', form))
    fields.update(status="confirmed", format="in_person", title="Renamed")
    fields["source"] = "004 §I.3-4"
    response = admin_client.post(f"/meetings/{meeting.id}/edit", data=fields)
    assert response.status_code == 302
    db.session.refresh(meeting)
    assert (meeting.title, meeting.source) == ("Renamed", "004 §I.3-4")


def test_a_meeting_with_documents_is_not_deleted_and_the_page_says_why(admin_client, db):
    meeting = factories.meeting(status="held", start="2025-09-02")
    factories.document(meeting=meeting, title="Report of the meeting", type="report")
    response = admin_client.post(f"/meetings/{meeting.id}/delete", follow_redirects=True)
    assert response.status_code == 200
    assert "1 document(s) were tabled or adopted at this meeting" in response.text
    assert db.session.get(Meeting, meeting.id) is not None

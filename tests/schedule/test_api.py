from datetime import time

from tests import factories


def test_meeting_json_has_the_promised_fields(client):
    meeting = factories.meeting(number=3, title="3rd AJMDEC", theme="SPACE 2025")
    data = client.get(f"/api/v1/meetings/{meeting.id}").json
    assert {
        k: data[k]
        for k in (
            "id",
            "url",
            "ical_url",
            "title",
            "number",
            "start_date",
            "end_date",
            "date_precision",
            "timezone",
            "city",
            "country",
            "status",
            "theme",
            "format",
        )
    } == {
        "id": meeting.id,
        "url": f"http://meetings.test/meetings/{meeting.id}",
        "ical_url": f"http://meetings.test/calendars/meetings/{meeting.id}.ics",
        "title": "3rd AJMDEC",
        "number": 3,
        "start_date": "2026-09-02",
        "end_date": "2026-09-05",
        "date_precision": "day",
        "timezone": "Asia/Kuala_Lumpur",
        "city": "Langkawi",
        "country": "MY",
        "status": "confirmed",
        "theme": "SPACE 2025",
        "format": "in_person",
    }
    assert data["body"]["id"] == meeting.body_id
    assert data["sessions"] == []


def test_month_precision_dates_in_json_have_no_day(client):
    meeting = factories.meeting(start="2019-09", end="")
    data = client.get(f"/api/v1/meetings/{meeting.id}").json
    assert (data["start_date"], data["end_date"], data["date_precision"], data["dates"]) == (
        "2019-09",
        "2019-09",
        "month",
        "September 2019",
    )


def test_sessions_in_utc_and_venue_time(client):
    meeting = factories.meeting()
    factories.session(meeting, start_time=time(9), end_time=time(10, 30))
    session = client.get(f"/api/v1/meetings/{meeting.id}").json["sessions"][0]
    assert (session["starts_at"], session["local_starts_at"], session["local_ends_at"]) == (
        "2026-09-02T01:00:00+00:00",
        "2026-09-02T09:00:00+08:00",
        "2026-09-02T10:30:00+08:00",
    )
    assert session["url"].endswith(f"/meetings/{meeting.id}#session-{session['id']}")


def test_meeting_filters(client):
    mech_a, mech_b = factories.mechanism(), factories.mechanism()
    som = factories.body(mech_a)
    factories.meeting(som, title="A 2019", start="2019-09", end="", status="held")
    factories.meeting(som, title="A 2026", start="2026-09-02", status="confirmed")
    factories.meeting(
        factories.body(mech_b), title="B 2026", start="2026-09", end="", status="planned"
    )

    def titles(query):
        return [m["title"] for m in client.get(f"/api/v1/meetings?{query}").json["items"]]

    assert titles(f"mechanism={mech_a.slug}") == ["A 2019", "A 2026"]
    assert titles(f"body={som.id}") == ["A 2019", "A 2026"]
    assert titles("from=2026-09-15&to=2026-12-31") == ["B 2026"]
    assert titles("from=2019-09-10&to=2019-09-10") == ["A 2019"]
    # Month-precision September sorts before 2 September: its period starts on the 1st.
    assert titles("status=planned&status=confirmed") == ["B 2026", "A 2026"]


def test_pagination_envelope(client):
    som = factories.body()
    for year in range(2001, 2006):
        factories.meeting(som, title=f"M{year}", start=str(year), end="")
    page = client.get("/api/v1/meetings?page=2&page_size=2").json
    assert ([m["title"] for m in page["items"]], page["total"], page["page"]) == (
        ["M2003", "M2004"],
        5,
        2,
    )
    assert page["next"].endswith("page=3&page_size=2") or "page=3" in page["next"]
    assert "page=1" in page["previous"]


def test_bad_query_is_a_422_naming_the_field(client):
    responses = {
        "from=2026-13-01": "from",
        "status=maybe": "status",
        "mechanism=atlantis": "mechanism",
        "to=2020-01-01&from=2021-01-01": "to",
        "colour=green": "colour",
        "page_size=100000": "page_size",
    }
    for query, field in responses.items():
        response = client.get(f"/api/v1/meetings?{query}")
        assert response.status_code == 422, query
        assert field in response.json["errors"]["query"], query


def test_unknown_meeting_is_a_json_404(client):
    response = client.get("/api/v1/meetings/424242")
    assert (response.status_code, response.json["message"]) == (404, "No meeting 424242.")


def test_mechanisms_and_bodies(client):
    mech = factories.mechanism(member_states="JP KR CN")
    body = factories.body(mech)
    mechanisms = client.get("/api/v1/mechanisms").json
    assert [s["country"] for s in mechanisms[0]["member_states"]] == ["CN", "JP", "KR"]
    assert mechanisms[0]["ical_url"] == f"http://meetings.test/calendars/mechanisms/{mech.slug}.ics"
    bodies = client.get(f"/api/v1/bodies?mechanism={mech.slug}").json
    assert [(b["id"], b["numbering_style"], b["url"]) for b in bodies] == [
        (body.id, "prefixed", f"http://meetings.test/bodies/{body.slug}")
    ]
    assert client.get(f"/api/v1/bodies/{body.id}").json["mechanism"]["slug"] == mech.slug
    assert client.get(f"/api/v1/mechanisms/{mech.id}").json["bodies"][0]["id"] == body.id

"""/api/v1/actions: who sees which actions, writes by the body's staff, progress posted by
leads, reviews by meetings, filters, and lists in a fixed number of statements."""

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
import time_machine
from openapi_spec_validator import validate

from meetings.actions.models import Action, ActionAttachment, ActionReview, ActionUpdate
from meetings.documents.storage import get_storage
from meetings.extensions import db as _db
from meetings.mechanisms.services import save_programme_area
from tests import factories
from tests.api.test_write_api import bearer
from tests.documents import samples
from tests.test_query_counts import count_queries

URL = "/api/v1/actions"


@pytest.fixture
def mech(app):
    return factories.mechanism(short_name="NEASPEC", member_states="CN JP KR MN")


@pytest.fixture
def body(mech):
    return factories.body(mech)


@pytest.fixture
def held(body):
    return factories.meeting(body, number=23, start="2019-10-01", end="2019-10-03", status="held")


@pytest.fixture
def staff(mech):
    return bearer(factories.secretariat_of(mech))


@pytest.fixture
def delegate(mech):
    return bearer(factories.delegate_of(mech))


def count(db, model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def titles(response) -> list[str]:
    assert response.status_code == 200, response.json
    return [a["title"] for a in response.json["items"]]


def errors(response) -> list[str]:
    assert response.status_code == 422, response.json
    return sorted(response.json["errors"]["json"])


# Reading


def test_anonymous_list_hides_actions_of_restricted_bodies(client, mech, body, staff):
    factories.action(body, title="Hold a workshop")
    restricted = factories.body(mech, slug="bureau", short_name="Bureau", visibility="secretariat")
    factories.action(restricted, title="Draft the budget")
    response = client.get(URL)
    assert titles(response) == ["Hold a workshop"]
    assert (response.json["total"], response.json["next"]) == (1, None)
    assert sorted(titles(client.get(URL, headers=staff))) == ["Draft the budget", "Hold a workshop"]


def test_list_is_ordered_by_due_date_with_undated_actions_last(client, body):
    factories.action(body, title="Undated")
    factories.action(body, title="Later", due="2027")
    factories.action(body, title="Sooner", due="2026-06")
    assert titles(client.get(URL)) == ["Sooner", "Later", "Undated"]


def test_list_pages_keep_the_filters(client, body):
    for n in range(3):
        factories.action(body, title=f"Action {n}", due=f"203{n}")
    data = client.get(URL, query_string={"page_size": 2, "body": body.slug}).json
    assert ([a["title"] for a in data["items"]], data["total"]) == (["Action 0", "Action 1"], 3)
    assert data["next"] == f"http://meetings.test{URL}?page_size=2&body={body.slug}&page=2"
    assert [a["title"] for a in client.get(data["next"]).json["items"]] == ["Action 2"]


def test_list_filters_by_overdue_status_and_lead_country(client, mech, body):
    with_lead = {"lead_kind": "member_state"}
    factories.action(body, title="Late", due="2025-12", lead_country="MN", **with_lead)
    factories.action(body, title="Done", due="2025-06", status="completed")
    factories.action(
        body, title="Ahead", due="2027", status="on_track", lead_country="JP", **with_lead
    )
    factories.action(body, title="Undated", status="at_risk")
    with time_machine.travel(datetime(2026, 3, 1, tzinfo=UTC), tick=False):
        assert titles(client.get(URL, query_string={"overdue": "true"})) == ["Late"]
        assert titles(client.get(URL, query_string={"overdue": "false"})) == [
            "Done",
            "Ahead",
            "Undated",
        ]
        assert [a["overdue"] for a in client.get(URL).json["items"]] == [False, True, False, False]
    statuses = [("status", "on_track"), ("status", "at_risk")]
    assert titles(client.get(URL, query_string=statuses)) == ["Ahead", "Undated"]
    assert titles(client.get(URL, query_string={"lead_country": "mn"})) == ["Late"]
    window = {"due_after": "2025-07-01", "due_before": "2026-12-31"}
    assert titles(client.get(URL, query_string=window)) == ["Late"]


def test_list_filters_by_source_area_lead_person_and_mechanism(client, mech, body, held):
    area = save_programme_area(mech, code="1", name="Air pollution")
    _db.session.commit()
    report = factories.document(meeting=held, title="Report", type="report")
    person = factories.user(name="Ms Officer")
    factories.action(body, title="From the meeting", meeting_id=held.id)
    factories.action(body, title="From the report", document_id=report.id)
    factories.action(body, title="In the area", programme_area_id=area.id)
    factories.action(body, title="Led by her", lead_kind="person", lead_user_id=person.id)
    factories.action(factories.body(), title="Elsewhere")
    assert titles(client.get(URL, query_string={"meeting": held.id})) == ["From the meeting"]
    assert titles(client.get(URL, query_string={"document": report.id})) == ["From the report"]
    assert titles(client.get(URL, query_string={"programme_area": area.id})) == ["In the area"]
    assert titles(client.get(URL, query_string={"lead_user": person.id})) == ["Led by her"]
    assert len(titles(client.get(URL, query_string={"mechanism": mech.slug}))) == 4


@pytest.mark.parametrize(
    ("args", "name"),
    [
        ({"colour": "red"}, "colour"),
        ({"status": "finished"}, "status"),
        ({"overdue": "perhaps"}, "overdue"),
        ({"due_before": "2025"}, "due_before"),
        ({"due_after": "2026-01-01", "due_before": "2025-01-01"}, "due_before"),
        ({"lead_country": "MNG"}, "lead_country"),
        ({"body": "nowhere"}, "body"),
        ({"mechanism": "nowhere"}, "mechanism"),
        ({"meeting": 99999}, "meeting"),
        ({"document": 99999}, "document"),
        ({"programme_area": 99999}, "programme_area"),
    ],
)
def test_bad_query_arguments_are_a_422_naming_them(client, body, args, name):
    response = client.get(URL, query_string=args)
    assert response.status_code == 422
    assert list(response.json["errors"]["query"]) == [name]


def test_a_restricted_meeting_is_no_filter_for_the_public(client, body):
    closed = factories.meeting(body, number=9, start="2020-05-01", visibility="secretariat")
    response = client.get(URL, query_string={"meeting": closed.id})
    assert list(response.json["errors"]["query"]) == ["meeting"]


def test_detail_shows_source_lead_due_children_updates_and_reviews(client, mech, body, held, staff):
    area = save_programme_area(mech, code="1-1", name="Transparency")
    _db.session.commit()
    report = factories.document(meeting=held, title="Report", type="report", symbol="SOM-23/R")
    later = factories.meeting(body, number=24, start="2020-10-01", status="held")
    lead = factories.user(name="Ms Officer")
    parent = factories.action(
        body,
        title="Develop NEACAP",
        item="1-1-3",
        meeting_id=held.id,
        document_id=report.id,
        programme_area_id=area.id,
        lead_kind="person",
        lead_user_id=lead.id,
        partners="UNEP",
        due="2020/2021",
        recurrence="annually",
    )
    child = factories.action(body, title="Pilot study", parent_id=parent.id)
    client.post(
        f"{URL}/{parent.id}/updates", json={"text": "Begun", "status": "on_track"}, headers=staff
    )
    client.post(
        f"{URL}/{parent.id}/reviews",
        json={"meeting_id": later.id, "conclusion": "extended", "new_due": "2022"},
        headers=staff,
    )

    data = client.get(f"{URL}/{parent.id}").json
    assert (data["item"], data["title"], data["status"], data["partners"]) == (
        "1-1-3",
        "Develop NEACAP",
        "on_track",
        "UNEP",
    )
    assert (data["body"]["id"], data["mechanism"]["short_name"]) == (body.id, "NEASPEC")
    assert (data["meeting"]["id"], data["meeting"]["title"]) == (held.id, held.title)
    assert (data["document"]["id"], data["document"]["symbol"]) == (report.id, "SOM-23/R")
    assert data["programme_area"] == {"id": area.id, "code": "1-1", "name": "Transparency"}
    assert data["lead"] == {
        "kind": "person",
        "label": "Ms Officer",
        "organisation": "",
        "country": None,
        "country_name": None,
        "user": {"id": lead.id, "name": "Ms Officer"},
    }
    assert (data["due"], data["due_precision"], data["due_label"], data["recurrence"]) == (
        "2022",
        "year",
        "2022, annually",
        "annually",
    )
    assert [(c["title"], c["url"]) for c in data["children"]] == [
        ("Pilot study", f"http://meetings.test{URL}/{child.id}")
    ]
    [update] = data["updates"]
    assert (update["status_before"], update["status_after"], update["text"]) == (
        "not_started",
        "on_track",
        "Begun",
    )
    [review] = data["reviews"]
    assert (review["meeting"]["id"], review["conclusion"], review["new_due"]) == (
        later.id,
        "extended",
        "2022",
    )
    assert review["previous_due_end"] == "2021-12-31"
    child = client.get(data["children"][0]["url"]).json
    assert (child["parent"]["id"], child["parent_id"]) == (parent.id, parent.id)


def test_a_period_and_a_due_meeting_are_given_as_such(client, body, held):
    period = factories.action(body, title="Period", due="2021-03/2025-06")
    next_som = factories.meeting(body, number=24, start="2026-11-10", status="planned")
    tied = factories.action(body, title="Tied", due_meeting_id=next_som.id)
    data = client.get(f"{URL}/{period.id}").json
    assert (data["due"], data["due_precision"]) == ("2021-03/2025-06", "month")
    data = client.get(f"{URL}/{tied.id}").json
    assert (data["due"], data["due_meeting"]["id"]) == ("2026-11-10", next_som.id)


def test_hidden_or_missing_action_is_a_404(client, mech, delegate):
    restricted = factories.body(mech, visibility="secretariat")
    action = factories.action(restricted)
    assert client.get(f"{URL}/{action.id}").status_code == 404
    assert client.get(f"{URL}/{action.id}", headers=delegate).status_code == 404
    assert client.get(f"{URL}/99999").status_code == 404
    update = client.post(f"{URL}/{action.id}/updates", json={"text": "X"}, headers=delegate)
    assert update.status_code == 404


def test_reviews_of_meetings_the_reader_may_not_see_are_left_out(client, body, staff):
    closed = factories.meeting(body, number=9, start="2020-05-01", visibility="secretariat")
    action = factories.action(body)
    response = client.post(
        f"{URL}/{action.id}/reviews",
        json={"meeting_id": closed.id, "conclusion": "noted"},
        headers=staff,
    )
    assert response.status_code == 201
    assert client.get(f"{URL}/{action.id}").json["reviews"] == []
    assert len(client.get(f"{URL}/{action.id}", headers=staff).json["reviews"]) == 1


def test_a_source_meeting_the_reader_may_not_see_is_null(client, body, staff):
    closed = factories.meeting(body, number=9, start="2020-05-01", visibility="secretariat")
    action = factories.action(body, meeting_id=closed.id)
    assert client.get(f"{URL}/{action.id}").json["meeting"] is None
    assert [a["meeting"] for a in client.get(URL).json["items"]] == [None]
    assert client.get(f"{URL}/{action.id}", headers=staff).json["meeting"]["id"] == closed.id


# Writing


def test_staff_create_and_patch_an_action(client, db, body, held, staff):
    new = {
        "body_id": body.id,
        "meeting_id": held.id,
        "item": "1-2",
        "title": "Hold a regional workshop",
        "lead_kind": "member_state",
        "lead_country": "mn",
        "due": "2020-06",
    }
    response = client.post(URL, json=new, headers=staff)
    assert response.status_code == 201
    data = response.json
    location = response.headers["Location"]
    assert location == f"http://meetings.test{URL}/{data['id']}"
    assert (data["status"], data["due"], data["lead"]["country"], data["updates"]) == (
        "not_started",
        "2020-06",
        "MN",
        [],
    )

    response = client.patch(
        location, json={"status": "at_risk", "partners": "ESCAP"}, headers=staff
    )
    assert response.status_code == 200
    data = response.json
    assert (data["status"], data["partners"], data["item"], data["due"]) == (
        "at_risk",
        "ESCAP",
        "1-2",
        "2020-06",
    )
    assert (data["meeting"]["id"], data["lead"]["country"]) == (held.id, "MN")
    [update] = data["updates"]
    assert (update["status_before"], update["status_after"]) == ("not_started", "at_risk")
    assert client.patch(location, json={}, headers=staff).json == data


def test_body_manager_creates_actions_of_their_body_only(client, db, mech, body, delegate):
    manager = bearer(factories.manager_of(body))
    other = factories.body(mech, slug="other", short_name="WG")
    new = {"title": "Prepare the report"}
    assert client.post(URL, json={**new, "body_id": body.id}, headers=manager).status_code == 201
    assert client.post(URL, json={**new, "body_id": other.id}, headers=manager).status_code == 403
    assert client.post(URL, json={**new, "body_id": body.id}, headers=delegate).status_code == 403
    assert count(db, Action) == 1


def test_unknown_or_hidden_body_is_a_422_naming_body_id(client, db, staff):
    hidden = factories.body(factories.mechanism(visibility="secretariat"))
    for body_id in (hidden.id, 99999):
        response = client.post(URL, json={"body_id": body_id, "title": "X"}, headers=staff)
        assert errors(response) == ["body_id"]
    assert count(db, Action) == 0


def test_a_due_date_before_the_source_meeting_is_a_422_and_nothing_is_saved(
    client, db, body, held, staff
):
    new = {"body_id": body.id, "title": "Report back", "meeting_id": held.id, "due": "2019-09-30"}
    response = client.post(URL, json=new, headers=staff)
    assert errors(response) == ["due"]
    assert response.json["errors"]["json"]["due"] == [
        f"Due before its source meeting ({held.title}, {held.dates_label})."
    ]
    assert count(db, Action) == 0


def test_input_errors_name_each_field(client, db, body, staff):
    bad = {"body_id": body.id, "title": "", "status": "finished", "colour": "red", "due": "soon"}
    assert errors(client.post(URL, json=bad, headers=staff)) == ["colour", "status"]
    bad = {"body_id": body.id, "title": "", "due": "soon", "lead_kind": "organisation"}
    assert errors(client.post(URL, json=bad, headers=staff)) == [
        "due",
        "lead_organisation",
        "title",
    ]
    assert count(db, Action) == 0


def test_nul_characters_are_refused_and_nothing_is_saved(client, db, body, staff):
    new = {"body_id": body.id, "title": "Hold\x00 a workshop", "partners": "UN\x00EP"}
    response = client.post(URL, json=new, headers=staff)
    assert response.status_code == 400
    assert "NUL characters are not allowed" in response.json["message"]
    action = factories.action(body)
    update = {"text": "Done\x00"}
    assert client.post(f"{URL}/{action.id}/updates", json=update, headers=staff).status_code == 400
    assert (count(db, Action), count(db, ActionUpdate)) == (1, 0)


def test_a_dropped_action_is_not_completed_by_patch_and_nothing_is_saved(client, db, body, staff):
    action = factories.action(body, status="dropped", partners="UNEP")
    change = {"status": "completed", "partners": "ESCAP"}
    response = client.patch(f"{URL}/{action.id}", json=change, headers=staff)
    assert errors(response) == ["status"]
    assert "reopened" in response.json["errors"]["json"]["status"][0]
    db.session.expire_all()
    assert (action.status.value, action.partners, count(db, ActionUpdate)) == ("dropped", "UNEP", 0)


def test_a_sub_action_loop_is_a_422_naming_parent_id(client, db, body, staff):
    parent = factories.action(body, title="Develop NEACAP")
    child = factories.action(body, title="Pilot study", parent_id=parent.id)
    change = {"parent_id": child.id, "title": "Renamed"}
    response = client.patch(f"{URL}/{parent.id}", json=change, headers=staff)
    assert errors(response) == ["parent_id"]
    db.session.expire_all()
    assert (parent.parent_id, parent.title) == (None, "Develop NEACAP")


def test_links_the_writer_may_not_see_are_a_422_naming_them(client, db, mech, body):
    bureau = factories.body(mech, slug="bureau", short_name="Bureau", visibility="secretariat")
    closed = factories.meeting(bureau, number=1, start="2020-05-01")
    hidden = factories.action(bureau)
    manager = bearer(factories.manager_of(body))
    links = {"meeting_id": closed.id, "due_meeting_id": closed.id, "parent_id": hidden.id}
    for field, value in links.items():
        new = {"body_id": body.id, "title": "X", field: value}
        assert errors(client.post(URL, json=new, headers=manager)) == [field]
    assert count(db, Action) == 1


def test_read_token_cannot_write(client, db, mech, body, held):
    reader = bearer(factories.secretariat_of(mech), scope="read")
    action = factories.action(body)
    assert client.get(f"{URL}/{action.id}", headers=reader).status_code == 200
    new = {"body_id": body.id, "title": "Another"}
    assert client.post(URL, json=new, headers=reader).status_code == 403
    assert (
        client.patch(f"{URL}/{action.id}", json={"title": "X"}, headers=reader).status_code == 403
    )
    update = {"text": "Progress"}
    assert client.post(f"{URL}/{action.id}/updates", json=update, headers=reader).status_code == 403
    review = {"meeting_id": held.id, "conclusion": "noted"}
    assert client.post(f"{URL}/{action.id}/reviews", json=review, headers=reader).status_code == 403
    assert (count(db, Action), count(db, ActionUpdate), count(db, ActionReview)) == (1, 0, 0)


def test_anonymous_writes_are_a_401(client, db, body, held):
    action = factories.action(body)
    assert client.post(URL, json={"body_id": body.id, "title": "X"}).status_code == 401
    assert client.patch(f"{URL}/{action.id}", json={}).status_code == 401
    assert client.post(f"{URL}/{action.id}/updates", json={"text": "X"}).status_code == 401
    review = {"meeting_id": held.id, "conclusion": "noted"}
    assert client.post(f"{URL}/{action.id}/reviews", json=review).status_code == 401


# Progress


def test_the_lead_person_and_the_nfp_of_the_lead_country_post_progress(
    client, db, mech, body, delegate
):
    person = factories.user(name="Ms Officer")
    led_by_her = factories.action(body, title="Hers", lead_kind="person", lead_user_id=person.id)
    led_by_mn = factories.action(
        body, title="Mongolia's", lead_kind="member_state", lead_country="MN"
    )
    her, mn_nfp = bearer(person), bearer(factories.nfp_of(mech, "MN"))
    jp_nfp = bearer(factories.nfp_of(mech, "JP"))

    response = client.post(f"{URL}/{led_by_her.id}/updates", json={"text": "Drafted"}, headers=her)
    assert response.status_code == 201
    assert (response.json["author"], response.json["text"]) == (
        {"id": person.id, "name": "Ms Officer"},
        "Drafted",
    )
    change = {"status": "at_risk", "text": "Funding late"}
    response = client.post(f"{URL}/{led_by_mn.id}/updates", json=change, headers=mn_nfp)
    assert (response.status_code, response.json["status_after"]) == (201, "at_risk")

    for headers in (jp_nfp, delegate, mn_nfp):
        response = client.post(
            f"{URL}/{led_by_her.id}/updates", json={"text": "X"}, headers=headers
        )
        assert response.status_code == 403
    assert (
        client.post(f"{URL}/{led_by_mn.id}/updates", json={"text": "X"}, headers=her).status_code
        == 403
    )
    assert count(db, ActionUpdate) == 2
    assert client.get(f"{URL}/{led_by_mn.id}").json["status"] == "at_risk"


def test_the_lead_may_not_change_or_review_the_action(client, db, body, held):
    person = factories.user(name="Ms Officer")
    action = factories.action(body, lead_kind="person", lead_user_id=person.id)
    her = bearer(person)
    assert client.patch(f"{URL}/{action.id}", json={"title": "X"}, headers=her).status_code == 403
    review = {"meeting_id": held.id, "conclusion": "noted"}
    assert client.post(f"{URL}/{action.id}/reviews", json=review, headers=her).status_code == 403


def test_a_bad_transition_or_an_empty_update_is_a_422(client, db, body, staff):
    action = factories.action(body, status="dropped")
    response = client.post(
        f"{URL}/{action.id}/updates", json={"status": "completed"}, headers=staff
    )
    assert errors(response) == ["status"]
    assert errors(client.post(f"{URL}/{action.id}/updates", json={}, headers=staff)) == ["text"]
    response = client.post(f"{URL}/{action.id}/updates", json={"status": "over"}, headers=staff)
    assert errors(response) == ["status"]
    assert count(db, ActionUpdate) == 0


# Reviews


def test_staff_record_reviews_that_extend_and_close(client, db, body, held, staff):
    later = factories.meeting(body, number=24, start="2020-10-01", status="held")
    action = factories.action(body, meeting_id=held.id, due="2020")
    extend = {
        "meeting_id": held.id,
        "conclusion": "extended",
        "note": "One more year",
        "new_due": "2021",
    }
    response = client.post(f"{URL}/{action.id}/reviews", json=extend, headers=staff)
    assert response.status_code == 201
    assert (response.json["conclusion"], response.json["new_due"], response.json["note"]) == (
        "extended",
        "2021",
        "One more year",
    )
    assert (response.json["previous_due"], response.json["previous_due_end"]) == (
        "2020",
        "2020-12-31",
    )
    close = {"meeting_id": later.id, "conclusion": "closed"}
    assert client.post(f"{URL}/{action.id}/reviews", json=close, headers=staff).status_code == 201
    data = client.get(f"{URL}/{action.id}").json
    assert (data["status"], data["due"]) == ("completed", "2021")
    assert [r["conclusion"] for r in data["reviews"]] == ["extended", "closed"]


def test_review_errors_name_their_field_and_save_nothing(client, db, mech, body, held, staff):
    action = factories.action(body, due="2020")
    elsewhere = factories.meeting(factories.body(mech), start="2020-01-01")
    url = f"{URL}/{action.id}/reviews"
    assert errors(client.post(url, json={}, headers=staff)) == ["conclusion", "meeting_id"]
    wrong = {"meeting_id": elsewhere.id, "conclusion": "noted"}
    assert errors(client.post(url, json=wrong, headers=staff)) == ["meeting_id"]
    early = {"meeting_id": held.id, "conclusion": "extended", "new_due": "2019"}
    assert errors(client.post(url, json=early, headers=staff)) == ["new_due"]
    unknown = {"meeting_id": 99999, "conclusion": "noted"}
    assert errors(client.post(url, json=unknown, headers=staff)) == ["meeting_id"]
    ahead = factories.meeting(body, number=40, start="2040-10-01", status="planned")
    future = {"meeting_id": ahead.id, "conclusion": "noted"}
    assert errors(client.post(url, json=future, headers=staff)) == ["meeting_id"]
    assert count(db, ActionReview) == 0


def test_a_delegate_may_not_review(client, db, body, held, delegate):
    action = factories.action(body)
    review = {"meeting_id": held.id, "conclusion": "noted"}
    assert (
        client.post(f"{URL}/{action.id}/reviews", json=review, headers=delegate).status_code == 403
    )
    assert count(db, ActionReview) == 0


# Attachments


def _attach(action: Action, data: bytes, filename: str = "report.txt") -> ActionAttachment:
    """A progress update with a file, stored as the services would store it."""
    update = ActionUpdate(
        action=action, status_before=action.status, status_after=action.status, text="See file"
    )
    key = get_storage().put(data)
    row = ActionAttachment(
        update=update,
        storage_key=key,
        filename=filename,
        media_type="text/plain",
        kind="txt",
        size=len(data),
    )
    _db.session.add_all([update, row])
    _db.session.commit()
    return row


def test_attachments_are_listed_and_downloaded_by_whoever_sees_the_action(client, mech, body):
    action = factories.action(body)
    row = _attach(action, b"Workshop held in Ulaanbaatar.\n")
    [update] = client.get(f"{URL}/{action.id}").json["updates"]
    [attachment] = update["attachments"]
    url = attachment["download_url"]
    assert url == f"http://meetings.test{URL}/{action.id}/attachments/{row.id}/content"
    response = client.get(url)
    assert (response.status_code, response.data) == (200, b"Workshop held in Ulaanbaatar.\n")
    assert response.headers["Content-Disposition"].startswith('inline; filename="report.txt"')
    again = client.get(url, headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    other = factories.action(body, title="Other")
    assert client.get(f"{URL}/{other.id}/attachments/{row.id}/content").status_code == 404


def test_attachments_of_hidden_actions_are_a_404(client, mech):
    action = factories.action(factories.body(mech, visibility="secretariat"))
    row = _attach(action, b"Secret.\n")
    assert client.get(f"{URL}/{action.id}/attachments/{row.id}/content").status_code == 404


# Progress with files (multipart/form-data)


def post_files(client, action_id, headers, files, **form):
    """A progress report with files: `files` is a list of (filename, bytes)."""
    data = {**form, "files": [(io.BytesIO(content), name) for name, content in files]}
    return client.post(
        f"{URL}/{action_id}/updates",
        data=data,
        headers=headers,
        content_type="multipart/form-data",
    )


def stored_files(app) -> list[Path]:
    root = Path(app.config["DOCUMENT_STORAGE_PATH"])
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def saved_nothing(app, db) -> bool:
    return (count(db, ActionUpdate), count(db, ActionAttachment), stored_files(app)) == (0, 0, [])


@pytest.fixture
def lead(app):
    return factories.user(name="Ms Officer")


@pytest.fixture
def led(body, lead):
    return factories.action(body, title="Hers", lead_kind="person", lead_user_id=lead.id)


def test_a_lead_posts_progress_with_files_and_downloads_them(app, client, db, led, lead):
    pdf, text = samples.pdf(), samples.TEXT
    files = [("Workshop report.pdf", pdf), ("notes.txt", text)]
    response = post_files(
        client, led.id, bearer(lead), files, status="at_risk", text="Workshop held"
    )
    assert response.status_code == 201, response.json
    data = response.json
    assert (data["text"], data["status_after"], data["author"]["name"]) == (
        "Workshop held",
        "at_risk",
        "Ms Officer",
    )
    assert [(a["filename"], a["kind"], a["size"]) for a in data["attachments"]] == [
        ("Workshop report.pdf", "pdf", len(pdf)),
        ("notes.txt", "txt", len(text)),
    ]
    first, second = data["attachments"]
    assert first["download_url"] == (
        f"http://meetings.test{URL}/{led.id}/attachments/{first['id']}/content"
    )
    download = client.get(first["download_url"], headers=bearer(lead))
    assert (download.status_code, download.data) == (200, pdf)
    assert download.headers["Content-Type"] == "application/pdf"
    download = client.get(second["download_url"], headers=bearer(lead))
    assert (download.status_code, download.data) == (200, text)
    assert download.headers["Content-Type"] == "text/plain; charset=utf-8"
    [update] = client.get(f"{URL}/{led.id}").json["updates"]
    assert [a["id"] for a in update["attachments"]] == [first["id"], second["id"]]
    assert (count(db, ActionAttachment), len(stored_files(app))) == (2, 2)


def test_a_form_without_files_posts_progress_like_json(client, db, led, lead):
    response = post_files(client, led.id, bearer(lead), [], text="Drafted")
    assert (response.status_code, response.json["text"], response.json["attachments"]) == (
        201,
        "Drafted",
        [],
    )
    url, her = f"{URL}/{led.id}/updates", bearer(lead)
    response = client.post(url, data={"status": "on_track"}, headers=her)  # urlencoded
    assert (response.status_code, response.json["status_after"]) == (201, "on_track")
    response = client.post(url, data="", headers=her, content_type="application/json")
    assert (response.status_code, list(response.json["errors"])) == (422, ["json"])
    assert count(db, ActionUpdate) == 2


def test_only_leads_and_staff_post_files_and_a_refusal_stores_nothing(
    app, client, db, mech, led, delegate, staff
):
    files = [("report.pdf", samples.pdf())]
    for headers in (delegate, bearer(factories.nfp_of(mech, "JP"))):
        response = post_files(client, led.id, headers, files, text="Mine")
        assert response.status_code == 403
    response = post_files(client, led.id, {}, files, text="Anonymous")
    assert response.status_code == 401
    assert saved_nothing(app, db)
    assert post_files(client, led.id, staff, files, text="Ours").status_code == 201


def test_an_html_file_is_a_422_naming_files_and_nothing_is_saved(app, client, db, led, lead):
    files = [("report.pdf", samples.pdf()), ("notes.pdf", samples.HTML)]
    response = post_files(client, led.id, bearer(lead), files, status="at_risk", text="See")
    assert response.status_code == 422
    assert list(response.json["errors"]) == ["files"]
    [message] = response.json["errors"]["files"]["files"]
    assert message.startswith("“notes.pdf” is an HTML page, which is not allowed.")
    assert saved_nothing(app, db)
    assert client.get(f"{URL}/{led.id}").json["status"] == "not_started"


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ([("empty.pdf", b"")], "“empty.pdf” is empty."),
        ([("", b"")], "“The file” is empty."),
        ([("page.html", samples.HTML)], "“page.html” is an HTML page"),
        ([("setup.pdf", samples.EXE)], "“setup.pdf” is a program"),
        ([("photo.pdf", samples.png())], "The content of “photo.pdf” does not match"),
        ([(f"n{n}.txt", b"Note %d" % n) for n in range(11)], "Attach at most 10 files"),
    ],
)
def test_refused_files_say_why_and_save_nothing(app, client, db, led, lead, files, message):
    response = post_files(client, led.id, bearer(lead), files, text="See the files")
    assert (response.status_code, list(response.json["errors"])) == (422, ["files"])
    assert response.json["errors"]["files"]["files"][0].startswith(message)
    assert saved_nothing(app, db)


def test_a_too_large_file_is_refused(app, client, db, led, lead):
    app.config["DOCUMENT_MAX_BYTES"] = 1024
    files = [("minutes.txt", samples.TEXT * 100)]
    response = post_files(client, led.id, bearer(lead), files, text="Minutes")
    assert response.status_code == 422
    assert "larger than" in response.json["errors"]["files"]["files"][0]
    assert saved_nothing(app, db)


def test_form_errors_and_file_errors_are_named_together(app, client, db, body, staff):
    action = factories.action(body, status="dropped")
    files = [("page.html", samples.HTML)]
    response = post_files(client, action.id, staff, files, status="completed")
    assert response.status_code == 422
    assert sorted(response.json["errors"]) == ["files", "form"]
    assert list(response.json["errors"]["form"]) == ["status"]
    assert response.json["errors"]["files"]["files"][0].startswith("“page.html” is")
    assert saved_nothing(app, db)


def test_bad_form_parts_are_a_422_naming_them(app, client, db, led, lead):
    url, headers = f"{URL}/{led.id}/updates", bearer(lead)
    form = "multipart/form-data"
    response = post_files(client, led.id, headers, [("a.txt", b"A")], status="over")
    assert response.status_code == 422
    assert response.json["errors"] == {
        "form": {"status": response.json["errors"]["form"]["status"]}
    }
    response = client.post(url, data={"files": "report.pdf"}, headers=headers, content_type=form)
    assert response.json["errors"]["form"]["files"] == [
        "Send each file as a file part, with its filename."
    ]
    other = {"file": (io.BytesIO(b"A"), "a.txt"), "text": "X"}
    response = client.post(url, data=other, headers=headers, content_type=form)
    assert (response.status_code, list(response.json["errors"]["files"])) == (422, ["file"])
    response = client.post(url, data={"text": "A\x00B"}, headers=headers, content_type=form)
    assert (response.status_code, response.json["message"]) == (
        400,
        "NUL characters are not allowed (form field 'text').",
    )
    response = client.post(url, data={}, headers=headers, content_type=form)
    assert list(response.json["errors"]["form"]) == ["text"]
    response = client.post(url, data=b"--x--", headers=headers, content_type=form)
    assert response.status_code == 422
    assert saved_nothing(app, db)


def test_the_openapi_document_describes_json_and_multipart_progress(client):
    spec = client.get("/api/v1/openapi.json").json
    validate(spec)
    operation = spec["paths"]["/api/v1/actions/{action_id}/updates"]["post"]
    assert "parameters" not in operation or operation["parameters"] == []
    content = operation["requestBody"]["content"]
    assert set(content) == {"application/json", "multipart/form-data"}
    ref = content["multipart/form-data"]["schema"]["$ref"]
    schema = spec["components"]["schemas"][ref.split("/")[-1]]
    assert set(schema["properties"]) == {"status", "text", "files"}
    assert schema["properties"]["files"]["items"] == {"type": "string", "format": "binary"}
    assert schema["properties"]["files"]["maxItems"] == 10
    json_ref = content["application/json"]["schema"]["$ref"]
    assert set(spec["components"]["schemas"][json_ref.split("/")[-1]]["properties"]) == {
        "status",
        "text",
    }
    assert {"201", "403", "404", "422"} <= set(operation["responses"])


# Statements


def _grow(mech, body, held, n: int) -> None:
    """n actions with a source meeting and document, a lead person, an area and an update."""
    area = save_programme_area(mech, code=f"A{count(_db, Action)}", name="Area")
    _db.session.commit()
    for _ in range(n):
        report = factories.document(meeting=held, title="Report", type="report")
        lead = factories.user(name="Lead")
        action = factories.action(
            body,
            meeting_id=held.id,
            document_id=report.id,
            programme_area_id=area.id,
            lead_kind="person",
            lead_user_id=lead.id,
            due="2030",
        )
        factories.action(body, title="Sub-action", parent_id=action.id, due_meeting_id=held.id)
        _attach(action, f"Update {action.id}\n".encode())


def _statements(client, urls: list[str], headers=None) -> list[int]:
    counts = []
    for url in urls:
        with count_queries() as statements:
            assert client.get(url, headers=headers).status_code == 200, url
        counts.append(len(statements))
    return counts


def test_list_and_detail_query_counts_do_not_grow(client, mech, body, held, staff):
    _grow(mech, body, held, 1)
    first = _db.session.scalars(sa.select(Action.id).order_by(Action.id)).first()
    urls = [URL, f"{URL}?overdue=false&body={body.slug}", f"{URL}/{first}"]
    client.get(URL, headers=staff)  # a token's first use is recorded once
    few = (_statements(client, urls), _statements(client, urls, staff))
    _grow(mech, body, held, 4)
    assert (_statements(client, urls), _statements(client, urls, staff)) == few

"""The follow-up action pages as people use them: the secretariat creates actions from a meeting
or a document, leads post progress with files, and the next meeting reviews them."""

import html
import io
import re
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
import time_machine

from meetings.actions import services
from meetings.actions.attachments import save_attachment
from meetings.actions.forms import CHOOSE_AGAIN
from meetings.actions.models import (
    Action,
    ActionAttachment,
    ActionReview,
    ActionStatus,
    ActionUpdate,
    Conclusion,
)
from meetings.actions.views import REPORT_REASON
from meetings.audit.models import AuditAction, AuditEntry
from meetings.bodies.models import Body
from meetings.documents.files import ALLOWED_TEXT, identify
from meetings.documents.services import Upload
from meetings.extensions import db
from meetings.mechanisms.services import save_programme_area
from meetings.schedule.models import Meeting
from tests import factories
from tests.conftest import sign_in
from tests.documents import samples
from tests.pages import field_errors
from tests.test_query_counts import count_queries


def at(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def mech(app):
    return factories.mechanism(short_name="NEASPEC", member_states="CN JP KR MN")


@pytest.fixture
def som(mech):
    return factories.body(mech, short_name="SOM", name="Senior Officials Meeting")


@pytest.fixture
def som23(som):
    return factories.meeting(
        som, number=23, title="SOM-23", start="2019-10-01", end="2019-10-03", status="held"
    )


@pytest.fixture
def som24(som, som23):
    return factories.meeting(
        som, number=24, title="SOM-24", start="2020-10-20", end="2020-10-21", status="held"
    )


@pytest.fixture
def officer(mech):
    return factories.secretariat_of(mech, name="Ms Secretariat")


@pytest.fixture
def staff(app, officer):
    client = app.test_client()
    sign_in(client, officer)
    return client


@contextmanager
def on(client, user, *moment):
    """Sign in again at that moment: a session cookie from the future is not accepted."""
    with time_machine.travel(at(*moment), tick=False):
        sign_in(client, user)
        yield


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def stored_files(app) -> list[Path]:
    root = Path(app.config["DOCUMENT_STORAGE_PATH"])
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def text_of(page: str) -> str:
    """The page's words as a reader sees them: without tags, on one line."""
    inline = re.sub(r"</?(?:a|span|time|strong)\b[^>]*>", "", page)
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", inline)))


def section(page: str, anchor: str) -> str:
    return page.split(f'id="{anchor}"', 1)[1]


def action_form(**changes) -> dict:
    data = {
        "item": "1-1-3",
        "title": "Hold a regional workshop on air quality",
        "description": "With the national focal points.",
        "meeting_id": "",
        "document_id": "",
        "lead_kind": "member_state",
        "lead_organisation": "",
        "lead_country": "MN",
        "lead_user_id": "",
        "partners": "ESCAP, UNEP",
        "programme_area_id": "",
        "due": "2021/2025",
        "due_meeting_id": "",
        "recurrence": "annually",
        "schedule_note": "",
        "status": "on_track",
        "parent_id": "",
        "position": "",
        "source": "seeds/004",
    }
    data.update(changes)
    return data


def progress(client, action, text="", status="", files=()):
    data = {"text": text, "status": status}
    if files:
        data["attachments"] = [(io.BytesIO(content), name) for name, content in files]
    return client.post(f"/actions/{action.id}/progress", data=data)


# ---- creating actions -------------------------------------------------------------------------


def test_create_from_a_meeting_is_traced_to_it(staff, mech, som, som23):
    area = save_programme_area(mech, code="1", name="Air pollution")
    db.session.commit()
    form = staff.get(f"/meetings/{som23.id}/actions/new").text
    assert f'<option selected value="{som23.id}">SOM-23 (1–3 October 2019)</option>' in form
    data = action_form(meeting_id=str(som23.id), programme_area_id=str(area.id))
    response = staff.post(f"/meetings/{som23.id}/actions/new", data=data)
    action = db.session.scalars(sa.select(Action)).one()
    assert response.headers["Location"] == f"/actions/{action.id}"
    page = staff.get(response.headers["Location"]).text
    facts = text_of(page.split('<dl class="facts">')[1].split("</dl>")[0])
    assert "Decided at SOM-23 (1–3 October 2019)" in facts
    assert "Lead Mongolia" in facts and "Partners ESCAP, UNEP" in facts
    assert "Programme area 1 Air pollution" in facts
    assert "Due 2021–2025, annually" in facts and "Status On track" in facts
    assert f'href="/meetings/{som23.id}"' in page
    assert (action.body_id, action.meeting_id, action.item) == (som.id, som23.id, "1-1-3")


def test_create_from_a_document_is_traced_to_it_and_its_meeting(staff, som, som23):
    report = factories.document(
        som, meeting=som23, type="report", symbol="ECE/SOM(23)/1", title="Report of SOM-23"
    )
    url = f"/documents/{report.id}/actions/new"
    form = staff.get(url).text
    assert f'<option selected value="{report.id}">ECE/SOM(23)/1 — Report of SOM-23' in form
    assert f'<option selected value="{som23.id}">' in form
    data = action_form(
        document_id=str(report.id), meeting_id=str(som23.id), item="Component 2, Activity 1-2"
    )
    response = staff.post(url, data=data, follow_redirects=True)
    assert "Action “Hold a regional workshop on air quality” created." in response.text
    facts = text_of(response.text.split('<dl class="facts">')[1].split("</dl>")[0])
    assert "Recorded in ECE/SOM(23)/1 Report of SOM-23, item Component 2, Activity 1-2" in facts
    assert f'href="/documents/{report.id}"' in response.text
    action = db.session.scalars(sa.select(Action)).one()
    assert (action.document_id, action.meeting_id) == (report.id, som23.id)


def test_a_sub_action_starts_from_its_parent(staff, som, som23):
    parent = factories.action(som, title="Develop NEACAP", meeting_id=som23.id)
    form = staff.get(f"/actions/{parent.id}/sub-actions/new").text
    assert f'<option selected value="{parent.id}">Develop NEACAP</option>' in form
    data = action_form(title="Pilot study", meeting_id=str(som23.id), parent_id=str(parent.id))
    response = staff.post(f"/actions/{parent.id}/sub-actions/new", data=data)
    child = db.session.scalars(sa.select(Action).where(Action.title == "Pilot study")).one()
    assert response.headers["Location"] == f"/actions/{child.id}"
    page = staff.get(f"/actions/{parent.id}").text
    assert "Pilot study" in section(page, "sub-actions")
    assert "Sub-action of Develop NEACAP" in text_of(staff.get(f"/actions/{child.id}").text)


def test_a_due_date_before_the_source_meeting_saves_nothing_and_keeps_the_input(staff, som, som23):
    data = action_form(meeting_id=str(som23.id), due="2019-09-30", partners="KEI")
    response = staff.post(f"/meetings/{som23.id}/actions/new", data=data)
    assert response.status_code == 200
    assert field_errors(response.text) == [
        "Due before its source meeting (SOM-23, 1–3 October 2019)."
    ]
    assert "Hold a regional workshop on air quality</textarea>" in response.text
    assert 'value="2019-09-30"' in response.text and 'value="KEI"' in response.text
    assert "nothing has been saved yet" in response.text
    assert count(Action) == 0


def test_a_dropped_action_is_not_completed_without_reopening(staff, som):
    action = factories.action(som, title="Old idea", status="dropped")
    form = staff.get(f"/actions/{action.id}/edit").text
    assert '<option selected value="dropped">Dropped</option>' in form
    response = staff.post(
        f"/actions/{action.id}/edit", data=action_form(title="Old idea", status="completed")
    )
    assert field_errors(response.text) == [
        "A dropped action is reopened (not started or on track) before it is completed."
    ]
    assert 'value="1-1-3"' in response.text
    db.session.expire_all()
    assert (action.status, action.item, count(ActionUpdate)) == (ActionStatus.DROPPED, "", 0)
    page = staff.get(f"/actions/{action.id}").text
    offered = re.findall(r'<option (?:selected )?value="(\w+)"', section(page, "progress"))
    assert offered == ["not_started", "on_track", "dropped"]
    response = progress(staff, action, "Done after all", "completed")
    assert field_errors(response.text) == [
        "A dropped action is reopened (not started or on track) before it is completed."
    ]
    assert "Done after all</textarea>" in response.text
    assert count(ActionUpdate) == 0


def test_a_cycle_of_sub_actions_is_refused(staff, som):
    parent = factories.action(som, title="Develop NEACAP")
    child = factories.action(som, title="Pilot study", parent_id=parent.id)
    data = action_form(title="Develop NEACAP", item="", parent_id=str(child.id))
    response = staff.post(f"/actions/{parent.id}/edit", data=data)
    assert field_errors(response.text) == ["That action is already a sub-action of this one."]
    assert f'<option selected value="{child.id}">Pilot study</option>' in response.text
    db.session.expire_all()
    assert (parent.parent_id, parent.item) == (None, "")


def test_edit_shows_the_current_values_and_saves(staff, som, som23):
    action = factories.action(
        som, meeting_id=som23.id, item="4.1", due="2021/2025", lead_kind="organisation",
        lead_organisation="ESCAP",
    )  # fmt: skip
    form = staff.get(f"/actions/{action.id}/edit").text
    assert 'value="2021/2025"' in form and 'value="ESCAP"' in form
    assert '<option selected value="organisation">' in form
    data = action_form(meeting_id=str(som23.id), item="4.1", status="at_risk", due="2026")
    response = staff.post(f"/actions/{action.id}/edit", data=data, follow_redirects=True)
    assert "Action saved." in response.text
    history = text_of(section(response.text, "history"))
    assert "Ms Secretariat · Not started → At risk" in history
    assert "Status changed with the action's details." in history


# ---- who may do what --------------------------------------------------------------------------


def test_staff_pages_refuse_other_people(app, client, mech, som, som23):
    action = factories.action(som, meeting_id=som23.id)
    hidden = factories.body(mech, short_name="CLOSED", visibility="secretariat")
    secret = factories.action(hidden, title="Secret")
    sign_in(client, factories.delegate_of(mech))
    for url in (
        f"/actions/{action.id}/edit",
        f"/actions/{action.id}/sub-actions/new",
        f"/meetings/{som23.id}/actions/new",
        f"/bodies/{som.slug}/actions/new",
    ):
        assert client.get(url).status_code == 403, url
        assert client.post(url, data=action_form()).status_code == 403, url
    review = f"/meetings/{som23.id}/actions/{action.id}/review"
    assert client.post(review, data={"conclusion": "closed"}).status_code == 403
    for url in (f"/actions/{secret.id}", f"/actions/{secret.id}/edit", "/bodies/x/actions"):
        assert client.get(url).status_code == 404, url
    assert client.get(f"/bodies/{hidden.slug}/actions").status_code == 404
    page = client.get(f"/actions/{action.id}").text
    assert f"/actions/{action.id}/edit" not in page and 'id="progress"' not in page
    assert "New action" not in client.get(f"/bodies/{som.slug}/actions").text
    anonymous = app.test_client().get(f"/actions/{action.id}/edit")
    assert anonymous.status_code == 302 and "/sign-in" in anonymous.headers["Location"]
    assert count(Action) == 2 and count(ActionReview) == 0


# ---- progress -------------------------------------------------------------------------------


@pytest.mark.parametrize("lead", ["person", "nfp"])
def test_a_lead_posts_progress_with_an_attachment(app, client, mech, som, lead):
    if lead == "person":
        person = factories.user(
            name="Dr Ganbold", roles=[{"role": "delegate", "mechanism_id": mech.id}]
        )
        action = factories.action(som, lead_kind="person", lead_user_id=person.id)
    else:
        person = factories.nfp_of(mech, "MN", name="Dr Ganbold")
        action = factories.action(som, lead_kind="member_state", lead_country="MN")
    sign_in(client, person)
    page = client.get(f"/actions/{action.id}").text
    assert 'enctype="multipart/form-data"' in section(page, "progress")
    pdf = samples.pdf_with_text("Workshop report")
    response = progress(
        client, action, "Workshop held in Ulaanbaatar.", "on_track", [("Report.pdf", pdf)]
    )
    assert response.headers["Location"] == f"/actions/{action.id}#history"
    page = client.get(f"/actions/{action.id}").text
    assert "Progress posted; the action is now on track." in page
    history = text_of(section(page, "history"))
    assert "Dr Ganbold · Not started → On track Workshop held in Ulaanbaatar. Report.pdf" in history
    [link] = re.findall(r'href="(/actions/\d+/attachments/\d+/[^"]+)"', page)
    assert app.test_client().get(link).data == pdf
    assert db.session.get(Action, action.id).status is ActionStatus.ON_TRACK


def test_someone_who_does_not_lead_the_action_is_refused(app, client, mech, som):
    action = factories.action(som, lead_kind="member_state", lead_country="MN")
    sign_in(client, factories.nfp_of(mech, "JP"))
    assert 'id="progress"' not in client.get(f"/actions/{action.id}").text
    response = progress(client, action, "We did it", "completed", [("R.pdf", samples.pdf())])
    assert response.status_code == 403
    assert REPORT_REASON in response.text  # the page says why
    delegate = app.test_client()
    sign_in(delegate, factories.delegate_of(mech))
    assert progress(delegate, action, "We did it", "completed").status_code == 403
    assert (count(ActionUpdate), count(ActionAttachment), stored_files(app)) == (0, 0, [])
    refusals = db.session.scalars(
        sa.select(AuditEntry.changes).where(AuditEntry.action == AuditAction.REFUSED)
    ).all()
    assert [r["reason"] for r in refusals] == [REPORT_REASON, REPORT_REASON]
    hidden = factories.action(factories.body(mech, visibility="secretariat"))
    assert progress(client, hidden, "We did it").status_code == 404
    assert client.post(f"/actions/{hidden.id + 1}/progress").status_code == 404


def test_a_refused_attachment_leaves_no_update_and_no_file(app, staff, som):
    action = factories.action(som)
    response = progress(
        staff, action, "Report attached", "at_risk",
        [("Minutes.pdf", samples.pdf()), ("Report.pdf", samples.HTML)],
    )  # fmt: skip
    assert response.status_code == 200
    assert field_errors(response.text) == [
        "“Report.pdf” is an HTML page, which is not allowed. " + ALLOWED_TEXT,
        CHOOSE_AGAIN,
    ]
    assert "Report attached</textarea>" in response.text
    assert (count(ActionUpdate), count(ActionAttachment), stored_files(app)) == (0, 0, [])
    db.session.expire_all()
    assert action.status is ActionStatus.NOT_STARTED


def test_an_empty_update_is_refused(staff, som):
    action = factories.action(som)
    response = staff.post(f"/actions/{action.id}/progress")
    assert response.status_code == 200
    assert field_errors(response.text) == ["Say what progressed, or change the status."]
    assert count(ActionUpdate) == 0


def test_history_shows_status_changes_in_order(staff, officer, som, som23, som24):
    action = factories.action(som, meeting_id=som23.id, due="2020")
    with on(staff, officer, 2020, 3, 1):
        assert progress(staff, action, "Started", "on_track").status_code == 302
    with on(staff, officer, 2020, 6, 1):
        assert progress(staff, action, "Funding late", "at_risk").status_code == 302
    with on(staff, officer, 2020, 10, 21):
        review = {"conclusion": "extended", "new_due": "2021", "note": "One more year"}
        staff.post(f"/meetings/{som24.id}/actions/{action.id}/review", data=review)
    with on(staff, officer, 2021, 5, 1):
        assert progress(staff, action, "Report published", "completed").status_code == 302
        page = staff.get(f"/actions/{action.id}").text
    entries = re.findall(r"<li class=\"action-event[^>]*>(.*?)</li>", page, re.S)
    assert [text_of(e).strip() for e in entries] == [
        "01 Mar 2020 · Ms Secretariat · Not started → On track Started",
        "01 Jun 2020 · Ms Secretariat · On track → At risk Funding late",
        "Reviewed at SOM-24 (21 Oct 2020) Extended · due 2020 → 2021 "
        "recorded by Ms Secretariat One more year",
        "01 May 2021 · Ms Secretariat · At risk → Completed Report published",
    ]


def test_attachment_downloads_follow_the_action(app, client, mech, som):
    action = factories.action(som)
    hidden_body = factories.body(mech, short_name="CLOSED", visibility="secretariat")
    hidden = factories.action(hidden_body)
    pdf = samples.pdf()
    public = attach(action, "Note <1>.docx", samples.docx())
    secret = attach(hidden, "Secret.pdf", pdf)
    db.session.commit()
    url = f"/actions/{action.id}/attachments/{public.id}/Note.docx"
    response = client.get(url)
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=\"Note 1.docx\"; filename*=UTF-8''Note%20%3C1%3E.docx"
    )
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "public, no-cache"
    assert client.get(f"/actions/{action.id}/attachments/{secret.id}/x.pdf").status_code == 404
    secret_url = f"/actions/{hidden.id}/attachments/{secret.id}/Secret.pdf"
    assert client.get(secret_url).status_code == 404
    sign_in(client, factories.secretariat_of(mech))
    response = client.get(secret_url)
    assert response.headers["Cache-Control"] == "private" and response.data == pdf


def attach(action: Action, name: str, content: bytes, author_id=None) -> ActionAttachment:
    """An update of the action with one file, as the progress form saves it."""
    update = services.post_update(action, author_id, f"Attached {name}")
    return save_attachment(update, Upload(name, content), identify(name, content, 10**7))


# ---- the review at the next meeting ---------------------------------------------------------


@pytest.fixture
def review_world(som, som23, som24):
    """Actions of SOM decided at SOM-23, as SOM-24 finds them."""
    with time_machine.travel(at(2019, 10, 3), tick=False):
        actions = {
            "due": factories.action(som, title="Publish the air report", due="2020-06"),
            "updated": factories.action(som, title="Train MPA managers", due="2023"),
            "quiet": factories.action(som, title="Study dust storms", due="2023"),
            "done": factories.action(som, title="Launch the website", due="2020-01"),
            "carried": factories.action(som, title="Map coastal wetlands", due="2022"),
        }
    with time_machine.travel(at(2020, 3, 1), tick=False):
        services.post_update(actions["updated"], None, "First training held", "on_track")
        services.post_update(actions["done"], None, "Online", "completed")
        services.post_update(actions["carried"], None, "Surveys started", "on_track")
        db.session.commit()
    return actions


def listed(page: str) -> list[str]:
    review = section(page, "review").split("</section>")[0]
    return re.findall(r'class="action-title"[^>]*>([^<]+)</a>', review)


def test_the_meeting_page_reviews_due_and_updated_actions(staff, client, som24, review_world):
    anonymous = client.get(f"/meetings/{som24.id}").text
    assert "Review of follow-up actions" in anonymous
    assert listed(anonymous) == [
        "Publish the air report",
        "Train MPA managers",
        "Launch the website",
        "Map coastal wetlands",
    ]
    entry = text_of(section(anonymous, f"review-action-{review_world['updated'].id}"))
    assert "Latest update 01 Mar 2020 · The secretariat · Not started → On track" in entry
    assert "action-review-form" not in anonymous
    page = staff.get(f"/meetings/{som24.id}").text
    assert page.count('class="action-review-form"') == 4


def test_staff_record_extended_closed_and_carried_over(staff, som24, review_world):
    due, updated, carried = (review_world[k] for k in ("due", "updated", "carried"))
    url = f"/meetings/{som24.id}/actions/%d/review"
    response = staff.post(
        url % due.id, data={"conclusion": "extended", "new_due": "2021-06", "note": "Data late"}
    )
    assert response.headers["Location"] == f"/meetings/{som24.id}#review"
    staff.post(url % updated.id, data={"conclusion": "closed", "note": "Trainings done"})
    staff.post(url % carried.id, data={"conclusion": "carried_over"})
    page = staff.get(f"/meetings/{som24.id}").text
    assert "Carried over at SOM-24." not in page
    concluded = {
        title: text_of(section(page, f"review-action-{a.id}")).split("Conclusion")[0]
        for title, a in (("due", due), ("updated", updated), ("carried", carried))
    }
    assert "Concluded here Extended · due June 2020 → June 2021" in concluded["due"]
    assert "Concluded here Closed" in concluded["updated"]
    assert "Concluded here Carried over" in concluded["carried"]
    db.session.expire_all()
    assert (due.due_end, updated.status) == (date(2021, 6, 30), ActionStatus.COMPLETED)
    assert [r.conclusion for r in carried.reviews] == [Conclusion.CARRIED_OVER]
    bad = staff.post(url % due.id, data={"conclusion": "extended", "new_due": "2020-01"})
    assert bad.status_code == 200
    assert field_errors(bad.text) == ["Extend beyond the due date before this meeting (June 2020)."]
    assert staff.post(url % due.id).status_code == 200
    # Recorded again, the meeting's conclusion replaces its first one, judged as it found it.
    staff.post(url % due.id, data={"conclusion": "extended", "new_due": "2020-09"})
    db.session.expire_all()
    [review] = due.reviews
    assert (due.due_end, review.previous_due_end) == (date(2020, 9, 30), date(2020, 6, 30))
    staff.post(url % due.id, data={"conclusion": "noted"})
    db.session.expire_all()
    assert (due.due_end, due.due_precision.value) == (date(2020, 6, 30), "month")
    reopen = staff.post(url % updated.id, data={"conclusion": "noted"})
    assert field_errors(reopen.text) == [
        "SOM-24 closed this action: reopen it (progress with a status such as on track) before "
        "recording another conclusion."
    ]


def test_a_carried_over_action_comes_back_with_its_history(
    staff, officer, som, som24, review_world
):
    carried = review_world["carried"]
    som25 = factories.meeting(
        som, number=25, title="SOM-25", start="2021-11-09", end="2021-11-10", status="held"
    )
    with on(staff, officer, 2020, 10, 21):
        staff.post(
            f"/meetings/{som24.id}/actions/{carried.id}/review",
            data={"conclusion": "carried_over", "note": "Pending funding"},
        )
    page = staff.get(f"/meetings/{som25.id}").text
    assert listed(page) == ["Publish the air report", "Map coastal wetlands"]
    entry = text_of(section(page, f"review-action-{carried.id}"))
    assert "Latest update 01 Mar 2020 · The secretariat · Not started → On track" in entry
    history = text_of(section(staff.get(f"/actions/{carried.id}").text, "history"))
    assert history.index("Surveys started") < history.index("Reviewed at SOM-24")
    assert "Carried over" in history and "Pending funding" in history


def test_the_section_is_absent_without_actions(client, som24):
    assert "Review of follow-up actions" not in client.get(f"/meetings/{som24.id}").text


# ---- the body's list ------------------------------------------------------------------------


def test_body_list_filters_and_nests_sub_actions(staff, client, mech, som, som23):
    air = save_programme_area(mech, code="1", name="Air pollution")
    dust = save_programme_area(mech, code="1-1", name="Dust", parent_id=air.id)
    sea = save_programme_area(mech, code="2", name="Marine protected areas")
    db.session.commit()
    with time_machine.travel(at(2025, 1, 1), tick=False):
        neacap = factories.action(
            som, title="Develop NEACAP", programme_area_id=air.id, lead_kind="organisation",
            lead_organisation="ESCAP", due="2026",
        )  # fmt: skip
        factories.action(
            som, title="Pilot on dust", parent_id=neacap.id, programme_area_id=dust.id,
            status="delayed", due="2024", lead_kind="member_state", lead_country="MN",
        )  # fmt: skip
        factories.action(som, title="MPA network", programme_area_id=sea.id, status="completed")
    with time_machine.travel(at(2025, 6, 1), tick=False):
        everything = client.get(f"/bodies/{som.slug}/actions").text
        tree = everything.split('class="action-tree"')[1]
        assert 'class="action-tree action-children"' in tree.split("MPA network")[0]
        assert "3 actions; sub-actions" in text_of(everything)
        assert "Overdue" in tree.split("Pilot on dust")[1].split("</li>")[0]
        overdue = client.get(f"/bodies/{som.slug}/actions?overdue=1").text
        assert re.findall(r'class="action-title"[^>]*>([^<]+)<', overdue) == ["Pilot on dust"]
    by_area = client.get(f"/bodies/{som.slug}/actions?area={air.id}").text
    assert re.findall(r'class="action-title"[^>]*>([^<]+)<', by_area) == [
        "Develop NEACAP",
        "Pilot on dust",
    ]
    by_lead = client.get(f"/bodies/{som.slug}/actions?lead=member_state:MN").text
    assert re.findall(r'class="action-title"[^>]*>([^<]+)<', by_lead) == ["Pilot on dust"]
    assert '<option value="organisation:ESCAP"' in by_lead
    done = client.get(f"/bodies/{som.slug}/actions?status=completed").text
    assert re.findall(r'class="action-title"[^>]*>([^<]+)<', done) == ["MPA network"]
    assert "New action" not in everything
    assert f'href="/bodies/{som.slug}/actions/new"' in staff.get(f"/bodies/{som.slug}/actions").text


def test_body_list_pages_fifty_top_level_actions(client, som):
    for n in range(52):
        factories.action(som, title=f"Action {n:02d}")
    first = client.get(f"/bodies/{som.slug}/actions").text
    assert first.count('class="action-title"') == 50 and "Page 1 of 2" in first
    second = client.get(f"/bodies/{som.slug}/actions?page=2").text
    assert re.findall(r'class="action-title"[^>]*>([^<]+)<', second) == ["Action 50", "Action 51"]


# ---- a fixed number of statements -----------------------------------------------------------


def _grow(som, meeting, start: int, stop: int) -> list[Action]:
    """Per n: an action led by a person, with a sub-action, two updates (one with a file) and
    a review at the meeting."""
    made = []
    for n in range(start, stop):
        person = factories.user(name=f"Lead {n}")
        action = factories.action(
            som, title=f"Action {n}", due="2020-06", lead_kind="person", lead_user_id=person.id
        )
        factories.action(som, title=f"Sub {n}", parent_id=action.id, due_meeting_id=meeting.id)
        with time_machine.travel(at(2020, 3, 1), tick=False):
            services.post_update(action, person.id, f"Update {n}", "on_track")
            attach(action, f"F{n}.pdf", samples.pdf_with_text(f"File {n}"), person.id)
            services.post_update(action, None, f"Second {n}")
            services.record_review(action, meeting, "noted", f"Note {n}")
        db.session.commit()
        made.append(action)
    return made


def _counts(client, urls: list[str]) -> tuple[dict[str, int], str]:
    """Statements per page, each asked with nothing loaded beforehand, as in a new request."""
    counts, texts = {}, []
    for url in urls:
        db.session.expunge_all()
        with count_queries() as statements:
            response = client.get(url)
        assert response.status_code == 200, url
        counts[url], texts = len(statements), [*texts, response.text]
    return counts, "".join(texts)


@pytest.mark.parametrize("who", ["anonymous", "secretariat"])
def test_query_counts_do_not_grow(client, mech, som, som23, som24, who):
    if who == "secretariat":
        sign_in(client, factories.secretariat_of(mech))
    [first] = _grow(som, som24, 0, 1)
    first_id, body_slug, meeting_id = first.id, som.slug, som24.id
    urls = [f"/bodies/{body_slug}/actions", f"/actions/{first_id}", f"/meetings/{meeting_id}"]
    small, _ = _counts(client, urls)
    body, meeting = db.session.get(Body, som.id), db.session.get(Meeting, meeting_id)
    for action in _grow(body, meeting, 1, 12):
        services.update_action(action, parent_id=first_id)
    db.session.commit()
    large, text = _counts(client, urls)
    assert large == small
    assert all(name in text for name in ("Sub 11", "Lead 11", "Second 11", "Note 0"))


def test_an_empty_form_comes_back_with_its_errors(staff, som, som23, som24):
    action = factories.action(som)
    report = factories.document(som, meeting=som23)
    for url in (
        f"/meetings/{som23.id}/actions/new",
        f"/documents/{report.id}/actions/new",
        f"/bodies/{som.slug}/actions/new",
        f"/actions/{action.id}/edit",
        f"/actions/{action.id}/sub-actions/new",
    ):
        response = staff.post(url)
        assert (response.status_code, field_errors(response.text)) == (
            200,
            ["Say what is to be done."],
        ), url
    response = staff.post(f"/meetings/{som24.id}/actions/{action.id}/review")
    assert (response.status_code, field_errors(response.text)) == (
        200,
        ["Choose noted, extended, closed or carried over."],
    )
    assert (count(Action), count(ActionReview)) == (1, 0)


def test_a_cancelled_meeting_reviews_nothing(staff, som, som24):
    factories.action(som, title="Publish the air report", due="2020-06")
    cancelled = factories.meeting(
        som, number=25, title="SOM-25", start="2021-10", end="", status="cancelled"
    )
    assert "Review of follow-up actions" in staff.get(f"/meetings/{som24.id}").text
    assert "Review of follow-up actions" not in staff.get(f"/meetings/{cancelled.id}").text


def test_a_meeting_ahead_lists_its_review_and_takes_conclusions_once_under_way(staff, som):
    start = date.today() + timedelta(days=2)  # near: the staff's session cookie still holds
    ahead = factories.meeting(som, number=40, title="SOM-40", start=start.isoformat(),
                              status="planned")  # fmt: skip
    action = factories.action(som, title="Publish the air report", due_meeting_id=ahead.id)
    page = staff.get(f"/meetings/{ahead.id}").text
    assert "Publish the air report" in section(page, "review")
    assert "recorded here once it is under way" in page
    assert f"/meetings/{ahead.id}/actions/{action.id}/review" not in page
    with time_machine.travel(at(start.year, start.month, start.day, 3), tick=False):
        page = staff.get(f"/meetings/{ahead.id}").text
    assert f"/meetings/{ahead.id}/actions/{action.id}/review" in page
    assert "once it is under way" not in page

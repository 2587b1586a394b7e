"""Follow-up actions through their services: the rules staff and leads meet."""

from datetime import UTC, date, datetime

import pytest
import time_machine

from meetings.actions import services
from meetings.actions.models import UNNAMED_PERSON, ActionStatus, Conclusion, LeadKind
from meetings.core.dates import DatePrecision
from meetings.core.validation import DomainValidationError
from meetings.extensions import db
from meetings.schedule.services import update_meeting
from tests import factories


@pytest.fixture
def som(app):
    mech = factories.mechanism(member_states="CN JP KR MN")
    return factories.body(mech)


@pytest.fixture
def held(som):
    return factories.meeting(som, number=23, start="2019-10-01", end="2019-10-03", status="held")


def errors_of(call) -> dict[str, list[str]]:
    with pytest.raises(DomainValidationError) as caught:
        call()
    db.session.rollback()
    return caught.value.errors


def test_an_action_traced_to_its_meeting_and_item_with_a_period(som, held):
    action = factories.action(
        som,
        meeting_id=held.id,
        item="Component 2, Activity 1-2",
        lead_kind="member_state",
        lead_country="mn",
        due="2021/2025",
        recurrence="annually",
    )
    assert (action.item, action.lead_label) == ("Component 2, Activity 1-2", "Mongolia")
    assert (action.due_start, action.due_end) == (date(2021, 1, 1), date(2025, 12, 31))
    assert action.due_label == "2021–2025, annually"
    assert action.is_overdue(date(2026, 1, 1)) and not action.is_overdue(date(2025, 12, 31))


def test_a_due_date_before_the_source_meeting_is_refused(som, held):
    errors = errors_of(lambda: factories.action(som, meeting_id=held.id, due="2019-09-30"))
    assert errors["due"] == [f"Due before its source meeting ({held.title}, {held.dates_label})."]


def test_a_lead_must_be_named_as_its_kind_requires(som):
    errors = errors_of(lambda: factories.action(som, lead_kind="member_state", lead_country="TH"))
    assert "Choose a member state of" in errors["lead_country"][0]
    errors = errors_of(lambda: factories.action(som, lead_kind="organisation"))
    assert errors["lead_organisation"] == ["Name the organisation."]
    errors = errors_of(lambda: factories.action(som, lead_kind="person"))
    assert errors["lead_user_id"] == ["Choose the person who leads it."]


def test_a_dropped_action_is_reopened_before_it_is_completed(som):
    action = factories.action(som, status="dropped")
    errors = errors_of(lambda: services.post_update(action, None, "Done after all", "completed"))
    assert "reopened" in errors["status"][0]
    services.post_update(action, None, "Picked up again", "on_track")
    services.post_update(action, None, "Workshop held", "completed")
    db.session.commit()
    assert [(u.status_before, u.status_after) for u in action.updates] == [
        (ActionStatus.DROPPED, ActionStatus.ON_TRACK),
        (ActionStatus.ON_TRACK, ActionStatus.COMPLETED),
    ]


def test_an_update_says_something_or_changes_the_status(som):
    action = factories.action(som)
    errors = errors_of(lambda: services.post_update(action, None, "  ", None))
    assert errors["text"] == ["Say what progressed, or change the status."]


def test_a_status_changed_by_editing_is_kept_in_the_history(som):
    action = factories.action(som)
    services.update_action(action, status="at_risk")
    db.session.commit()
    (update,) = action.updates
    assert (update.status_before, update.status_after) == (
        ActionStatus.NOT_STARTED,
        ActionStatus.AT_RISK,
    )


def test_sub_actions_cannot_loop(som):
    parent = factories.action(som, title="Develop NEACAP")
    child = factories.action(som, title="Pilot study", parent_id=parent.id)
    assert parent.children == [child]
    errors = errors_of(lambda: services.update_action(parent, parent_id=child.id))
    assert errors["parent_id"] == ["That action is already a sub-action of this one."]


def test_a_due_date_tied_to_a_meeting_follows_it(som, held):
    next_som = factories.meeting(som, number=24, start="2026-11-10", status="planned")
    action = factories.action(som, meeting_id=held.id, due_meeting_id=next_som.id)
    assert action.due_end == date(2026, 11, 10)
    fields = {"title": next_som.title, "timezone": next_som.timezone, "status": "planned"}
    update_meeting(next_som, number=24, start="2026-12-01", end="2026-12-03", **fields)
    db.session.commit()
    db.session.refresh(action)
    assert action.due_end == date(2026, 12, 3)
    errors = errors_of(lambda: factories.action(som, due="2026-01-01", due_meeting_id=next_som.id))
    assert errors["due"] == ["Give a due date or tie it to a meeting, not both."]


def test_a_review_extends_closes_or_carries_over(som, held):
    later = factories.meeting(som, number=24, start="2020-10-01", status="held")
    action = factories.action(som, meeting_id=held.id, due="2020")
    review = services.record_review(action, later, "extended", "One more year", new_due="2021")
    db.session.commit()
    assert (review.previous_due_end, action.due_end) == (date(2020, 12, 31), date(2021, 12, 31))
    errors = errors_of(lambda: services.record_review(action, later, "extended", new_due="2020"))
    assert "Extend beyond" in errors["new_due"][0]
    services.record_review(action, later, "closed")
    db.session.commit()
    assert action.status is ActionStatus.COMPLETED
    assert [r.conclusion for r in action.reviews] == [Conclusion.CLOSED]  # that meeting's, again


def test_a_meeting_concludes_once_under_way_and_keeps_the_replaced_due_to_its_precision(som):
    action = factories.action(som, due="2030")
    ahead = factories.meeting(som, number=30, title="SOM-30", start="2031-10-01", status="planned")
    postponed = factories.meeting(som, number=29, title="SOM-29", start="2025-10", end="",
                                  status="postponed")  # fmt: skip
    for meeting in (ahead, postponed):
        errors = errors_of(lambda m=meeting: services.record_review(action, m, "noted"))
        assert errors["meeting_id"] == [
            f"{meeting.title} has not begun ({meeting.dates_label}, {meeting.status.value}): "
            "a meeting concludes on an action once it is under way."
        ]
    assert action.reviews == []
    with time_machine.travel(datetime(2031, 10, 1, 2, tzinfo=UTC), tick=False):
        review = services.record_review(action, ahead, "extended", new_due="2032-06")
    db.session.commit()
    assert (review.previous_due_end, review.previous_due_precision) == (
        date(2030, 12, 31),
        DatePrecision.YEAR,
    )
    assert (review.new_due_end, review.new_due_precision) == (
        date(2032, 6, 30),
        DatePrecision.MONTH,
    )


def test_only_the_bodys_meetings_review_its_actions(som):
    elsewhere = factories.meeting(factories.body(som.mechanism), start="2020-01-01")
    action = factories.action(som)
    errors = errors_of(lambda: services.record_review(action, elsewhere, "noted"))
    assert "Only a meeting of" in errors["meeting_id"][0]


def test_the_lead_person_must_have_an_active_account(som):
    person = factories.user(email="officer@example.org")
    action = factories.action(som, lead_kind="person", lead_user_id=person.id)
    # Exports, dashboards and feeds reach people who are not staff: a name, never an email.
    assert (action.lead_kind, action.lead_label) == (LeadKind.PERSON, UNNAMED_PERSON)
    person.is_active = False
    db.session.commit()
    errors = errors_of(lambda: factories.action(som, lead_kind="person", lead_user_id=person.id))
    assert errors["lead_user_id"] == ["That person has no active account."]


def test_a_due_date_is_tied_only_to_a_meeting_all_who_see_the_action_may_see(som):
    mech = som.mechanism
    retreat = factories.meeting(som, number=9, title="Bureau retreat", start="2027-03-02",
                                visibility="secretariat")  # fmt: skip
    members = factories.meeting(som, number=10, title="Members' day", start="2027-04-02",
                                visibility="members")  # fmt: skip
    bureau = factories.body(mech, short_name="Bureau", visibility="secretariat")
    bureau_meeting = factories.meeting(bureau, number=1, title="Bureau-1", start="2027-05-02")
    public_next = factories.meeting(som, number=24, title="SOM-24", start="2027-10-01")
    for hidden in (retreat, members, bureau_meeting):
        errors = errors_of(lambda m=hidden: factories.action(som, due_meeting_id=m.id))
        assert errors["due_meeting_id"] == [
            f"{hidden.title} is hidden from some who see the actions of SOM: tie the due date "
            "to a meeting they may all see."
        ]
    assert (
        factories.action(som, due_meeting_id=public_next.id).due_label
        == "1 October 2027, by SOM-24"
    )
    # The bureau's own actions may be due by its meetings, and by the public SOM's.
    assert factories.action(bureau, due_meeting_id=bureau_meeting.id).due_meeting == bureau_meeting
    assert factories.action(bureau, due_meeting_id=public_next.id).due_meeting == public_next
    # A members-only body's actions may be due by a members-only meeting; not by the bureau's.
    experts = factories.body(mech, short_name="EG", visibility="members")
    assert factories.action(experts, due_meeting_id=members.id).due_meeting == members
    assert "due_meeting_id" in errors_of(
        lambda: factories.action(experts, due_meeting_id=bureau_meeting.id)
    )


def test_only_an_open_action_with_a_due_date_is_extended(som, held):
    later = factories.meeting(som, number=24, start="2020-10-01", status="held")
    done = factories.action(som, due="2020", status="completed")
    errors = errors_of(lambda: services.record_review(done, later, "extended", new_due="2021"))
    assert errors["conclusion"] == ["A completed action is reopened before it is extended."]
    undated = factories.action(som)
    errors = errors_of(lambda: services.record_review(undated, later, "extended", new_due="2021"))
    assert errors["new_due"] == ["It has no due date to extend: give it one by editing the action."]
    assert (done.reviews, undated.reviews, undated.due_end) == ([], [], None)

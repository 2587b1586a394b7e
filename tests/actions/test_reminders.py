"""Follow-up actions' reminders with time frozen: planned under keys naming the due date, sent
once when due (a real SMTP server), skipped when the action ended, moved or changed lead,
escalated to the body's staff, summed up weekly, as each person chose (off, digest)."""

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
import time_machine

from meetings.accounts.models import RoleAssignment
from meetings.actions import services
from meetings.actions.models import Action
from meetings.extensions import db
from meetings.notifications.digest import send_digests
from meetings.notifications.dispatch import sweep
from meetings.notifications.models import Mode, Notification, NotificationStatus
from meetings.notifications.planner import plan
from meetings.notifications.preferences import set_mode
from tests import factories

# Factories' mechanisms are in Asia/Seoul (UTC+9): 08:00 there is 23:00 UTC the day before.
NOW = datetime(2026, 8, 1, 0, 0, tzinfo=UTC)  # a Saturday
DUE = date(2026, 8, 20)
SOON_14 = datetime(2026, 8, 5, 23, 0, tzinfo=UTC)  # 6 Aug, 08:00 in Seoul
SOON_1 = datetime(2026, 8, 18, 23, 0, tzinfo=UTC)  # 19 Aug
OVERDUE = datetime(2026, 8, 20, 23, 0, tzinfo=UTC)  # 21 Aug
ESCALATED = datetime(2026, 9, 2, 23, 0, tzinfo=UTC)  # 3 Sep: 14 days after the due date
TITLE = "Hold a regional workshop"
SUMMARY = "overdue action"  # in a weekly summary's subject: "2 overdue actions: …"


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def w(app, clock):
    mech = factories.mechanism(member_states="CN JP KR")
    som = factories.body(mech, name="Senior Officials Meeting", short_name="SOM")
    other = factories.body(mech, name="Expert Group", short_name="EG")
    return {
        "mech": mech,
        "som": som,
        "lead": factories.user(email="lead@example.org", name="Lee"),
        "sec": factories.secretariat_of(mech, email="sec@example.org"),
        "manager": factories.manager_of(som, email="manager@example.org"),
        "elsewhere": factories.manager_of(other, email="eg-manager@example.org"),
    }


def _action(w, **fields):
    values = {
        "item": "1-1-3",
        "title": TITLE,
        "lead_kind": "person",
        "lead_user_id": w["lead"].id,
        "due": DUE.isoformat(),
        **fields,
    }
    return factories.action(w["som"], **values)


def _rows(kind: str | None = None) -> list[Notification]:
    query = sa.select(Notification).order_by(Notification.due_at, Notification.id)
    if kind:
        query = query.where(Notification.kind == kind)
    db.session.expire_all()
    return list(db.session.scalars(query))


def _sent(messages) -> list[tuple[str, str]]:
    return [(m["To"], m["Subject"]) for m in messages]


def _at(clock, moment: datetime) -> None:
    clock.move_to(moment + timedelta(seconds=20))
    sweep()


def test_keys_name_the_action_the_person_the_days_and_the_due_date(w):
    action = _action(w)
    plan()
    lead, sec, manager = w["lead"].id, w["sec"].id, w["manager"].id
    a = action.id
    assert {(r.key, r.recipient, r.due_at) for r in _rows()} == {
        (f"action-due-soon:{a}:{lead}:14d:2026-08-20", "lead@example.org", SOON_14),
        (f"action-due-soon:{a}:{lead}:1d:2026-08-20", "lead@example.org", SOON_1),
        (f"action-overdue:{a}:lead:{lead}:2026-08-20", "lead@example.org", OVERDUE),
        (f"action-overdue:{a}:staff:{sec}:2026-08-20", "sec@example.org", ESCALATED),
        (f"action-overdue:{a}:staff:{manager}:2026-08-20", "manager@example.org", ESCALATED),
    }
    assert {r.status for r in _rows()} == {NotificationStatus.PLANNED}
    assert plan() == {"added": 0, "moved": 0, "cancelled": 0, "replanned": 0}


def test_the_lead_is_reminded_14_days_and_1_day_before_once_each(w, clock, smtp_server):
    action = _action(w)
    plan()
    clock.move_to(SOON_14 - timedelta(minutes=1))
    sweep()
    assert smtp_server == []
    _at(clock, SOON_14)
    sweep()  # a second sweep finds nothing more to send
    plan()  # nor does planning again
    assert _sent(smtp_server) == [("lead@example.org", f"Due in 14 days: 1-1-3 {TITLE}")]
    text = smtp_server[0].get_content()
    assert "A follow-up action you lead is due in 14 days:" in text
    assert "Due: 20 August 2026" in text
    assert "Senior Officials Meeting (" in text
    assert f"http://meetings.test/actions/{action.id}" in text
    assert smtp_server[0]["List-Unsubscribe"].startswith("<http://meetings.test/notifications/")
    _at(clock, SOON_1)
    assert _sent(smtp_server)[1:] == [("lead@example.org", f"Due tomorrow: 1-1-3 {TITLE}")]
    assert {r.status for r in _rows("action_due_soon")} == {NotificationStatus.QUEUED}


def test_the_nfps_of_the_member_state_that_leads_are_reminded(w, clock, smtp_server):
    factories.nfp_of(w["mech"], "JP", email="nfp-jp@example.org")
    factories.nfp_of(w["mech"], "JP", email="nfp-jp2@example.org")
    factories.nfp_of(w["mech"], "KR", email="nfp-kr@example.org")
    _action(w, lead_kind="member_state", lead_country="JP", lead_user_id=None)
    plan()
    _at(clock, SOON_14)
    assert sorted(_sent(smtp_server)) == [
        ("nfp-jp2@example.org", f"Due in 14 days: 1-1-3 {TITLE}"),
        ("nfp-jp@example.org", f"Due in 14 days: 1-1-3 {TITLE}"),
    ]
    assert "(as National Focal Point of Japan)" in smtp_server[0].get_content()


def test_an_action_led_by_an_organisation_reminds_no_one_but_escalates(w, clock, smtp_server):
    _action(w, lead_kind="organisation", lead_organisation="ESCAP", lead_user_id=None)
    plan()
    assert {r.payload["stage"] for r in _rows()} == {"staff"}
    _at(clock, ESCALATED)
    assert sorted(_sent(smtp_server)) == [
        ("manager@example.org", f"Still open 14 days after its due date: 1-1-3 {TITLE}"),
        ("sec@example.org", f"Still open 14 days after its due date: 1-1-3 {TITLE}"),
    ]
    text = smtp_server[0].get_content()
    assert "Lead: ESCAP" in text and "No progress has been reported on it." in text


@pytest.mark.parametrize(
    ("status", "reason"),
    [("completed", "The action is completed."), ("dropped", "The action was dropped.")],
)
def test_an_ended_action_sends_nothing_more(w, clock, smtp_server, status, reason):
    action = _action(w)
    plan()
    _at(clock, SOON_14)
    services.post_update(action, w["lead"].id, "Done early.", status=status)
    db.session.commit()
    # Before the planner runs again, the due reminder checks the action and stays quiet.
    _at(clock, SOON_1)
    assert len(smtp_server) == 1
    (skipped,) = [r for r in _rows() if r.status is NotificationStatus.SKIPPED]
    assert (skipped.due_at, skipped.reason) == (SOON_1, reason)
    counts = plan()
    assert counts["cancelled"] == 3  # the overdue notice and the two escalations
    for moment in (OVERDUE, ESCALATED):
        _at(clock, moment)
    assert len(smtp_server) == 1


def test_a_moved_due_date_plans_anew_and_the_old_plan_is_skipped_or_cancelled(
    w, clock, smtp_server
):
    action = _action(w)
    plan()
    clock.move_to(SOON_1 - timedelta(days=1))
    services.update_action(action, due="2026-09-30")
    db.session.commit()
    # Due before the planner ran: skipped as moved.
    _at(clock, SOON_1)
    assert smtp_server == []
    assert [r.reason for r in _rows("action_due_soon") if r.due_at == SOON_1] == [
        "The due date moved; a notice for the new date is planned."
    ]
    counts = plan()
    assert (counts["cancelled"], counts["added"]) == (3, 5)
    keys = {r.key for r in _rows() if r.status is NotificationStatus.PLANNED}
    assert f"action-due-soon:{action.id}:{w['lead'].id}:1d:2026-09-30" in keys
    assert all(k.endswith(":2026-09-30") for k in keys)
    _at(clock, datetime(2026, 9, 28, 23, 0, tzinfo=UTC))
    assert _sent(smtp_server) == [("lead@example.org", f"Due tomorrow: 1-1-3 {TITLE}")]


def test_a_new_lead_is_reminded_and_the_former_one_no_more(w, clock, smtp_server):
    action = _action(w)
    plan()
    successor = factories.user(email="successor@example.org")
    services.update_action(action, lead_user_id=successor.id)
    db.session.commit()
    _at(clock, SOON_14)  # before the planner ran again
    assert smtp_server == []
    assert {r.reason for r in _rows("action_due_soon") if r.due_at == SOON_14} == {
        "The person no longer leads the action."
    }
    plan()
    _at(clock, SOON_1)
    assert _sent(smtp_server) == [("successor@example.org", f"Due tomorrow: 1-1-3 {TITLE}")]


def test_after_a_pause_only_the_nearer_reminder_is_sent(w, clock, smtp_server):
    _action(w)
    plan()
    _at(clock, SOON_1)  # nothing ran since before the 14-day reminder
    assert _sent(smtp_server) == [("lead@example.org", f"Due tomorrow: 1-1-3 {TITLE}")]
    assert {r.reason for r in _rows("action_due_soon") if r.due_at == SOON_14} == {
        "Superseded: a nearer reminder for the same action is due too."
    }


def test_reminders_due_before_the_action_was_recorded_are_not_owed(w, clock):
    clock.move_to(SOON_14 + timedelta(days=1))
    _action(w)
    plan()
    assert [r.due_at for r in _rows("action_due_soon")] == [SOON_1]


def test_overdue_the_lead_then_the_secretariat_and_managers_of_the_body(w, clock, smtp_server):
    action = _action(w)
    plan()
    _at(clock, SOON_1)
    smtp_server.clear()
    _at(clock, OVERDUE)
    assert _sent(smtp_server) == [("lead@example.org", f"Overdue: 1-1-3 {TITLE}")]
    assert "was due 1 day ago and is still open" in smtp_server[0].get_content()
    clock.move_to(OVERDUE + timedelta(days=3))
    services.post_update(action, w["lead"].id, "Venue booked; the workshop is in October.")
    db.session.commit()
    _at(clock, ESCALATED - timedelta(days=1))
    assert len(smtp_server) == 1
    _at(clock, ESCALATED)
    subject = f"Still open 14 days after its due date: 1-1-3 {TITLE}"
    # The secretariat of the mechanism and the body's managers; not another body's manager.
    assert sorted(_sent(smtp_server)[1:]) == [
        ("manager@example.org", subject),
        ("sec@example.org", subject),
    ]
    text = smtp_server[-1].get_content()
    assert "Lead: Lee" in text
    assert "Last progress report: 24 August 2026: Venue booked" in text  # in Seoul


def test_no_escalation_when_completed_meanwhile(w, clock, smtp_server):
    action = _action(w)
    plan()
    _at(clock, OVERDUE)
    services.post_update(action, w["lead"].id, status="completed")
    db.session.commit()
    _at(clock, ESCALATED)
    assert [s for _, s in _sent(smtp_server)] == [f"Overdue: 1-1-3 {TITLE}"]


def test_the_weekly_summary_lists_the_bodys_overdue_actions_once_a_week(w, clock, smtp_server):
    w["sec"].timezone = "Europe/Paris"  # Monday 08:00 there is 06:00 UTC (summer time)
    db.session.commit()
    clock.move_to(datetime(2026, 7, 1, tzinfo=UTC))  # recorded before it fell due
    late = _action(w, item="2-1", title="Publish the assessment", due="2026-07-15")
    clock.move_to(NOW)
    _action(w)  # due on 20 August: not overdue before then
    # Recorded already late (a plan loaded after its deadline): history, not this week's news.
    _action(w, item="9-9", title="Deadline of an old plan", due="2012-12-31")
    plan()
    summaries = _rows("action_overdue_summary")
    keys = {r.key for r in summaries if r.status is NotificationStatus.PLANNED}
    som, sec = w["som"].id, w["sec"].id
    assert f"action-overdue-summary:{som}:{sec}:2026-W32" in keys
    assert {r.recipient for r in summaries} == {"sec@example.org", "manager@example.org"}
    assert "eg-manager@example.org" not in {r.recipient for r in _rows()}
    monday = datetime(2026, 8, 3, 6, 0, tzinfo=UTC)
    (row,) = [r for r in summaries if r.key.endswith(f":{sec}:2026-W32")]
    assert row.due_at == monday
    clock.move_to(monday + timedelta(seconds=20))
    sweep()
    sweep()
    plan()
    sent = [m for m in smtp_server if m["To"] == "sec@example.org" and SUMMARY in m["Subject"]]
    (summary,) = sent
    assert (
        summary["Subject"] == f"1 overdue action: Senior Officials Meeting ({w['mech'].short_name})"
    )
    text = summary.get_content()
    assert "2-1 Publish the assessment" in text
    assert "Due 15 July 2026, 19 days ago; not started; lead: Lee" in text
    assert f"http://meetings.test/actions/{late.id}" in text
    assert "1-1-3" not in text and "Deadline of an old plan" not in text
    assert "weekly summary for 2026-W32" in text
    # This week's summary was planned when the week had begun: not sent, said why.
    (this_week,) = [r for r in summaries if r.key.endswith(f":{sec}:2026-W31")]
    assert this_week.status is NotificationStatus.SKIPPED
    assert this_week.reason.startswith("Planned after its Monday")
    # Three Mondays later, both actions are overdue; the next, none is (both completed).
    clock.move_to(datetime(2026, 8, 21, 12, 0, tzinfo=UTC))
    plan()  # the planner runs every few minutes: next Monday's summary is planned ahead
    clock.move_to(datetime(2026, 8, 24, 6, 0, 20, tzinfo=UTC))
    plan()
    sweep()
    latest = [m for m in smtp_server if m["To"] == "sec@example.org"][-1]  # (no escalation)
    assert latest["Subject"].startswith("2 overdue actions: ")
    for action in db.session.scalars(sa.select(Action)):
        services.post_update(action, None, status="completed")
    db.session.commit()
    before = len(smtp_server)
    clock.move_to(datetime(2026, 8, 31, 6, 0, 20, tzinfo=UTC))
    plan()
    sweep()
    assert len(smtp_server) == before
    assert [r.status for r in _rows("action_overdue_summary") if r.key.endswith("W36")] == [
        NotificationStatus.CANCELLED
    ] * 2


def test_a_summary_not_for_staff_any_more_is_skipped(w, clock, smtp_server):
    clock.move_to(datetime(2026, 7, 1, tzinfo=UTC))
    _action(w, due="2026-07-15")
    clock.move_to(NOW)
    plan()
    db.session.execute(sa.delete(RoleAssignment))
    db.session.commit()
    clock.move_to(datetime(2026, 8, 2, 23, 0, 20, tzinfo=UTC))  # 3 Aug, 08:00 in Seoul
    sweep()
    assert [m for m in smtp_server if SUMMARY in m["Subject"]] == []
    week = [r for r in _rows("action_overdue_summary") if r.key.endswith(":2026-W32")]
    assert {r.reason for r in week} == {"The person is no longer on the body's staff."}


def test_turned_off_notices_are_recorded_not_sent(w, clock, smtp_server):
    _action(w)
    set_mode("Lead@example.org", "action_due_soon", Mode.OFF)
    db.session.commit()
    plan()
    _at(clock, SOON_14)
    _at(clock, SOON_1)
    assert smtp_server == []
    assert [(r.status, r.reason) for r in _rows("action_due_soon")] == [
        (NotificationStatus.SKIPPED, "Turned off by the recipient.")
    ] * 2


def test_overdue_in_the_daily_digest(w, clock, smtp_server):
    _action(w)
    set_mode("lead@example.org", "action_overdue", Mode.DIGEST)
    db.session.commit()
    plan()
    _at(clock, OVERDUE)  # 21 Aug, 08:00 in Seoul; the lead's digest goes at 07:00 UTC
    assert smtp_server == []
    assert [r.status for r in _rows("action_overdue") if r.payload["stage"] == "lead"] == [
        NotificationStatus.DIGEST
    ]
    clock.move_to(datetime(2026, 8, 21, 7, 5, tzinfo=UTC))
    assert send_digests() == 1
    assert send_digests() == 0
    (digest,) = smtp_server
    assert digest["Subject"] == "Your daily digest: 1 notification"
    assert f"Overdue: 1-1-3 {TITLE}" in digest.get_content()


def test_a_lead_who_may_not_see_the_body_is_not_told(w, clock, smtp_server):
    closed = factories.body(w["mech"], visibility="secretariat")
    factories.nfp_of(w["mech"], "JP", email="nfp-jp@example.org")
    factories.action(
        closed, title=TITLE, lead_kind="member_state", lead_country="JP", due=DUE.isoformat()
    )
    plan()
    _at(clock, SOON_14)
    assert [m["To"] for m in smtp_server] == []
    assert {r.reason for r in _rows("action_due_soon") if r.due_at == SOON_14} == {
        "The person may no longer see the action."
    }


def test_the_lead_is_not_told_of_a_source_hidden_from_them(w, clock, smtp_server):
    retreat = factories.meeting(w["som"], number=9, title="Bureau retreat", start="2026-03-02",
                                visibility="secretariat", status="held")  # fmt: skip
    open_meeting = factories.meeting(w["som"], number=8, title="SOM-8", start="2026-02-02",
                                     status="held")  # fmt: skip
    draft = factories.document(w["som"], title="Draft of the work plan", status="draft")
    _action(w, meeting_id=retreat.id, document_id=draft.id)
    _action(w, title="Publish the report", meeting_id=open_meeting.id)
    plan()
    _at(clock, SOON_14)
    texts = {m["Subject"]: m.get_content() for m in smtp_server}
    hidden = texts[f"Due in 14 days: 1-1-3 {TITLE}"]
    assert "Bureau retreat" not in hidden and "Draft of the work plan" not in hidden
    assert "From:" not in hidden
    assert "From: SOM-8" in texts["Due in 14 days: 1-1-3 Publish the report"]

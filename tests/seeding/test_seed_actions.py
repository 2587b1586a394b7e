"""The seed's follow-up actions: every item of the seed plans, traced to its document and
item, reviewed by the body the text names, with the lead, due date and schedule the text
gives, nested as the text nests them, and added once."""

from datetime import date

import sqlalchemy as sa

from meetings.actions.models import Action, ActionStatus, LeadKind, Recurrence
from meetings.actions.services import update_action
from meetings.audit.models import AuditEntry
from meetings.core.dates import DatePrecision
from meetings.documents.models import Document
from meetings.schedule.models import Meeting
from meetings.seeding.loader import load_history

SPACE_2025 = "Strategic Program for ASEAN Climate and Environment (SPACE) 2025"
ACTION_PLAN = "ASEAN-China Environmental Cooperation Action Plan (2011-2013)"
FRAMEWORK = "Framework of ASEAN-China Environmental Cooperation Strategy and Action Plan 2021-2025"
BACKGROUND = "Background for the Strategic Plan 2021-2025"

# Every numbered heading and item of SPACE 2025 §3 and Annexes 1-3, in the text's order.
SPACE_2025_ITEMS = [
    "1-1", "1-1-1", "1-1-2", "1-1-3", "1-1-4", "1-1-5",
    "1-2",
    "1-2-1", "1-2-1-1", "1-2-1-2",
    "1-2-2", "1-2-2-1", "1-2-2-2", "1-2-2-3",
    "1-2-3", "1-2-3-1", "1-2-3-2", "1-2-3-3", "1-2-3-4",
    "1-2-4", "1-2-4-1",
    "1-3", "1-3-1", "1-3-2", "1-3-3", "1-3-4", "1-3-5",
    "1-4", "1-4-1",
    "2-1", "2-1-1", "2-1-2", "2-1-3", "2-1-4",
    "2-2", "2-2-1", "2-2-2", "2-2-3", "2-2-4", "2-2-5",
    "2-3",
    "2-3-1", "2-3-1-1", "2-3-1-2", "2-3-1-3",
    "2-3-2", "2-3-2-1", "2-3-2-2",
    "2-3-3", "2-3-3-1", "2-3-3-2", "2-3-3-3", "2-3-3-4",
    "3-1", "3-1-1", "3-1-2",
    "3-2", "3-2-1", "3-2-2",
]  # fmt: skip

# The action table of the Framework 2021-2025 (003 §6): activity -> (due, recurrence, schedule
# as printed). "Annually" recurs over the Framework's period; years two apart recur every two.
FRAMEWORK_ACTIVITIES = {
    "Component 1, Activity 1-1": ("2021/2025", Recurrence.ANNUALLY, "Annually"),
    "Component 1, Activity 1-2": ("2022/2024", Recurrence.EVERY_TWO_YEARS, "2022, 2024"),
    "Component 1, Activity 1-3": ("2021/2025", Recurrence.EVERY_TWO_YEARS, "2021, 2023, 2025"),
    "Component 1, Activity 1-4": ("2021/2025", None, "2021-2025"),
    "Component 1, Activity 2-1": ("2021/2025", None, "2021-2025"),
    # The table prints "2020-2015": read as 2020-2025, like the activities around it.
    "Component 2, Activity 1-1": (
        "2020/2025",
        None,
        "2020-2015, to be launched in 2020 (planned)",
    ),
    "Component 2, Activity 1-2": ("2020/2025", None, "2020-2025, to be launched in 2020"),
    "Component 2, Activity 1-3": ("2021/2025", None, "2021-2025"),
    "Component 2, Activity 2-1": ("2020/2025", None, "2020-2025, to be launched in 2020"),
    "Component 2, Activity 2-2": ("2020/2025", None, "2020-2025, to be launched in 2020"),
    "Component 2, Activity 3-1": ("2020/2025", None, "2020-2025, to be launched in 2020"),
    "Component 2, Activity 3-2": ("2020/2025", None, "2020-2025, to be launched in 2020"),
    "Component 3, Activity 1-1": ("2021/2025", None, "2021-2025, to be launched in 2020"),
    "Component 3, Activity 1-2": ("2021/2025", None, "2021-2025"),
    "Component 3, Activity 1-3": ("2021/2025", None, "2021-2025"),
    "Component 3, Activity 2-1": ("2021/2025", None, "2021-2025, to be launched in 2020"),
    "Component 3, Activity 2-2": ("2021/2023", None, "2021-2023"),
    "Component 3, Activity 2-3": ("2023/2025", None, "2023-2025"),
    "Component 4, Activity 1": ("2021/2025", None, "2021-2025"),
    "Component 4, Activity 2-1": ("2021/2025", None, "2021-2025"),
    "Component 4, Activity 2-2": ("2021/2022", None, "2021-2022, to be launched in 2020"),
}


def _doc(db, title: str) -> Document:
    return db.session.scalars(sa.select(Document).where(Document.title == title)).one()


def _actions(db, title: str) -> list[Action]:
    stmt = sa.select(Action).join(Action.document).where(Document.title == title)
    return list(db.session.scalars(stmt.order_by(Action.id)))


def _action(db, title: str, item: str) -> Action:
    stmt = sa.select(Action).join(Action.document).where(Document.title == title)
    return db.session.scalars(stmt.where(Action.item == item)).one()


def _period(action: Action) -> str:
    start = action.due_start.year if action.due_start else None
    end = action.due_end.year
    return f"{start}/{end}" if start else str(end)


def test_the_seed_adds_the_actions_of_each_plan_to_the_body_that_reviews_them(db):
    report = load_history()
    assert report.added["actions"] == 152
    counts = {title: len(_actions(db, title)) for title in (SPACE_2025, ACTION_PLAN, FRAMEWORK)}
    counts[BACKGROUND] = len(_actions(db, BACKGROUND))
    assert counts == {SPACE_2025: 59, ACTION_PLAN: 36, FRAMEWORK: 30, BACKGROUND: 27}
    assert db.session.query(Action).count() == 152
    bodies = {title: {a.body.slug for a in _actions(db, title)} for title in counts}
    assert bodies == {
        SPACE_2025: {"ajmdec"},
        ACTION_PLAN: {"asean-china-emm"},  # 002 §II 1.1.2: the EMM reviews progress
        FRAMEWORK: {"asean-china-nfp"},  # 003 §5.1.2: the NFPs monitor the Framework
        BACKGROUND: {"neaspec-som"},  # 004 §II.6: the annual SOM reviews the activities
    }


def test_every_numbered_space_2025_item_is_there_in_order(db):
    load_history()
    assert [a.item for a in _actions(db, SPACE_2025)] == SPACE_2025_ITEMS
    ajmdec_3 = db.session.scalars(
        sa.select(Meeting).where(Meeting.body.has(slug="ajmdec"), Meeting.number == 3)
    ).one()
    for action in _actions(db, SPACE_2025):
        # "the cooperation activities, which Japan can offer to AMS" (SPACE 2025 §4)
        assert (action.lead_kind, action.lead_country) == (LeadKind.MEMBER_STATE, "JP")
        assert action.meeting == ajmdec_3
        assert action.programme_area.code == action.item[:3]
        assert action.status is ActionStatus.NOT_STARTED
    # "2-3-3. Holding Youth Dialogues on sound mercury management": printed without its
    # last digit, numbered by its place between 2-3-3-2 and 2-3-3-4.
    youth = _action(db, SPACE_2025, "2-3-3-3")
    assert youth.description == "Holding Youth Dialogues on sound mercury management"
    assert 'printed "2-3-3."' in youth.source
    # "1-2-2-1. Financing support for projects to reduce methane emissions through the Asia
    # Development Bank (ADB) and United Nations Industrial Development Organization (UNIDO)"
    methane = _action(db, SPACE_2025, "1-2-2-1")
    assert "Asian Development Bank (ADB)" in methane.partners
    assert "(UNIDO)" in methane.partners
    # "1-4-1. In preparation for the second Global Stocktake (GST) at COP33, ...": no date.
    gst = _action(db, SPACE_2025, "1-4-1")
    assert (gst.due_end, gst.schedule_note) == (
        None,
        "In preparation for the second Global Stocktake (GST) at COP33",
    )


def test_the_2011_2013_deliverables_have_their_deadlines(db):
    load_history()
    # "1.2.3 The first Forum will be convened in China no later than the end of 2011."
    forum = _action(db, ACTION_PLAN, "1.2.3")
    assert (forum.due_end, forum.due_precision, forum.schedule_note) == (
        date(2011, 12, 31),
        DatePrecision.YEAR,
        "No later than the end of 2011",
    )
    assert forum.due_label == "2011"
    # "3.3.2 The selection of technology, companies to be involved and the launch of
    # activities should be conducted no later than the end of 2012."
    pilots = _action(db, ACTION_PLAN, "3.3.2")
    assert (_period(pilots), pilots.schedule_note) == ("2012", "No later than the end of 2012")
    # "2.6.1 An ASEAN-China Green Envoys Programme website will be established no later than
    # 2012"
    assert _period(_action(db, ACTION_PLAN, "2.6.1")) == "2012"
    # "2.5.4 The training activities will start from 2011, in principle twice every year"
    training = _action(db, ACTION_PLAN, "2.5.4")
    assert (_period(training), training.recurrence) == ("2011/2013", Recurrence.TWICE_A_YEAR)
    # "3.2.2 ... Relevant work plan and report should be presented through 2011-2012."
    assert _period(_action(db, ACTION_PLAN, "3.2.2")) == "2011/2012"
    # "4.1.4 The work plan and relevant discussions of the project should be started in 2011,
    # and the first report will be developed and published no later than 2013"
    assert _period(_action(db, ACTION_PLAN, "4.1.4 (work plan)")) == "2011"
    assert _period(_action(db, ACTION_PLAN, "4.1.4 (first report)")) == "2013"
    # "4.2.5 China-ASEAN Environmental Cooperation Center in Beijing and ASEAN Centre on
    # Biodiversity (ACB) in Manila should jointly develop ... no later than 2012."
    acb = _action(db, ACTION_PLAN, "4.2.5")
    assert (acb.lead_label, acb.partners, _period(acb)) == (
        "China-ASEAN Environmental Cooperation Center (CAEC)",
        "ASEAN Centre for Biodiversity (ACB)",
        "2012",
    )
    # A lead the paragraph does not name is said to be inferred.
    assert "Lead inferred" in forum.source and "Lead inferred" not in acb.source
    # "1.1.3 Organize the first ASEAN-China EMM at an appropriate time": the plan's period.
    emm = _action(db, ACTION_PLAN, "1.1.3")
    assert _period(emm) == "2011/2013" and "Due inferred" in emm.source
    assert {a.status for a in _actions(db, ACTION_PLAN)} == {ActionStatus.NOT_STARTED}
    assert {a.programme_area for a in _actions(db, ACTION_PLAN)} == {None}


def test_every_framework_activity_has_its_schedule(db):
    load_history()
    activities = {a.item: a for a in _actions(db, FRAMEWORK) if "Activity" in a.item}
    assert set(activities) == set(FRAMEWORK_ACTIVITIES)
    for item, (due, recurrence, note) in FRAMEWORK_ACTIVITIES.items():
        action = activities[item]
        assert (_period(action), action.recurrence, action.schedule_note) == (
            due,
            recurrence,
            note,
        ), item
        assert action.programme_area.code == item.split(",")[0]
        # "CAEC, which is chiefly responsible for the implementation of this framework"
        assert action.lead_label == "China-ASEAN Environmental Cooperation Center (CAEC)"
    assert "2020-2015" in activities["Component 2, Activity 1-1"].source
    assert activities["Component 1, Activity 1-1"].due_label == "2021–2025, annually"
    # "Activity 1: To work with ASEAN Center for Biodiversity (ACB) to develop and implement
    # the ASEAN-China Cooperation Plan on Biodiversity and Ecological Conservation"
    assert "ASEAN Centre for Biodiversity (ACB)" in activities["Component 4, Activity 1"].partners


def test_the_neaspec_objectives_and_activities_are_proposed(db):
    load_history()
    actions = _actions(db, BACKGROUND)
    # The Strategic Plan 2021-2025 is a draft for SOM-24 (004 §I.5): not adopted in the seeds.
    assert {a.status for a in actions} == {ActionStatus.PROPOSED}
    objectives = [a for a in actions if a.parent is None]
    assert [(a.item, a.programme_area.code if a.programme_area else None) for a in objectives] == [
        ("4.1", "(a)"),
        ("4.2", "(b)"),
        ("4.3", "(c)"),
        ("4.4", "(d)"),
        ("4.5", "(e)"),
        ("4.6", None),  # other emerging issues: no programmatic area
    ]
    # "By 2025, develop the North-East Asia Clean Air Partnership to be fully-functioning ..."
    neacap = objectives[0]
    assert (_period(neacap), neacap.schedule_note) == ("2025", "By 2025")
    assert neacap.description.startswith("By 2025, develop the North-East Asia Clean Air")
    assert neacap.lead_label.startswith("ESCAP Subregional Office for East and North-East Asia")
    assert "Lead inferred" in neacap.source
    assert "NEACAP Science and Policy Committee" in neacap.partners
    assert [c.item for c in neacap.children] == [f"4.1, activity {n}" for n in (1, 2, 3, 4)]
    assert (
        neacap.children[0].title
        == "Implement priority areas and activities agreed by member States"
    )
    assert {_period(c) for c in neacap.children} == {"2021/2025"}
    assert [len(o.children) for o in objectives] == [4, 4, 4, 4, 3, 2]


def test_sub_actions_nest_as_the_text_does(db):
    load_history()
    mitigation = _action(db, SPACE_2025, "1-2")
    assert mitigation.parent is None
    assert [c.item for c in mitigation.children] == ["1-2-1", "1-2-2", "1-2-3", "1-2-4"]
    assert [c.item for c in mitigation.children[0].children] == ["1-2-1-1", "1-2-1-2"]
    assert _action(db, SPACE_2025, "2-3-3-4").parent.parent.item == "2-3"
    policy = _action(db, ACTION_PLAN, "1")
    assert [c.item for c in policy.children] == ["1.1", "1.2"]
    assert [c.item for c in policy.children[1].children] == ["1.2.2", "1.2.3"]
    action_1 = _action(db, FRAMEWORK, "Component 1, Action 1")
    assert [c.item for c in action_1.children] == [
        f"Component 1, Activity 1-{n}" for n in (1, 2, 3, 4)
    ]
    roots = [a.item for a in _actions(db, FRAMEWORK) if a.parent is None]
    assert len(roots) == 9 and all(", Action " in item for item in roots)


def test_each_action_is_traced_to_its_document_and_item(db):
    load_history()
    cites = {
        SPACE_2025: "001 SPACE 2025, ",
        ACTION_PLAN: "002, §",
        FRAMEWORK: "003 §6 (Action Plan), Component ",
        BACKGROUND: "004 (NEASPEC/NFP-2/1) §II.4, 4.",
    }
    for title, cite in cites.items():
        actions = _actions(db, title)
        assert all(a.item and a.source.startswith(cite) for a in actions), title
        assert len({a.item for a in actions}) == len(actions), title
        assert all(a.title and a.description for a in actions), title
    # "1-1-3. Under the Support Initiative for Transparency in Asia (SITA), support for
    # development of the Biennial Transparency Reports (BTR), ..."
    btr = _action(db, SPACE_2025, "1-1-3")
    assert btr.source.startswith("001 SPACE 2025, Annex 1, 1-1-3.")
    assert btr.description.startswith("Under the Support Initiative for Transparency in Asia")


def test_loading_twice_adds_nothing_and_keeps_edits(db):
    load_history()
    forum = _action(db, ACTION_PLAN, "1.2.3")
    update_action(forum, title="First CAECF (held October 2011, Nanning)", status="completed")
    website = _action(db, ACTION_PLAN, "2.6.1")
    db.session.delete(website)
    db.session.commit()
    stamps = db.session.scalars(sa.select(Action.updated_at).order_by(Action.id)).all()

    again = load_history()
    assert again.added["actions"] == 1  # the deleted one is missing again
    assert db.session.query(Action).count() == 152
    forum = _action(db, ACTION_PLAN, "1.2.3")
    assert (forum.title, forum.status) == (
        "First CAECF (held October 2011, Nanning)",
        ActionStatus.COMPLETED,
    )
    assert _action(db, ACTION_PLAN, "2.6.1").parent.item == "2.6"
    kept = db.session.scalars(
        sa.select(Action.updated_at).where(Action.item != "2.6.1").order_by(Action.id)
    ).all()
    assert kept == stamps

    third = load_history()
    assert third.added["actions"] == 0
    assert str(third) == "Seed history already loaded: nothing to add."


def test_the_seed_command_adds_the_actions_as_the_seed_loader(app, db):
    result = app.test_cli_runner().invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    assert "152 actions" in result.output
    actors = db.session.scalars(
        sa.select(AuditEntry.actor).where(AuditEntry.entity_type == "follow_up_action").distinct()
    ).all()
    assert actors == ["seed loader"]

"""Clashes across mechanisms: the meetings near a meeting's dates, with the member states and
people expected at both, shown before saving (a warning, never a block)."""

from datetime import date

import pytest
import sqlalchemy as sa

from meetings.access.principal import principal_for
from meetings.accounts.services import grant_role
from meetings.accounts.tokens import create_token
from meetings.extensions import db
from meetings.participants.services import add_participant
from meetings.planning.clashes import clashes_of, near, near_query
from meetings.registrations import services as registrations
from meetings.registrations.models import Category, Registration, RegistrationStatus
from meetings.schedule.models import Meeting
from tests import factories
from tests.conftest import sign_in
from tests.pages import field_errors
from tests.registrations.support import open_meeting, person


@pytest.fixture
def w(app):
    """ASEAN-Japan-like A (JP KH TH) and NEASPEC-like N (JP KR MN), a meeting of each a day
    apart in September 2027, and some that do not clash."""
    a = factories.mechanism(slug="aj", short_name="AJ", member_states="JP KH TH")
    n = factories.mechanism(slug="ne", short_name="NEASPEC", member_states="JP KR MN")
    dialogue = factories.body(a, slug="ajmdec", short_name="AJMDEC", name="AJ Dialogue")
    som = factories.body(n, slug="som", short_name="SOM", name="Senior Officials Meeting")
    bureau = factories.body(n, slug="bureau", short_name="Bureau", visibility="secretariat")
    x = {"a": a, "n": n, "dialogue": dialogue, "som": som}
    x["som27"] = factories.meeting(som, number=27, title="SOM-27", start="2027-09-09",
                                   end="2027-09-10", city="Ulaanbaatar", country_code="MN",
                                   timezone="Asia/Ulaanbaatar")  # fmt: skip
    x["secret"] = factories.meeting(bureau, number=1, title="Bureau-1", start="2027-09-08",
                                    end="2027-09-08")  # fmt: skip
    factories.meeting(som, number=28, title="SOM-28", start="2027-10-20", end="2027-10-21")
    factories.meeting(som, number=26, title="SOM-26 (cancelled)", start="2027-09-07",
                      end="2027-09-07", status="cancelled")  # fmt: skip
    factories.meeting(som, title="Expert talks 2027", start="2027", end="")  # a year: too vague
    x["sec"] = factories.secretariat_of(a, email="sec@example.org")
    return x


def test_meetings_of_other_mechanisms_near_the_dates_are_found(w):
    viewer = principal_for(w["sec"])
    found = near(date(2027, 9, 6), date(2027, 9, 8), viewer, days=3)
    assert [m.title for m in found] == ["SOM-27"]  # not the bureau's, hidden from AJ's staff
    admin = principal_for(factories.admin())
    assert [m.title for m in near(date(2027, 9, 6), date(2027, 9, 8), admin, days=3)] == [
        "Bureau-1",
        "SOM-27",
    ]
    assert near(date(2027, 9, 1), date(2027, 9, 2), viewer, days=3) == []


def test_a_clash_names_shared_states_and_people_expected_at_both(w):
    dialogue = factories.meeting(w["dialogue"], number=4, title="4th AJMDEC", start="2027-09-06",
                                 end="2027-09-08")  # fmt: skip
    both = factories.nfp_of(w["a"], "JP", name="Ms Sato", email="sato@example.org")
    grant_role(both, role="nfp", mechanism_id=w["n"].id, country_code="JP")
    traveller = factories.user(name="Mr Tan", email="tan@example.org")
    for meeting in (dialogue, w["som27"]):
        add_participant(meeting, traveller.email)
    only_one = factories.user(name="Ms Only", email="only@example.org")
    add_participant(dialogue, only_one.email)
    db.session.commit()
    (clash,) = clashes_of(dialogue, principal_for(w["sec"]))
    assert (clash.title, clash.gap_days, clash.summary) == ("SOM-27", 1, "1 day apart.")
    assert clash.shared_states == ("Japan",)
    assert clash.people == ("Mr Tan", "Ms Sato")


def test_meetings_held_in_conjunction_should_be_adjacent(w):
    amme = factories.meeting(w["som"], number=30, title="SOM-30", start="2028-03-01",
                             end="2028-03-02")  # fmt: skip
    together = factories.meeting(w["dialogue"], number=5, title="5th AJMDEC", start="2028-03-03",
                                 end="2028-03-03", held_with_id=amme.id)  # fmt: skip
    (clash,) = clashes_of(together, principal_for(w["sec"]))
    assert (clash.conjunction, clash.needs_attention, clash.summary) == (
        True,
        False,
        "Held in conjunction with it.",
    )
    apart = factories.meeting(w["dialogue"], number=6, title="6th AJMDEC", start="2028-06-03",
                              end="2028-06-03", held_with_id=amme.id)  # fmt: skip
    (clash,) = clashes_of(apart, principal_for(w["sec"]))
    assert (clash.needs_attention, clash.summary) == (
        True,
        "Held in conjunction with it, yet 93 days apart.",
    )


FORM = {
    "number": "4",
    "title": "4th AJMDEC",
    "start": "2027-09-06",
    "end": "2027-09-08",
    "status": "planned",
    "format": "in_person",
    "timezone": "Asia/Tokyo",
    "city": "Tokyo",
    "country_code": "JP",
}


def _count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Meeting))


def test_the_form_shows_clashes_before_saving_then_saves_anyway(app, w):
    client = app.test_client()
    sign_in(client, w["sec"])
    before = _count()
    response = client.post(f"/bodies/{w['dialogue'].slug}/meetings/new", data=FORM)
    assert response.status_code == 200 and _count() == before  # nothing saved yet
    page = response.text
    assert "1 meeting near these dates" in page and "Nothing is saved yet." in page
    assert "SOM-27" in page and "1 day apart." in page and "Member states of both: Japan." in page
    assert "Bureau-1" not in page
    assert 'value="Tokyo"' in page and ">Save anyway</button>" in page  # nothing typed is lost
    seen = page.split('name="clashes_seen"')[1].split('value="')[1].split('"')[0]
    assert seen == f"{w['som27'].id}:1"
    saved = client.post(
        f"/bodies/{w['dialogue'].slug}/meetings/new", data={**FORM, "clashes_seen": seen}
    )
    assert saved.status_code == 302 and _count() == before + 1
    meeting_id = int(saved.headers["Location"].rsplit("/", 1)[1])
    # Editing what does not change the dates asks nothing; moving them asks again.
    edit = f"/meetings/{meeting_id}/edit"
    assert client.post(edit, data={**FORM, "venue": "Hall B"}).status_code == 302
    moved = client.post(edit, data={**FORM, "start": "2027-09-09", "end": "2027-09-09"})
    assert moved.status_code == 200 and "Overlaps it." in moved.text
    assert db.session.get(Meeting, meeting_id).start_date == date(2027, 9, 6)


def test_no_clash_saves_at_once(app, w):
    client = app.test_client()
    sign_in(client, w["sec"])
    data = {**FORM, "start": "2027-11-15", "end": "2027-11-16"}
    assert client.post(f"/bodies/{w['dialogue'].slug}/meetings/new", data=data).status_code == 302


def test_a_meeting_known_to_the_day_lasts_at_most_31_days(app, w):
    client = app.test_client()
    sign_in(client, w["sec"])
    data = {**FORM, "start": "2027-09-01", "end": "2027-10-15"}
    response = client.post(f"/bodies/{w['dialogue'].slug}/meetings/new", data=data)
    assert field_errors(response.text) == ["A meeting lasts at most 31 days: give the end day."]


def test_the_api_lists_a_meetings_clashes_for_its_staff(app, w):
    dialogue = factories.meeting(w["dialogue"], number=4, title="4th AJMDEC", start="2027-09-08",
                                 end="2027-09-09")  # fmt: skip
    token = create_token(w["sec"], "planning", "read")[1]
    db.session.commit()
    client = app.test_client()
    url = f"/api/v1/meetings/{dialogue.id}/clashes"
    response = client.get(url, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert [
        (c["title"], c["gap_days"], c["summary"], c["shared_states"]) for c in response.json
    ] == [("SOM-27", 0, "Overlaps it.", ["Japan"])]
    assert client.get(url).status_code == 401
    delegate = create_token(factories.delegate_of(w["a"]), "planning", "read")[1]
    db.session.commit()
    assert client.get(url, headers={"Authorization": f"Bearer {delegate}"}).status_code == 403


def test_a_delegate_sees_clashes_among_their_own_registrations(app):
    def seat(meeting):
        registrations.register(meeting, source="secretariat", **person(1))
        db.session.commit()

    forum = open_meeting()  # 2-5 September 2026, the factories' dates
    workshop = open_meeting()
    workshop.title, workshop.start_date, workshop.end_date = (
        "Workshop",
        date(2026, 9, 7),
        date(2026, 9, 7),
    )
    far = open_meeting()
    far.title, far.start_date, far.end_date = "Far", date(2026, 12, 1), date(2026, 12, 1)
    db.session.commit()
    for meeting in (forum, workshop, far):
        seat(meeting)
    client = app.test_client()
    sign_in(client, factories.user(email="p1@example.org"))
    page = client.get("/account/meetings").text
    assert "Meetings close together" in page
    section = page.split('id="clashes-title"')[1].split("</section>")[0]
    assert f">{forum.title}</a>" in section and ">Workshop</a>" in section
    assert "are 2 days apart." in section and "Far" not in section


def test_the_clash_query_reads_the_date_index(w):
    """Against 50,000 meetings it must not scan them all: the plan uses ix_meeting_dates."""
    stmt = near_query(date(2027, 9, 6), date(2027, 9, 8), principal_for(w["sec"]), None, 3)
    sql = str(stmt.compile(db.engine, compile_kwargs={"literal_binds": True}))
    if db.engine.dialect.name == "sqlite":
        plan = " | ".join(r[-1] for r in db.session.execute(sa.text("EXPLAIN QUERY PLAN " + sql)))
        assert "SEARCH meeting USING INDEX ix_meeting_dates (start_date>" in plan, plan
    else:
        db.session.execute(sa.text("SET LOCAL enable_seqscan = off"))  # a tiny table: force it
        plan = " | ".join(r[0] for r in db.session.execute(sa.text("EXPLAIN " + sql)))
        assert "ix_meeting_dates" in plan and "Index Cond: ((start_date >=" in plan, plan


def test_a_meeting_known_to_the_month_spans_two_months_at_most_and_still_clashes(app, w):
    client = app.test_client()
    sign_in(client, w["sec"])
    long = {**FORM, "start": "2027-07", "end": "2027-09"}
    response = client.post(f"/bodies/{w['dialogue'].slug}/meetings/new", data=long)
    assert field_errors(response.text) == [
        "A meeting known to the month ends in the same month or the next."
    ]
    two = factories.meeting(w["dialogue"], number=7, title="AJ workshop", start="2027-08",
                            end="2027-09")  # fmt: skip
    assert [c.title for c in clashes_of(two, principal_for(w["sec"]))] == ["SOM-27"]


def test_a_postponed_conjunction_meeting_is_not_a_clash(w):
    postponed = factories.meeting(w["som"], number=40, title="SOM-40", start="2028-03-01",
                                  end="2028-03-02", status="postponed")  # fmt: skip
    linked = factories.meeting(w["dialogue"], number=8, title="8th AJMDEC", start="2028-09-03",
                               end="2028-09-03", held_with_id=postponed.id)  # fmt: skip
    assert clashes_of(linked, principal_for(w["sec"])) == []


def test_a_registration_made_without_an_account_is_the_same_person_by_email(w):
    dialogue = factories.meeting(w["dialogue"], number=4, title="4th AJMDEC", start="2027-09-06",
                                 end="2027-09-08")  # fmt: skip
    lee = factories.user(name="Mr Lee", email="lee@example.org")
    add_participant(w["som27"], lee.email)
    for address, name, status in (
        ("LEE@example.org", "Lee (typed on the form)", RegistrationStatus.CONFIRMED),
        ("kim@example.org", "Ms Kim", RegistrationStatus.DECLINED),  # holds no seat
    ):
        db.session.add(
            Registration(
                meeting_id=dialogue.id,
                email=address,
                name=name,
                category=Category.OBSERVER,
                status=status,
            )
        )
    db.session.add(
        Registration(
            meeting_id=w["som27"].id,
            email="kim@example.org",
            name="Ms Kim",
            category=Category.OBSERVER,
            status=RegistrationStatus.CONFIRMED,
        )
    )
    db.session.commit()
    (clash,) = clashes_of(dialogue, principal_for(w["sec"]))
    assert clash.people == ("Mr Lee",)  # the account's name; Ms Kim was declined at one

"""The seed tags meetings with the programme areas the seeds tie them to, and only those;
a database seeded before the tags existed gets them on the next seed."""

from datetime import date

import sqlalchemy as sa
import yaml

from meetings.bodies.models import Body
from meetings.schedule.models import Meeting
from meetings.seeding.actions import YAML_LOADER
from meetings.seeding.loader import HISTORY, load_history

ALL_NEASPEC = ["(a)", "(b)", "(c)", "(d)", "(e)"]


def _meeting(db, body_slug: str, **where) -> Meeting:
    stmt = sa.select(Meeting).join(Meeting.body).where(Body.slug == body_slug)
    for key, value in where.items():
        stmt = stmt.where(getattr(Meeting, key) == value)
    return db.session.scalars(stmt).one()


def _codes(meeting: Meeting) -> list[str]:
    return sorted(a.code for a in meeting.programme_areas)


def _tagged(db) -> int:
    return sum(1 for m in db.session.scalars(sa.select(Meeting)) if m.programme_areas)


def test_the_seed_tags_meetings_with_their_programme_areas(db):
    load_history(documents=None)
    # A forum themed on biodiversity: the CAECF is Component 1's policy dialogue.
    assert _codes(_meeting(db, "caecf", number=2012)) == ["Component 1", "Component 4"]
    assert _codes(_meeting(db, "caecf", number=2011)) == ["Component 1"]
    assert _codes(_meeting(db, "caecf", number=2019)) == ["Component 1", "Component 2"]
    # SPACE 2025, adopted at the 3rd AJMDEC, has three pillars; the 2023 dialogue launched SPACE.
    assert _codes(_meeting(db, "ajmdec", number=3)) == ["1", "2", "3"]
    assert _codes(_meeting(db, "ajmdec", start_date=date(2023, 8, 24))) == ["1", "2", "3"]
    # Areas belong to the meeting's own mechanism.
    ajmdec = _meeting(db, "ajmdec", number=3)
    assert {a.mechanism_id for a in ajmdec.programme_areas} == {ajmdec.body.mechanism_id}
    eco = db.session.scalars(
        sa.select(Meeting).join(Meeting.body).where(Body.slug == "eco-friendly-cities")
    ).all()
    assert {tuple(_codes(m)) for m in eco} == {("Component 2",)}
    air = _meeting(
        db, "green-envoys", title="ASEAN-China High-level Workshop on Air Pollution Control"
    )
    assert _codes(air) == ["Component 1", "Component 3"]
    assert _codes(_meeting(db, "neaspec-nfp", number=2)) == ALL_NEASPEC
    assert _codes(_meeting(db, "neaspec-som", number=23)) == ["(d)", "(e)"]


def test_meetings_the_seeds_tie_to_no_area_stay_untagged(db):
    load_history(documents=None)
    assert _meeting(db, "amme", number=18).programme_areas == []
    assert _meeting(db, "neaspec-som", number=3).programme_areas == []
    green_industry = _meeting(db, "environmental-industry-seminars", start_date=date(2010, 11, 1))
    assert green_industry.programme_areas == []
    assert _tagged(db) == 67


def test_a_history_seeded_without_areas_gets_them_on_the_next_seed(db, tmp_path):
    data = yaml.load(HISTORY.read_text(encoding="utf-8"), Loader=YAML_LOADER)
    for mechanism in data["mechanisms"]:
        for body in mechanism["bodies"]:
            for meeting in body.get("meetings") or []:
                meeting.pop("programme_areas", None)
    untagged = tmp_path / "history.yaml"
    untagged.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    load_history(untagged, documents=None)
    assert _tagged(db) == 0

    report = load_history(documents=None)
    assert report.added["meetings"] == 0
    assert report.added["meetings given programme areas"] == 67
    assert _codes(_meeting(db, "caecf", number=2012)) == ["Component 1", "Component 4"]
    assert not any(load_history(documents=None).added.values())

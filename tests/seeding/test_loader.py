from datetime import date

import sqlalchemy as sa

from meetings.bodies.models import Body
from meetings.mechanisms.models import Mechanism
from meetings.schedule.models import Meeting
from meetings.seeding.loader import load_history


def _meeting(db, body_slug, **where):
    stmt = sa.select(Meeting).join(Meeting.body).where(Body.slug == body_slug)
    for key, value in where.items():
        stmt = stmt.where(getattr(Meeting, key) == value)
    return db.session.scalars(stmt).one()


def test_seed_loads_the_history_once(db):
    first = load_history()
    counts = [db.session.query(m).count() for m in (Mechanism, Body, Meeting)]
    stamps = db.session.scalars(sa.select(Meeting.updated_at).order_by(Meeting.id)).all()
    second = load_history()
    assert first.added == {
        "mechanisms": 3,
        "programme areas": 21,
        "bodies": 14,
        "meetings": 75,
        "actions": 152,
        "documents": 6,
        "files": 6,
        "themes": 10,
    }
    assert not any(second.added.values())
    assert counts == [3, 14, 75]
    assert [db.session.query(m).count() for m in (Mechanism, Body, Meeting)] == counts
    assert db.session.scalars(sa.select(Meeting.updated_at).order_by(Meeting.id)).all() == stamps


def test_seed_facts_match_the_documents(db):
    load_history()
    ajmdec = _meeting(db, "ajmdec", number=3)
    assert (
        ajmdec.title,
        ajmdec.start_date,
        ajmdec.end_date,
        ajmdec.city,
        ajmdec.country_code,
        ajmdec.timezone,
    ) == (
        "3rd ASEAN-Japan Ministerial Dialogue on Environment and Climate Change",
        date(2025, 9, 2),
        date(2025, 9, 5),
        "Langkawi",
        "MY",
        "Asia/Kuala_Lumpur",
    )
    assert ajmdec.held_with.title == "18th ASEAN Ministerial Meeting on the Environment"
    vientiane = _meeting(db, "ajmdec", start_date=date(2023, 8, 24))
    assert (vientiane.city, vientiane.timezone, vientiane.date_precision) == (
        "Vientiane",
        "Asia/Vientiane",
        "day",
    )
    caecf = _meeting(db, "caecf", number=2013)
    assert (caecf.city, caecf.dates_label, caecf.theme) == (
        "Guilin",
        "September 2013",
        "Building up Partnership for Regional Green Transformation",
    )
    nfp2 = _meeting(db, "neaspec-nfp", number=2)
    assert (nfp2.start_date, nfp2.title) == (
        date(2020, 8, 6),
        "2nd Meeting of National Focal Points of NEASPEC (NFP-2)",
    )
    neaspec = db.session.scalars(sa.select(Mechanism).where(Mechanism.slug == "neaspec")).one()
    assert neaspec.country_codes == ["CN", "JP", "KP", "KR", "MN", "RU"]
    assert db.session.query(Meeting).filter(Meeting.body.has(slug="green-envoys")).count() == 30


def test_seed_keeps_later_edits(db):
    load_history()
    caecf = _meeting(db, "caecf", number=2019)
    caecf.theme = "Edited by the secretariat"
    db.session.commit()
    load_history()
    assert _meeting(db, "caecf", number=2019).theme == "Edited by the secretariat"

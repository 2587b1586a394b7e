"""The seed's documents: added with their English text, linked as the seeds say, searchable,
listed on their meetings' pages, added once, and announced to no one."""

from datetime import date

import sqlalchemy as sa

from meetings.access.principal import ANONYMOUS
from meetings.audit.models import AuditEntry
from meetings.bodies.models import Body
from meetings.calendars.subscriptions import follow
from meetings.core.dates import DatePrecision
from meetings.documents.models import Document, DocumentFile, TextStatus
from meetings.documents.services import update_document
from meetings.notifications.models import Notification
from meetings.schedule.models import Meeting
from meetings.search.query import SearchFilter, search_documents
from meetings.seeding.documents import TEXTS
from meetings.seeding.loader import load_history
from tests import factories

JOINT_STATEMENT = (
    "Joint Statement on the ASEAN-Japan Mutually Beneficial Partnership on Environment and "
    "Climate Change for Materializing New Growth"
)
SPACE_2023 = "Strategic Program for ASEAN Climate and Environment (SPACE)"
SPACE_2025 = "Strategic Program for ASEAN Climate and Environment (SPACE) 2025"
ACTION_PLAN = "ASEAN-China Environmental Cooperation Action Plan (2011-2013)"
FRAMEWORK = "Framework of ASEAN-China Environmental Cooperation Strategy and Action Plan 2021-2025"
BACKGROUND = "Background for the Strategic Plan 2021-2025"
TITLES = (JOINT_STATEMENT, SPACE_2025, SPACE_2023, ACTION_PLAN, FRAMEWORK, BACKGROUND)


def _doc(db, title: str) -> Document:
    return db.session.scalars(sa.select(Document).where(Document.title == title)).one()


def _meeting(db, body_slug: str, **where) -> Meeting:
    stmt = sa.select(Meeting).join(Meeting.body).where(Body.slug == body_slug)
    for key, value in where.items():
        stmt = stmt.where(getattr(Meeting, key) == value)
    return db.session.scalars(stmt).one()


def _found(text: str) -> set[str]:
    results = search_documents(ANONYMOUS, SearchFilter(text=text), 1, 50)
    return {d.title for d in results.items}


def test_the_seed_adds_the_documents_with_their_files_and_links(db):
    report = load_history()
    assert (report.added["documents"], report.added["files"]) == (6, 6)
    assert sorted(db.session.scalars(sa.select(Document.title))) == sorted(TITLES)

    ajmdec_3 = _meeting(db, "ajmdec", number=3)
    vientiane = _meeting(db, "ajmdec", start_date=date(2023, 8, 24))
    statement, space_2025, space_2023 = (_doc(db, t) for t in TITLES[:3])
    assert (statement.type, statement.status, statement.meeting, statement.adopted_at) == (
        "joint_statement",
        "adopted",
        ajmdec_3,
        ajmdec_3,
    )
    assert (space_2025.type, space_2025.status, space_2025.parent) == (
        "strategic_plan",
        "adopted",
        statement,
    )
    assert space_2025.adopted_at == ajmdec_3
    assert statement.annexes == [space_2025]
    assert (space_2023.status, space_2023.superseded_by) == ("superseded", space_2025)
    assert (space_2023.meeting, space_2023.adopted_at) == (vientiane, vientiane)

    plan = _doc(db, ACTION_PLAN)
    assert (plan.type, plan.status, plan.body.slug, plan.meeting, plan.adopted_at) == (
        "action_plan",
        "adopted",
        "asean-china-emm",
        None,
        None,
    )
    assert (plan.adopted_on, plan.adopted_on_precision) == (date(2011, 1, 1), DatePrecision.YEAR)

    framework = _doc(db, FRAMEWORK)
    assert (framework.type, framework.status, framework.body.slug) == (
        "strategic_plan",
        "issued",
        "asean-china-nfp",
    )
    assert framework.adopted_on is None and framework.adopted_at is None

    background = _doc(db, BACKGROUND)
    nfp_2 = _meeting(db, "neaspec-nfp", number=2)
    assert (background.symbol, background.type, background.status, background.meeting) == (
        "NEASPEC/NFP-2/1",
        "working",
        "issued",
        nfp_2,
    )

    for title in TITLES:
        document = _doc(db, title)
        assert document.source, title
        assert document.published_at is not None, title
        (file,) = document.current_files
        assert (file.language, file.kind, file.text_status) == ("en", "txt", TextStatus.DONE)
    assert db.session.query(DocumentFile).count() == 6


def test_the_joint_statement_and_its_annex_are_split_at_the_annex_heading(db):
    load_history()
    statement, space_2025 = _doc(db, JOINT_STATEMENT), _doc(db, SPACE_2025)
    (statement_text,) = (f.text for f in statement.current_files)
    (annex_text,) = (f.text for f in space_2025.current_files)
    assert statement_text.startswith("#### **OUTCOME DOCUMENT**")
    assert "Annex to the Joint Statement" not in statement_text
    assert annex_text.startswith("# **Annex to the Joint Statement**")
    assert "ARCPEEC" in annex_text and "ARCPEEC" not in statement_text


def test_the_texts_are_in_the_package_in_utf8(app):
    names = sorted(p.name for p in TEXTS.glob("*.txt"))
    assert len(names) == 6
    for name in names:
        (TEXTS / name).read_text(encoding="utf-8")  # UTF-8, all of them


def test_their_text_is_searchable(db):
    load_history()
    assert {SPACE_2023, SPACE_2025, JOINT_STATEMENT} <= _found("SPACE")
    # Words found only in the files' text, not in any title or description.
    assert _found("Ulaanbaatar") == {BACKGROUND}
    assert _found("ARCPEEC") == {SPACE_2025}
    assert _found("PaSTI") == {SPACE_2023, JOINT_STATEMENT, SPACE_2025}
    assert _found("ASOEN") == {FRAMEWORK}
    assert _found("NEASPEC/NFP-2/1") >= {BACKGROUND}


def test_loading_twice_adds_nothing_and_keeps_edits(db):
    load_history()
    framework = _doc(db, FRAMEWORK)
    update_document(framework, description="Edited by the secretariat")
    db.session.commit()
    stamps = db.session.scalars(sa.select(Document.updated_at).order_by(Document.id)).all()
    again = load_history()
    assert (again.added["documents"], again.added["files"]) == (0, 0)
    assert str(again) == "Seed history already loaded: nothing to add."
    assert db.session.query(Document).count() == 6
    assert db.session.query(DocumentFile).count() == 6
    assert db.session.scalars(sa.select(Document.updated_at).order_by(Document.id)).all() == stamps
    assert _doc(db, FRAMEWORK).description == "Edited by the secretariat"


def test_a_document_known_by_its_symbol_is_not_added_again(db):
    load_history(documents=None)
    nfp = db.session.scalars(sa.select(Body).where(Body.slug == "neaspec-nfp")).one()
    factories.document(nfp, symbol="NEASPEC/NFP-2/1", title="Renamed by the secretariat")
    report = load_history()
    assert report.added["documents"] == 5
    titles = db.session.scalars(sa.select(Document.title).where(Document.body_id == nfp.id))
    assert list(titles) == ["Renamed by the secretariat"]


def test_loading_history_announces_nothing(db, smtp_server):
    load_history(documents=None)
    reader = factories.user(email="reader@example.org")
    for slug in ("ajmdec", "asean-china-emm", "neaspec-nfp"):
        follow(reader, db.session.scalars(sa.select(Body).where(Body.slug == slug)).one())
    db.session.commit()
    load_history()
    assert db.session.query(Notification).count() == 0
    assert smtp_server == []


def test_the_seed_command_acts_as_the_seed_loader(app, db):
    result = app.test_cli_runner().invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    assert "6 documents, 6 files." in result.output
    actors = db.session.scalars(
        sa.select(AuditEntry.actor).where(AuditEntry.entity_type == "document").distinct()
    ).all()
    assert actors == ["seed loader"]


def test_the_meeting_pages_list_their_documents(app, db, client):
    load_history()
    ajmdec_3 = _meeting(db, "ajmdec", number=3)
    page = client.get(f"/meetings/{ajmdec_3.id}").text
    assert "Joint Statement on the ASEAN-Japan Mutually Beneficial Partnership" in page
    assert "Strategic Program for ASEAN Climate and Environment (SPACE) 2025" in page
    vientiane = _meeting(db, "ajmdec", start_date=date(2023, 8, 24))
    assert "Strategic Program for ASEAN Climate and Environment (SPACE)" in (
        client.get(f"/meetings/{vientiane.id}").text
    )
    nfp_2 = _meeting(db, "neaspec-nfp", number=2)
    page = client.get(f"/meetings/{nfp_2.id}").text
    assert "Background for the Strategic Plan 2021-2025" in page
    assert "NEASPEC/NFP-2/1" in page

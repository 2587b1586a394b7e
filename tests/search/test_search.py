"""Search finds the same documents and meetings, in the same order, on SQLite (FTS5) and
PostgreSQL: one corpus, its queries and their results written out, run on every backend.

Then: the index follows renames and deletions, the word rules cut text as both databases
would, and the /search page (filters, paging, bad input, the header's box, query counts).
"""

import io
import re
from datetime import date, time

import docx as python_docx
import pytest
import sqlalchemy as sa

from meetings.access.principal import ANONYMOUS, principal_for
from meetings.bodies.models import Body
from meetings.documents import services as documents
from meetings.documents.models import (
    Document,
    DocumentFile,
    DocumentStatus,
    DocumentType,
    TextStatus,
)
from meetings.extensions import db
from meetings.mechanisms.models import Mechanism
from meetings.schedule import services as schedule
from meetings.search.models import FTS_TABLE, SearchEntry
from meetings.search.query import (
    SearchFilter,
    matching_entries,
    search_documents,
    search_meetings,
)
from meetings.search.terms import MAX_TERMS_BYTES, MAX_WORD_CHARS, query_words, terms, words
from tests import factories
from tests.conftest import sign_in
from tests.documents.samples import pdf_with_text
from tests.test_query_counts import count_queries

# ---- the corpus ------------------------------------------------------------------------------

PLAN = "Strategic Plan 2021-2025"
AGENDA = "Provisional agenda"
REPORT = "Report of the Second Meeting of National Focal Points"
LITTER = "海洋ごみ対策について"
STATEMENT = "环境合作联合声明"
KOREAN = "환경협력 보고서"
WORK_PLAN = "Work plan 2024-2025"
WITHDRAWN = "Withdrawn note on phantom emissions"
DRAFT = "Draft framework on blue carbon"
BUDGET_NOTES = "Budget consultation notes"
MINUTES = "Minutes of the closed session"
DECLARATION = "Hà Nội Declaration on Clean Air"
SPECIMENS = "Specimen register"

HANOI = "Twenty-fifth Senior Officials Meeting"
NFP2 = "Second Meeting of National Focal Points"
RESTRICTED = "Restricted Consultation on Budget"
FORUM = "ASEAN-China Environmental Cooperation Forum 中国—东盟环境合作论坛"


def docx_with_table(paragraph: str, cell: str) -> bytes:
    """A Word file with one paragraph and a one-cell table holding other words."""
    document = python_docx.Document()
    document.add_paragraph(paragraph)
    document.add_table(rows=1, cols=1).cell(0, 0).text = cell
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def txt(text: str) -> bytes:
    return text.encode()


def held(body, title: str, start: str, end: str, city: str, country: str, **fields):
    return factories.meeting(
        body,
        title=title,
        start=start,
        end=end,
        city=city,
        country_code=country,
        status="held",
        **fields,
    )


def build_corpus() -> dict:
    """Two mechanisms, three bodies, four meetings, thirteen documents (one deleted)."""
    neaspec = factories.mechanism(slug="neaspec", short_name="NEASPEC", name="NEASPEC")
    acec = factories.mechanism(slug="acec", short_name="ACEC", name="ASEAN-China")
    som = factories.body(neaspec, slug="neaspec-som", number_prefix="SOM")
    nfp = factories.body(
        neaspec,
        slug="neaspec-nfp",
        name="National Focal Points Meeting",
        short_name="NFP",
        number_prefix="NFP",
    )
    forum = factories.body(
        acec,
        slug="acec-forum",
        name="Environmental Cooperation Forum",
        short_name="Forum",
        numbering_style="none",
    )
    hanoi = held(som, HANOI, "2023-10-24", "2023-10-26", "Hà Nội", "VN", number=25)
    nfp2 = held(nfp, NFP2, "2021-03-10", "2021-03-11", "Incheon", "KR", number=2)
    restricted = held(
        som, RESTRICTED, "2024-05-02", "2024-05-03", "Ulaanbaatar", "MN", visibility="members"
    )
    forum_meeting = held(forum, FORUM, "2022-09-06", "2022-09-07", "Nanning", "CN")
    closed = factories.session(
        hanoi,
        title="Closed session",
        day=date(2023, 10, 25),
        start_time=time(9),
        end_time=time(10),
        visibility="secretariat",
    )
    pdf = pdf_with_text(
        "The programme protects marine areas.", "Nature conservation in transboundary areas"
    )
    factories.document(
        meeting=hanoi,
        type="strategic_plan",
        title=PLAN,
        symbol="NEASPEC/SOM(25)/3",
        status="adopted",
        upload=("NEASPEC_SOM25_3.pdf", pdf, "en"),
    )
    factories.document(
        meeting=nfp2,
        type="provisional_agenda",
        title=AGENDA,
        symbol="NEASPEC/NFP-2/1",
        upload=("agenda.txt", txt("Opening of the meeting. Adoption of the agenda."), "en"),
    )
    report = docx_with_table("The meeting reviewed the work programme.", "Dust and sandstorms")
    factories.document(
        meeting=nfp2,
        type="report",
        title=REPORT,
        symbol="NEASPEC/NFP-2/2",
        status="adopted",
        upload=("report.docx", report, "en"),
    )
    text = "北東アジアの海洋ごみ対策とアジア・太平洋の協力"
    factories.document(meeting=hanoi, title=LITTER, upload=("ja.txt", txt(text), "ja"))
    factories.document(
        meeting=forum_meeting,
        type="joint_statement",
        title=STATEMENT,
        status="adopted",
        upload=("zh.txt", txt("中国与东盟加强环境合作"), "zh"),
    )
    factories.document(som, title=KOREAN, upload=("ko.txt", txt("한국 환경협력 사업"), "ko"))
    work_plan = factories.document(
        meeting=hanoi,
        type="work_plan",
        title=WORK_PLAN,
        status="for_comment",
        upload=("plan.txt", txt("Activities on zostera meadows."), "en"),
    )
    documents.add_file(work_plan, documents.Upload("plan.txt", txt("Activities on coral reefs.")))
    db.session.commit()
    withdrawn = factories.document(
        meeting=hanoi,
        title=WITHDRAWN,
        symbol="NEASPEC/SOM(25)/INF/9",
        upload=("note.txt", txt("Phantom emissions were counted twice."), "en"),
    )
    documents.delete_document(withdrawn)
    db.session.commit()
    factories.document(som, type="strategic_plan", title=DRAFT, status="draft")
    factories.document(
        meeting=restricted,
        type="working",
        title=BUDGET_NOTES,
        upload=("notes.txt", txt("Seagrass restoration budget."), "en"),
    )
    factories.document(meeting=hanoi, type="working", title=MINUTES, session_id=closed.id)
    factories.document(
        som,
        type="declaration",
        title=DECLARATION,
        status="adopted",
        adopted_on="2019-06",
        upload=("vi.txt", txt("Tuyên bố Hà Nội về không khí sạch"), "vi"),
    )
    factories.document(forum, title=SPECIMENS, upload=("s.txt", txt("Specimen 6e78kelp."), "en"))
    staff = principal_for(factories.secretariat_of(neaspec))
    return {"anyone": principal_for(None), "staff": staff}


# Each query, as whom, and the titles it finds: documents then meetings, newest first.
QUERIES = [
    ("prefix", {"q": "strat"}, [PLAN], []),
    ("two words, both needed", {"q": "strategic plan"}, [PLAN], []),
    ("one word, two documents", {"q": "plan"}, [WORK_PLAN, PLAN], []),
    ("symbol", {"q": "NFP-2/1"}, [AGENDA], []),
    ("symbol prefix", {"q": "NEASPEC/NFP-2"}, [REPORT, AGENDA], []),
    ("words in a PDF only", {"q": "marine"}, [PLAN], []),
    ("words in a DOCX table only", {"q": "sandstorms"}, [REPORT], []),
    ("words of an older revision only", {"q": "zostera"}, [], []),
    ("words of the current revision", {"q": "coral"}, [WORK_PLAN], []),
    ("a deleted document", {"q": "phantom"}, [], []),
    ("capitals without accents", {"q": "HA NOI"}, [DECLARATION], [HANOI]),
    ("accents", {"q": "hà nội"}, [DECLARATION], [HANOI]),
    ("Chinese", {"q": "环境合作"}, [STATEMENT], [FORUM]),
    ("Chinese, two characters", {"q": "合作"}, [STATEMENT], [FORUM]),
    ("Japanese", {"q": "海洋ごみ"}, [LITTER], []),
    ("Japanese with a middle dot", {"q": "アジア・太平洋"}, [LITTER], []),
    ("Korean, inside a compound", {"q": "협력"}, [KOREAN], []),
    ("after a number with an exponent", {"q": "kelp"}, [SPECIMENS], []),
    ("meetings by title", {"q": "senior officials"}, [], [HANOI]),
    ("meetings by body", {"q": "meeting"}, [REPORT, AGENDA], [HANOI, NFP2]),
    (
        "staff see restricted meetings",
        {"q": "meeting", "as": "staff"},
        [REPORT, AGENDA],
        [RESTRICTED, HANOI, NFP2],
    ),
    ("mechanism", {"mechanism": "acec"}, [STATEMENT, SPECIMENS], [FORUM]),
    ("body", {"body": "neaspec-nfp"}, [REPORT, AGENDA], [NFP2]),
    ("type: documents only", {"type": "report"}, [REPORT], []),
    ("status", {"status": "adopted"}, [PLAN, STATEMENT, REPORT, DECLARATION], []),
    ("language", {"language": "ja"}, [LITTER], []),
    ("language, Vietnamese", {"language": "vi"}, [DECLARATION], []),
    ("year", {"year": 2021}, [REPORT, AGENDA], [NFP2]),
    ("year adopted on", {"year": 2019}, [DECLARATION], []),
    ("words and year", {"q": "plan", "year": 2023}, [WORK_PLAN, PLAN], []),
    ("words and mechanism", {"q": "cooperation", "mechanism": "neaspec"}, [], []),
    ("a draft, anonymous", {"q": "carbon"}, [], []),
    ("a draft, the body's staff", {"q": "carbon", "as": "staff"}, [DRAFT], []),
    ("a restricted meeting's document", {"q": "seagrass"}, [], []),
    ("... to its staff", {"q": "seagrass", "as": "staff"}, [BUDGET_NOTES], []),
    ("a closed session's document", {"q": "minutes"}, [], []),
    ("... to its staff", {"q": "minutes", "as": "staff"}, [MINUTES], []),
    ("restricted meeting by title", {"q": "budget"}, [], []),
    ("... to its staff", {"q": "budget", "as": "staff"}, [BUDGET_NOTES], [RESTRICTED]),
]


def id_of(model, slug: str | None) -> int | None:
    return db.session.scalar(sa.select(model.id).where(model.slug == slug)) if slug else None


def search_filter(asked: dict) -> SearchFilter:
    return SearchFilter(
        text=asked.get("q", ""),
        mechanism_id=id_of(Mechanism, asked.get("mechanism")),
        body_id=id_of(Body, asked.get("body")),
        types=tuple(DocumentType(t) for t in [asked.get("type")] if t),
        statuses=tuple(DocumentStatus(s) for s in [asked.get("status")] if s),
        language=asked.get("language"),
        year=asked.get("year"),
    )


def titles(viewer, f: SearchFilter) -> tuple[list[str], list[str]]:
    found_documents = search_documents(viewer, f, 1, 50)
    found_meetings = search_meetings(viewer, f, 1, 50)
    assert found_documents.total == len(found_documents.items)
    assert found_meetings.total == len(found_meetings.items)
    return (
        [d.title for d in found_documents.items],
        [m.title for m in found_meetings.items],
    )


def test_queries_find_the_written_results(app):
    viewers = build_corpus()
    found, expected = {}, {}
    for label, asked, document_titles, meeting_titles in QUERIES:
        key = f"{label}: {asked}"
        found[key] = titles(viewers[asked.get("as", "anyone")], search_filter(asked))
        expected[key] = (document_titles, meeting_titles)
    assert found == expected


def test_every_file_of_the_corpus_was_read(app):
    build_corpus()
    statuses = db.session.execute(sa.select(DocumentFile.filename, DocumentFile.text_status)).all()
    assert {status for _name, status in statuses} == {TextStatus.DONE}
    assert len(statuses) == 12


# ---- the index follows changes ---------------------------------------------------------------


def meetings_found(text: str) -> list[str]:
    return [m.title for m in search_meetings(ANONYMOUS, SearchFilter(text=text), 1, 10).items]


def documents_found(text: str) -> list[str]:
    return [d.title for d in search_documents(ANONYMOUS, SearchFilter(text=text), 1, 10).items]


def entries_matching(text: str) -> list[int]:
    """Entry ids the database's own index matches, without the joins to records."""
    stmt = sa.select(SearchEntry.id).where(matching_entries(query_words(text)))
    return list(db.session.scalars(stmt))


MEETING_FIELDS = {
    "start": "2025-04-01",
    "end": "2025-04-02",
    "timezone": "Asia/Seoul",
    "city": "Busan",
    "country_code": "KR",
    "status": "held",
    "format": "in_person",
}


def test_renaming_a_meeting_changes_what_is_found(app):
    meeting = factories.meeting(title="Workshop on peatland fires", **MEETING_FIELDS)

    schedule.update_meeting(meeting, title="Workshop on mangrove forests", **MEETING_FIELDS)
    db.session.commit()

    assert meetings_found("peatland") == []
    assert meetings_found("mangrove forests") == ["Workshop on mangrove forests"]


def test_renaming_a_document_changes_what_is_found(app):
    document = factories.document(title="Note on peatland fires", symbol="X/1")

    documents.update_document(document, title="Note on mangrove forests", symbol="X/2")
    db.session.commit()

    assert documents_found("peatland") == []
    assert documents_found("X/1") == []
    assert documents_found("mangrove X/2") == ["Note on mangrove forests"]


def test_a_new_revision_replaces_the_words_of_the_old(app):
    document = factories.document(upload=("a.txt", txt("Peatland fires."), "en"))
    assert documents_found("peatland") == [document.title]

    documents.add_file(document, documents.Upload("a.txt", txt("Mangrove forests.")))
    db.session.commit()

    assert documents_found("peatland") == []
    assert documents_found("mangrove") == [document.title]


def test_deleting_a_meeting_removes_its_entry(app):
    meeting = factories.meeting(title="Workshop on peatland fires", **MEETING_FIELDS)
    assert entries_matching("peatland") != []

    schedule.delete_meeting(meeting)
    db.session.commit()
    # A new entry may take the deleted one's id (SQLite reuses the highest rowid): the
    # FTS5 triggers must have removed the old words, or the new meeting would be found.
    factories.meeting(title="Workshop on coral reefs", **MEETING_FIELDS)

    assert meetings_found("peatland") == []
    assert entries_matching("peatland") == []
    assert meetings_found("coral") == ["Workshop on coral reefs"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SearchEntry)) == 1


def test_deleting_a_document_empties_its_entry(app):
    document = factories.document(title="Note on peatland fires")

    documents.delete_document(document)
    db.session.commit()

    assert entries_matching("peatland") == []
    assert db.session.scalar(sa.select(SearchEntry.terms)) == ""


def test_the_fts_table_holds_the_entries_words(app):
    """On SQLite the words live twice (search_entry and search_fts): both say the same."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the FTS5 table is SQLite's")
    meeting = factories.meeting(title="Workshop on peatland fires", **MEETING_FIELDS)
    schedule.update_meeting(meeting, title="Workshop on coral reefs", **MEETING_FIELDS)
    db.session.commit()

    rows = db.session.execute(sa.text(f"SELECT rowid FROM {FTS_TABLE} WHERE terms MATCH 'coral'"))
    old = db.session.execute(sa.text(f"SELECT rowid FROM {FTS_TABLE} WHERE terms MATCH 'peat*'"))

    assert list(rows) != [] and list(old) == []


# ---- the word rules ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hà Nội", ["ha", "noi"]),
        ("HA NOI", ["ha", "noi"]),
        ("NEASPEC/NFP-2/1", ["neaspec", "nfp", "2", "1"]),
        ("Straße", ["strasse"]),
        ("环境合作", ["环", "境", "合", "作"]),
        ("アジア・太平洋", ["ア", "シ", "ア", "太", "平", "洋"]),  # the dot is punctuation
        ("환경협력", ["환", "경", "협", "력"]),  # syllables, not their jamo
        ("ﬁnal Ⅻ ①", ["final", "xii", "1"]),  # compatibility forms
        ("6e78kelp 1e6", ["6e78", "kelp", "1e6"]),  # as PostgreSQL reads an exponent
        ("area ½ ௰ ten", ["area", "1", "2", "ten"]),  # numbers that are not digits: spaces
        ("snake_case", ["snake", "case"]),
        ("!!! — ・ …", []),
    ],
)
def test_words(text, expected):
    assert words(text) == expected


def test_a_long_word_is_cut_the_same_in_the_index_and_the_query():
    long = "ก" * 1000  # Thai runs long without spaces: 3 bytes a letter
    assert words(long) == ["ก" * MAX_WORD_CHARS]
    assert query_words(long + "ข") == words(long)


def test_terms_keep_each_word_once_within_the_size_postgresql_accepts():
    assert terms("Plan plan PLAN", "plan de acción") == "plan de accion"
    numbers = " ".join(str(n) for n in range(100_000, 300_000))
    kept = terms(numbers).split()
    assert 0 < len(kept) < 200_000
    assert sum(len(w) + 9 for w in kept) <= MAX_TERMS_BYTES


def test_a_huge_table_of_numbers_is_indexed(app):
    """PostgreSQL refuses a tsvector over 1 MB: a PDF of statistical tables must still save."""
    numbers = " ".join(str(n) for n in range(100_000, 400_000))
    document = factories.document(upload=("tables.txt", txt(numbers), "en"))
    file = document.files[0]
    db.session.refresh(file)
    assert file.text_status is TextStatus.DONE
    assert documents_found("100000") == [document.title]


# ---- the page ---------------------------------------------------------------------------------


def page(client, **args) -> str:
    response = client.get("/search", query_string=args)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_page_without_words_or_filters_asks_for_them(client):
    factories.document(title="Note on peatland fires")
    for args in ({}, {"q": ""}, {"q": "!!! ・ —"}):
        html = page(client, **args)
        assert "Type some words or choose a filter." in html
        assert "Documents (" not in html


def test_page_lists_documents_and_meetings(client):
    build_corpus()
    html = page(client, q="meeting")

    assert "Documents (2)" in html and "Meetings (2)" in html
    report = db.session.scalar(sa.select(Document).where(Document.title == REPORT))
    file = report.current_files[0]
    assert f'href="/documents/{report.id}"' in html
    assert f'href="/documents/{report.id}/files/{file.id}/report.docx"' in html
    assert "NEASPEC/NFP-2/2" in html and "Report of the meeting" in html and "Adopted" in html
    assert f'Tabled at <a href="/meetings/{report.meeting_id}">{NFP2}</a>' in html
    assert report.meeting.dates_label in html
    assert "Incheon, Republic of Korea" in html
    assert RESTRICTED not in html


def test_page_filters_list_what_the_reader_may_see(client):
    hidden = factories.mechanism(slug="hidden", short_name="HIDDEN", visibility="secretariat")
    factories.body(hidden, slug="hidden-body")
    build_corpus()

    html = page(client, mechanism="acec", type="report")

    assert 'value="neaspec"' in html and 'value="acec" selected' in html
    assert 'value="hidden"' not in html and 'value="hidden-body"' not in html
    assert 'value="report" selected' in html
    assert "Documents (0)" in html
    assert "apply to documents only" in html


def test_page_of_a_hidden_mechanism_is_a_filter_left_out(client):
    hidden = factories.mechanism(slug="hidden", short_name="HIDDEN", visibility="secretariat")
    factories.document(factories.body(hidden), title="Hidden note")
    factories.document(title="Open note")

    html = page(client, mechanism="hidden", q="note")

    assert "There is no mechanism “hidden”: that filter was left out." in html
    assert "Documents (1)" in html and "Open note" in html and "Hidden note" not in html


@pytest.mark.parametrize(
    ("args", "notice"),
    [
        ({"year": "abc"}, "“abc” is not a year from 1900 to 2200"),
        ({"year": "0"}, "“0” is not a year"),
        ({"year": "99999999999999999999"}, "is not a year"),
        ({"year": "２０２１"}, "is not a year"),
        ({"type": "memo"}, "There is no document type “memo”"),
        ({"status": "lost"}, "There is no status “lost”"),
        ({"language": "xx"}, "There is no language “xx”"),
        ({"mechanism": "nowhere"}, "There is no mechanism “nowhere”"),
        ({"body": "../etc"}, "There is no body “../etc”"),
        ({"q": "!!!", "year": "2021"}, "has no words in it"),
        ({"q": " ".join(f"w{n}" for n in range(20))}, "Only the first 12 words"),
    ],
)
def test_page_bad_input_is_left_out_with_a_notice(client, args, notice):
    factories.document(title="Note on peatland fires")
    assert notice in page(client, **args)


@pytest.mark.parametrize(
    "args",
    [
        {"q": "peat", "documents_page": "-1"},
        {"q": "peat", "documents_page": "abc", "meetings_page": "0"},
        {"q": "peat", "meetings_page": "99999999999999999999999"},
        {"q": "peat", "documents_page": "500"},
        {"q": "x" * 5000},
        {"q": "ก" * 400},
        {"mechanism": "x" * 5000, "body": "ACEC"},
        {"q": "'\" OR 1=1 -- ) ( * : & | ! <>"},
        {"q": "NEAR(peat fires) AND NOT peat* ^peat"},
        {"type": ["report", "memo", "report"], "status": ""},
    ],
)
def test_page_bad_input_never_fails(client, args):
    factories.document(title="Note on peatland fires")
    html = page(client, **args)
    assert "Documents (" in html or "Type some words" in html


def test_page_with_nul_characters_says_they_are_not_allowed(client):
    response = client.get("/search", query_string={"q": "\x00 peat", "body": "b"})
    assert response.status_code == 400
    assert "NUL characters are not allowed (query field &#39;q&#39;)." in response.get_data(
        as_text=True
    )


def test_page_q_with_fts_syntax_is_words(client):
    factories.document(title="Note on peatland fires")
    html = page(client, q='"peatland" OR NOT')
    assert "Documents (0)" in html
    assert "Documents (1)" in page(client, q='"peatland" fires*')


def test_page_empty_query_with_filters_browses(client):
    build_corpus()
    html = page(client, body="neaspec-nfp")
    assert "Documents (2)" in html and "Meetings (1)" in html
    assert html.index(">NEASPEC/NFP-2/2<") < html.index(">NEASPEC/NFP-2/1<")


def test_page_staff_find_drafts(client):
    build_corpus()
    assert DRAFT not in page(client, q="carbon")
    neaspec = db.session.scalar(sa.select(Mechanism).where(Mechanism.slug == "neaspec"))
    sign_in(client, factories.secretariat_of(neaspec))
    assert DRAFT in page(client, q="carbon")


def grow(body, meeting, start: int, stop: int) -> None:
    for n in range(start, stop):
        factories.document(
            meeting=meeting,
            title=f"Dugong survey {n}",
            status="adopted" if n % 2 else "issued",
            adopted_at_id=meeting.id if n % 2 else None,
            upload=(f"survey-{n}.txt", txt(f"Dugong count {n}"), "en"),
        )
        held(body, f"Dugong workshop {n}", f"20{10 + n % 10}", "", "Trat", "TH")
        factories.session(
            meeting,
            title=f"Dugong session {n}",
            day=date(2020, 1, 2),
            start_time=time(8 + n % 10),
            end_time=time(9 + n % 10),
        )
        factories.action(body, title=f"Dugong action {n}", due="2020")


def listed(html: str) -> dict[str, int]:
    """How many results each section of the page lists."""
    sections = re.findall(r'<section class="search-results" id="(\w+)"(.*?)</section>', html, re.S)
    return {kind: part.count('class="search-result"') for kind, part in sections}


def test_page_lists_the_first_of_each_kind_and_pages_one_kind(client):
    body = factories.body()
    meeting = held(body, "Dugong forum", "2020-01-02", "2020-01-03", "Trat", "TH")
    grow(body, meeting, 0, 24)

    first = page(client, q="dugong")
    assert "Documents (24)" in first and "Meetings (25)" in first
    assert listed(first) == {
        "meetings": 5,
        "sessions": 5,
        "documents": 5,
        "actions": 5,
        "people": 0,
    }
    assert 'href="/search?q=dugong&amp;kind=documents">All 24 documents</a>' in first
    assert 'href="/search?q=dugong&amp;kind=meetings">All 25 meetings</a>' in first

    documents = page(client, q="dugong", kind="documents")
    assert listed(documents) == {"documents": 20}
    assert 'rel="next" href="/search?q=dugong&amp;kind=documents&amp;page=2"' in documents

    second = page(client, q="dugong", kind="meetings", page=2)
    assert listed(second) == {"meetings": 5}
    assert "Dugong workshop 0" not in first and "Dugong workshop 0" in second
    assert 'rel="prev" href="/search?q=dugong&amp;kind=meetings&amp;page=1"' in second

    beyond = page(client, q="dugong", kind="documents", page=7)
    assert "No documents on this page." in beyond and "Documents (24)" in beyond


def test_page_query_count_does_not_grow(client):
    body = factories.body()
    meeting = held(body, "Dugong forum", "2020-01-02", "2020-01-03", "Trat", "TH")
    grow(body, meeting, 0, 3)
    urls = [
        "/search?q=dugong",
        f"/search?body={body.slug}",
        "/search?q=dugong&status=adopted",
        "/search?q=dugong&kind=documents",
        f"/search?body={body.slug}&year=2020&kind=sessions",
    ]

    def counts() -> dict[str, int]:
        result = {}
        for url in urls:
            with count_queries() as statements:
                assert client.get(url).status_code == 200
            result[url] = len(statements)
        return result

    small = counts()
    grow(body, meeting, 3, 30)
    factories.body(body.mechanism)
    assert counts() == small


def test_header_has_a_search_box(client):
    html = client.get("/").get_data(as_text=True)
    box = re.search(r'<form class="site-search" role="search" method="get" action="/search">', html)
    assert box is not None
    assert 'name="q"' in html[box.start() :]
    assert 'value="peat"' in page(client, q="peat")

import hashlib

import pytest

from meetings.documents import files
from meetings.documents.files import ALLOWED_TEXT, FileRefused, identify
from tests.documents import samples

MB = 1024 * 1024
LIMIT = 20 * MB


def refusal(filename: str, data: bytes, max_bytes: int = LIMIT) -> str:
    with pytest.raises(FileRefused) as refused:
        identify(filename, data, max_bytes)
    return str(refused.value)


@pytest.mark.parametrize(
    ("filename", "make", "kind", "media_type"),
    [
        ("Report.pdf", samples.pdf, "pdf", "application/pdf"),
        (
            "Statement.docx",
            samples.docx,
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "Budget.XLSX",
            samples.xlsx,
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        (
            "Slides.pptx",
            samples.pptx,
            "pptx",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ),
        ("Notes.odt", samples.odt, "odt", "application/vnd.oasis.opendocument.text"),
        ("Old.doc", lambda: samples.ole("WordDocument"), "doc", "application/msword"),
        ("Old.xls", lambda: samples.ole("Workbook"), "xls", "application/vnd.ms-excel"),
        (
            "Old.ppt",
            lambda: samples.ole("PowerPoint Document"),
            "ppt",
            "application/vnd.ms-powerpoint",
        ),
        ("Minutes.txt", lambda: samples.TEXT, "txt", "text/plain; charset=utf-8"),
        ("Photo.png", samples.png, "png", "image/png"),
        ("Photo.jpeg", samples.jpeg, "jpeg", "image/jpeg"),
        ("Photo.jpg", samples.jpeg, "jpeg", "image/jpeg"),
    ],
)
def test_identify_allowed_kinds(filename, make, kind, media_type):
    data = make()
    found = identify(filename, data, LIMIT)
    assert (found.kind, found.media_type, found.size) == (kind, media_type, len(data))
    assert found.extension == "." + filename.rsplit(".", 1)[1].lower()
    assert found.sha256 == hashlib.sha256(data).hexdigest()


def test_identify_empty_file_refused():
    assert refusal("Agenda.pdf", b"") == "“Agenda.pdf” is empty."


def test_identify_over_the_limit_says_the_limit():
    data = samples.pdf() + bytes(MB)
    assert refusal("Big.pdf", data, MB) == "“Big.pdf” is larger than 1 MB: upload a smaller file."
    assert refusal("Big.pdf", bytes(LIMIT + 1)) == (
        "“Big.pdf” is larger than 20 MB: upload a smaller file."
    )


def test_identify_exactly_the_limit_accepted():
    data = samples.TEXT.ljust(1000, b" ")
    assert identify("Minutes.txt", data, 1000).size == 1000


@pytest.mark.parametrize(
    ("filename", "data", "label"),
    [
        ("page.html", samples.HTML, "an HTML page"),
        ("page.txt", samples.HTML, "an HTML page"),
        ("logo.svg", samples.SVG, "an SVG image"),
        ("logo.png", samples.SVG, "an SVG image"),
        ("setup.exe", samples.EXE, "a program"),
        ("report.pdf", samples.EXE, "a program"),
        ("tool.txt", samples.ELF, "a program"),
    ],
)
def test_identify_dangerous_content_refused_whatever_its_name(filename, data, label):
    assert refusal(filename, data) == (
        f"“{filename}” is {label}, which is not allowed. {ALLOWED_TEXT}"
    )


def test_allowed_types_are_named_for_a_person():
    assert ALLOWED_TEXT == (
        "Allowed: PDF, Word (.docx, .doc), Excel (.xlsx, .xls), PowerPoint (.pptx, .ppt), "
        "OpenDocument text (.odt), plain text (.txt), PNG and JPEG images."
    )


@pytest.mark.parametrize(
    ("filename", "data"),
    [
        ("list.csv", b"name,email\n"),
        ("archive.zip", samples.plain_zip()),
        ("noextension", samples.pdf()),
        ("macro.docm", samples.docm()),
    ],
)
def test_identify_extension_not_allowed(filename, data):
    assert (
        refusal(filename, data) == f"“{filename}” is not a type of file we accept. {ALLOWED_TEXT}"
    )


@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        (
            "Budget.xlsx",
            samples.docx(),
            "The content of “Budget.xlsx” does not match its extension .xlsx: "
            "it is a Word document (.docx).",
        ),
        (
            "Statement.pdf",
            samples.docx(),
            "The content of “Statement.pdf” does not match its extension .pdf: "
            "it is a Word document (.docx).",
        ),
        (
            "Statement.docx",
            samples.docm(),
            "The content of “Statement.docx” does not match its extension .docx: "
            "it is a ZIP archive.",
        ),
        (
            "Photo.jpg",
            samples.png(),
            "The content of “Photo.jpg” does not match its extension .jpg: it is a PNG image.",
        ),
        (
            "Minutes.txt",
            b"Minutes\x00of the meeting",
            "The content of “Minutes.txt” does not match its extension .txt: "
            "it is not a plain text file (UTF-8).",
        ),
        (
            "Minutes.txt",
            "Procès-verbal".encode("latin-1"),
            "The content of “Minutes.txt” does not match its extension .txt: "
            "it is not a plain text file (UTF-8).",
        ),
        (
            "Report.pdf",
            b"\x01\x02 unknown binary \x00\xff",
            "The content of “Report.pdf” does not match its extension .pdf: "
            "it is not a PDF document.",
        ),
        (
            "Report.pdf",
            b"Report of the meeting",
            "The content of “Report.pdf” does not match its extension .pdf: "
            "it is a plain text file (UTF-8).",
        ),
        (
            "Statement.docx",
            b"PK\x03\x04 not really a zip",
            "The content of “Statement.docx” does not match its extension .docx: "
            "it is not a Word document (.docx).",
        ),
        (
            "Old.doc",
            samples.ole("Workbook"),
            "The content of “Old.doc” does not match its extension .doc: "
            "it is an Excel 97–2003 workbook (.xls).",
        ),
        (
            "Installer.doc",
            samples.ole("Something else"),
            "The content of “Installer.doc” does not match its extension .doc: "
            "it is an Office 97–2003 file of another kind.",
        ),
    ],
)
def test_identify_content_not_matching_extension(filename, data, message):
    assert refusal(filename, data) == message


def test_identify_zip_bomb_refused(monkeypatch):
    monkeypatch.setattr(files, "MAX_UNZIPPED", MB)
    bomb = samples.zip_bomb(MB)
    assert len(bomb) < MB // 50  # small on the wire, large once unpacked
    assert refusal("Statement.docx", bomb) == "“Statement.docx” is too large once unpacked."


def test_identify_names_the_file_without_its_folders():
    message = refusal("C:\\Users\\delegate\\Desktop\\Agenda.pdf", b"")
    assert message == "“Agenda.pdf” is empty."
    assert refusal("../../etc/Agenda.pdf", b"") == "“Agenda.pdf” is empty."
    assert refusal("", b"") == "“The file” is empty."

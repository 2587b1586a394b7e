"""The words of a file: real PDF and Word files, UTF-8 text, and files that cannot be read."""

import io

import docx as python_docx
import pypdf
import pytest

from meetings.documents.text import TextUnreadable, read_text
from meetings.search.terms import MAX_TERMS_CHARS
from tests.documents import samples


def unreadable(kind: str, data: bytes) -> str:
    with pytest.raises(TextUnreadable) as refused:
        read_text(kind, data)
    return str(refused.value)


def encrypted(data: bytes, user_password: str) -> bytes:
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(data))
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_pdf_text_of_every_page():
    data = samples.pdf_with_text("Joint statement on marine litter", "Annex: dust and sandstorms")
    assert read_text("pdf", data).split("\n") == [
        "Joint statement on marine litter",
        "Annex: dust and sandstorms",
    ]


def test_pdf_with_latin_accents():
    assert read_text("pdf", samples.pdf_with_text("Réunion à Genève")) == "Réunion à Genève"


def test_pdf_without_text_is_empty():
    assert read_text("pdf", samples.pdf_with_text("")) == ""


def test_pdf_protected_by_a_password_is_unreadable():
    data = encrypted(samples.pdf_with_text("Confidential"), user_password="secret")
    assert unreadable("pdf", data) == "The PDF is protected by a password."


def test_pdf_with_only_an_owner_password_is_read():
    data = encrypted(samples.pdf_with_text("Printable words"), user_password="")
    assert read_text("pdf", data) == "Printable words"


def test_broken_pdf_is_unreadable_with_a_reason():
    reason = unreadable("pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog")
    assert reason.startswith("Not a readable PDF: ")
    assert len(reason) > len("Not a readable PDF: ")


def test_truncated_pdf_is_unreadable_with_a_reason():
    data = samples.pdf_with_text("Cut short")
    assert unreadable("pdf", data[: len(data) // 2]) == (
        "Not a readable PDF: Stream has ended unexpectedly"
    )


def test_docx_paragraphs_and_table():
    data = samples.docx_with_text("Chair's summary", "Dust and sandstorms")
    assert read_text("docx", data).split("\n") == [
        "Chair's summary",
        "Dust and sandstorms",
        "Dust and sandstorms (table)",
    ]


def test_docx_words_only_in_a_table():
    document = python_docx.Document()
    document.add_paragraph("Budget")
    table = document.add_table(rows=2, cols=2)
    for (row, col), text in {(0, 0): "Item", (0, 1): "环境合作", (1, 0): "Hà Nội"}.items():
        table.cell(row, col).text = text
    buffer = io.BytesIO()
    document.save(buffer)
    assert read_text("docx", buffer.getvalue()).split("\n") == [
        "Budget",
        "Item",
        "环境合作",
        "Hà Nội",
    ]


def test_broken_docx_is_unreadable_with_a_reason():
    assert unreadable("docx", samples.plain_zip()).startswith("KeyError: ")
    assert unreadable("docx", b"PK\x03\x04 not a zip") == "BadZipFile: File is not a zip file"


def test_utf8_text_with_a_byte_order_mark():
    data = "\ufeffHà Nội — 环境合作 — 日本語\n".encode()
    assert read_text("txt", data) == "Hà Nội — 环境合作 — 日本語\n"


def test_text_that_is_not_utf8_is_read_with_replacements():
    assert read_text("txt", "Genève".encode("latin-1")) == "Gen\ufffdve"


def test_long_text_is_cut():
    data = b"word " * (MAX_TERMS_CHARS // 5 + 100)
    assert len(read_text("txt", data)) == MAX_TERMS_CHARS


@pytest.mark.parametrize(
    ("kind", "make"),
    [("png", samples.png), ("jpeg", samples.jpeg), ("xlsx", samples.xlsx), ("pptx", samples.pptx)],
)
def test_kinds_not_read_have_no_text(kind, make):
    assert read_text(kind, make()) == ""

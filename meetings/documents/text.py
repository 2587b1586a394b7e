"""The words of a file, for search: PDF (pypdf), DOCX (python-docx) and UTF-8 text.

Runs in a worker, never in a request: a long PDF takes seconds. What cannot be read is
reported as TextUnreadable with a reason; the file stays downloadable either way.
"""

import io
import logging
import warnings

import docx
import pypdf
from pypdf.errors import PyPdfError

from meetings.search.terms import MAX_TERMS_CHARS

MAX_PDF_PAGES = 1_000


class TextUnreadable(Exception):
    """The file's text could not be read; the message says why."""


def read_text(kind: str, data: bytes) -> str:
    """The file's text (at most MAX_TERMS_CHARS characters)."""
    reader = {"pdf": _pdf, "docx": _docx, "txt": _txt}.get(kind)
    if reader is None:
        return ""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # malformed-but-readable files warn, page by page
            text = reader(data)
    except TextUnreadable:
        raise
    except Exception as exc:  # a malformed file can fail anywhere inside the parsers
        raise TextUnreadable(f"{type(exc).__name__}: {exc}"[:500]) from exc
    return text[:MAX_TERMS_CHARS]


def _pdf(data: bytes) -> str:
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # malformed-but-readable warnings
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise TextUnreadable("The PDF is protected by a password.")
    except PyPdfError as exc:
        raise TextUnreadable(f"Not a readable PDF: {exc}") from exc
    parts, size = [], 0
    for number, page in enumerate(reader.pages):
        if number >= MAX_PDF_PAGES or size > MAX_TERMS_CHARS:
            break
        text = page.extract_text() or ""
        parts.append(text)
        size += len(text)
    return "\n".join(parts)


def _docx(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(p for p in parts if p)


def _txt(data: bytes) -> str:
    return data.decode("utf-8-sig", errors="replace")

"""Small real files of each kind, built in memory."""

import io
import struct
import zipfile
import zlib

from fpdf import FPDF
from openpyxl import Workbook

OOXML = "application/vnd.openxmlformats-officedocument"


def pdf() -> bytes:
    document = FPDF()
    document.add_page()
    document.set_font("helvetica", size=12)
    document.cell(text="Joint Statement")
    return bytes(document.output())


def xlsx() -> bytes:
    book = Workbook()
    book.active["A1"] = "Agenda item"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def ooxml(main_part: str, content_type: str) -> bytes:
    """A minimal Office Open XML package whose main part is main_part."""
    types = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/{main_part}" ContentType="{content_type}"/></Types>'
    )
    return _zip({"[Content_Types].xml": types, main_part: "<document/>"})


def docx() -> bytes:
    main = f"{OOXML}.wordprocessingml.document.main+xml"
    return ooxml("word/document.xml", main)


def docm() -> bytes:
    return ooxml("word/document.xml", "application/vnd.ms-word.document.macroEnabled.main+xml")


def pptx() -> bytes:
    main = f"{OOXML}.presentationml.presentation.main+xml"
    return ooxml("ppt/presentation.xml", main)


def odt() -> bytes:
    return _zip({"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<a/>"})


def plain_zip() -> bytes:
    return _zip({"minutes.txt": "Minutes of the meeting"})


def zip_bomb(unpacked: int) -> bytes:
    """A .docx whose parts inflate to more than `unpacked` bytes."""
    buffer = io.BytesIO(docx())
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/media/zeros.bin", bytes(unpacked + 1))
    return buffer.getvalue()


def ole(stream: str) -> bytes:
    """The header of a compound file and a directory naming one stream."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    entry = "Root Entry".encode("utf-16-le").ljust(128, b"\0")
    entry += stream.encode("utf-16-le").ljust(128, b"\0")
    return header + entry + bytes(1024)


def png() -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body)
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\xff\xff")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def jpeg() -> bytes:
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + bytes(64)


HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
SVG = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg">'
    b"<script>alert(1)</script></svg>"
)
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(64)
ELF = b"\x7fELF\x02\x01\x01" + bytes(64)
TEXT = "Outcome of the 3rd meeting — 第3回\n".encode()


def _zip(parts: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def pdf_with_text(*lines: str) -> bytes:
    """A real PDF whose pages carry the lines as text (one page per line)."""
    document = FPDF()
    document.set_font("helvetica", size=12)
    for line in lines:
        document.add_page()
        document.multi_cell(w=0, text=line)
    return bytes(document.output())


def docx_with_text(*paragraphs: str) -> bytes:
    """A real Word file (python-docx) with the paragraphs, and a table of the last one."""
    import docx as python_docx

    document = python_docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    if paragraphs:
        document.add_table(rows=1, cols=1).cell(0, 0).text = paragraphs[-1] + " (table)"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()

"""Tell what an uploaded file is from its content, not its name, and refuse what we do not keep.

Magic numbers come from `filetype`; ZIP-based Office files are told apart by the main part
their `[Content_Types].xml` declares, so a Word document renamed .xlsx is caught. HTML, SVG
and programs are refused whatever they are called: they could run in a reader's browser.
"""

import hashlib
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath

import filetype

MAX_UNZIPPED = 200 * 1024 * 1024  # an Office file that inflates past this is refused (zip bomb)
SNIFF_BYTES = 8192
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ALLOWED_TEXT = (
    "Allowed: PDF, Word (.docx, .doc), Excel (.xlsx, .xls), PowerPoint (.pptx, .ppt), "
    "OpenDocument text (.odt), plain text (.txt), PNG and JPEG images."
)


@dataclass(frozen=True)
class Kind:
    name: str
    label: str  # how a person calls it, after "a"/"an"
    extensions: tuple[str, ...]  # the first is the usual one
    media_type: str


KINDS = {
    kind.name: kind
    for kind in (
        Kind("pdf", "a PDF document", (".pdf",), "application/pdf"),
        Kind(
            "docx",
            "a Word document (.docx)",
            (".docx",),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        Kind(
            "xlsx",
            "an Excel workbook (.xlsx)",
            (".xlsx",),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        Kind(
            "pptx",
            "a PowerPoint presentation (.pptx)",
            (".pptx",),
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ),
        Kind("doc", "a Word 97–2003 document (.doc)", (".doc",), "application/msword"),
        Kind("xls", "an Excel 97–2003 workbook (.xls)", (".xls",), "application/vnd.ms-excel"),
        Kind(
            "ppt",
            "a PowerPoint 97–2003 presentation (.ppt)",
            (".ppt",),
            "application/vnd.ms-powerpoint",
        ),
        Kind(
            "odt",
            "an OpenDocument text (.odt)",
            (".odt",),
            "application/vnd.oasis.opendocument.text",
        ),
        Kind("txt", "a plain text file (UTF-8)", (".txt",), "text/plain; charset=utf-8"),
        Kind("png", "a PNG image", (".png",), "image/png"),
        Kind("jpeg", "a JPEG image", (".jpg", ".jpeg"), "image/jpeg"),
    )
}
BY_EXTENSION = {ext: kind for kind in KINDS.values() for ext in kind.extensions}

# Content we recognise and refuse, by the label a person reads.
REFUSED_LABELS = {
    "html": "an HTML page",
    "svg": "an SVG image",
    "program": "a program",
    "zip": "a ZIP archive",
    "ole": "an Office 97–2003 file of another kind",
}

DANGEROUS = {"html", "svg", "program"}  # refused whatever the file is called
# The main part of each ZIP-based Office kind: its content type and where it lives.
OOXML_MAIN_PARTS = {
    "docx": (
        b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        "word/document.xml",
    ),
    "xlsx": (
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        "xl/workbook.xml",
    ),
    "pptx": (
        b"application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
        "ppt/presentation.xml",
    ),
}
# The stream each legacy Office kind keeps its body in (names are UTF-16 in the directory).
OLE_STREAMS = {
    "doc": "WordDocument".encode("utf-16-le"),
    "xls": "Workbook".encode("utf-16-le"),
    "ppt": "PowerPoint Document".encode("utf-16-le"),
}
PROGRAMS = {"exe", "elf", "dex", "class", "wasm", "dmg", "deb", "rpm", "crx", "swf"}
MARKUP = re.compile(rb"<\s*(!doctype\s+html|html|head|body|script|iframe|svg)\b", re.IGNORECASE)


class FileRefused(Exception):
    """The upload cannot be kept; the message says why, for the person who sent it."""


@dataclass(frozen=True)
class FileKind:
    kind: str  # a key of KINDS
    extension: str  # as the file was named, lower case, e.g. ".jpeg"
    media_type: str  # the safe Content-Type to serve it with
    size: int
    sha256: str  # hex


def identify(filename: str, data: bytes, max_bytes: int) -> FileKind:
    """Identify an upload from its content, or raise FileRefused with a clear message."""
    name = display_name(filename)
    if not data:
        raise FileRefused(f"“{name}” is empty.")
    if len(data) > max_bytes:
        raise FileRefused(
            f"“{name}” is larger than {_megabytes(max_bytes)} MB: upload a smaller file."
        )
    found = _sniff(data, name)
    if found in REFUSED_LABELS and found not in ("zip", "ole"):
        raise FileRefused(
            f"“{name}” is {REFUSED_LABELS[found]}, which is not allowed. {ALLOWED_TEXT}"
        )
    extension = PurePosixPath(name).suffix.lower()
    expected = BY_EXTENSION.get(extension)
    if expected is None:
        raise FileRefused(f"“{name}” is not a type of file we accept. {ALLOWED_TEXT}")
    if found != expected.name:
        raise FileRefused(_mismatch(name, extension, expected, found))
    return FileKind(
        kind=expected.name,
        extension=extension,
        media_type=expected.media_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def display_name(filename: str) -> str:
    """The file's own name, without any folders a browser sent along."""
    base = PureWindowsPath(PurePosixPath(filename or "").name).name
    return base.strip() or "The file"


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g}"


def _mismatch(name: str, extension: str, expected: Kind, found: str | None) -> str:
    message = f"The content of “{name}” does not match its extension {extension}: "
    if found in KINDS:
        return message + f"it is {KINDS[found].label}."
    if found in REFUSED_LABELS:
        return message + f"it is {REFUSED_LABELS[found]}."
    return message + f"it is not {expected.label}."


def _sniff(data: bytes, name: str) -> str | None:
    """The kind of the content: a key of KINDS or REFUSED_LABELS, or None when unknown."""
    guess = filetype.guess(data[:SNIFF_BYTES])
    if guess is not None:
        if guess.extension in ("pdf", "png", "jpg"):
            return {"jpg": "jpeg"}.get(guess.extension, guess.extension)
        if guess.extension == "apng":
            return "png"
        if guess.extension in PROGRAMS:
            return "program"
    if data.startswith(OLE_MAGIC):
        return _ole_kind(data)
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data, name)
    if guess is not None:
        return None  # a file type we know of but do not keep (audio, video, archives...)
    return _text_kind(data)


def _ole_kind(data: bytes) -> str:
    found = [kind for kind, stream in OLE_STREAMS.items() if stream in data]
    return found[0] if len(found) == 1 else "ole"


def _zip_kind(data: bytes, name: str) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED:
                raise FileRefused(f"“{name}” is too large once unpacked.")
            names = set(archive.namelist())
            if "mimetype" in names and archive.getinfo("mimetype").file_size < 100:
                if archive.read("mimetype") == b"application/vnd.oasis.opendocument.text":
                    return "odt"
                return "zip"
            if "[Content_Types].xml" not in names:
                return "zip"
            types = archive.read("[Content_Types].xml")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError):
        return None  # damaged, encrypted in a way we cannot read, or not a ZIP after all
    for kind, (content_type, part) in OOXML_MAIN_PARTS.items():
        if content_type in types and part in names:
            return kind
    return "zip"  # a macro-enabled or template Office file, or an archive of something else


def _text_kind(data: bytes) -> str | None:
    if b"\x00" in data:
        return None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    head = data[:SNIFF_BYTES].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<") and (markup := MARKUP.search(head)):
        return "svg" if markup.group(1).lower() == b"svg" else "html"
    return "txt"

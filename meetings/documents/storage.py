"""Where document files live: outside the web root, named by SHA-256, written whole or not at all.

`Storage` is the interface the document services use; `LocalStorage` keeps files in the
instance folder (instance/documents/ab/cd/abcd...), and an object store could stand in later.
"""

import hashlib
import os
import re
import tempfile
import unicodedata
from pathlib import Path
from typing import BinaryIO, Protocol
from urllib.parse import quote

from flask import current_app

from meetings.documents.files import KINDS

KEY = re.compile(r"[0-9a-f]{64}")
# Kinds a browser may show in its own tab; everything else is downloaded.
INLINE_TYPES = {KINDS[name].media_type for name in ("pdf", "png", "jpeg", "txt")}
SAFE_TYPES = {kind.media_type for kind in KINDS.values()}
FALLBACK_TYPE = "application/octet-stream"
# Control characters and line breaks become spaces; invisible format marks (a right-to-left
# override that shows "exe.pdf" as "fdp.exe") are dropped.
_LINE_OR_FORMAT = {"Cc": " ", "Zl": " ", "Zp": " ", "Cf": ""}


class InvalidKey(ValueError):
    """A storage key that is not the 64 hex digits of a SHA-256."""


class Storage(Protocol):
    def put(self, data: bytes) -> str:
        """Store the bytes and return their key; storing the same bytes again is a no-op."""

    def open(self, key: str) -> BinaryIO:
        """Open a stored file for reading; FileNotFoundError if it is not there."""

    def exists(self, key: str) -> bool: ...

    def delete(self, key: str) -> None:
        """Remove a stored file; removing one that is not there is not an error."""

    def size(self, key: str) -> int: ...


class LocalStorage:
    """Files in a folder on this machine, in two levels of fan-out folders."""

    def __init__(self, root: str | os.PathLike) -> None:
        self.root = Path(root)

    def put(self, data: bytes) -> str:
        key = hashlib.sha256(data).hexdigest()
        path = self._path(key)
        if path.exists():
            return key  # same name, same content: it is already whole on disk
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".part")
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, path)  # readers see no file or the whole file
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return key

    def open(self, key: str) -> BinaryIO:
        return self._path(key).open("rb")

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def size(self, key: str) -> int:
        return self._path(key).stat().st_size

    def _path(self, key: str) -> Path:
        if not isinstance(key, str) or not KEY.fullmatch(key):
            raise InvalidKey(f"Not a document storage key: {key!r}.")
        return self.root / key[:2] / key[2:4] / key


def get_storage() -> Storage:
    """The storage configured for the current app."""
    configured = current_app.config.get("DOCUMENT_STORAGE_PATH")
    return LocalStorage(configured or Path(current_app.instance_path) / "documents")


def safe_download_headers(filename: str, media_type: str) -> dict[str, str]:
    """Headers that make a browser save (or safely show) a stored file under its own name."""
    content_type = _safe_type(media_type)
    disposition = "inline" if content_type in INLINE_TYPES else "attachment"
    name = _clean_name(filename)
    fallback = _ascii_name(name)
    return {
        "Content-Type": content_type,
        "Content-Disposition": (
            f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"
        ),
        "X-Content-Type-Options": "nosniff",
    }


def _safe_type(media_type: str) -> str:
    """One of the media types of an allowed kind, else a type no browser renders."""
    base = (media_type or "").split(";")[0].strip().lower()
    for safe in SAFE_TYPES:
        if safe.split(";")[0] == base:
            return safe
    return FALLBACK_TYPE


def _clean_name(filename: str) -> str:
    """The name without folders, control or direction-changing characters, on one line."""
    base = re.split(r"[/\\]", filename or "")[-1]
    kept = "".join(_LINE_OR_FORMAT.get(unicodedata.category(c), c) for c in base)
    return " ".join(kept.split()).strip(" .") or "download"


def _ascii_name(name: str) -> str:
    """An ASCII stand-in for browsers that do not read filename*: no quotes, no backslashes."""
    text = unicodedata.normalize("NFKD", name).translate({0x2013: "-", 0x2014: "-"})
    text = re.sub(r"[^A-Za-z0-9 ._()\-]", "", text.encode("ascii", "ignore").decode())
    text = " ".join(text.split())
    stem, dot, extension = text.rpartition(".")
    if dot and not stem.strip(" ._-"):
        return f"download.{extension}"
    return text.strip(" .") or "download"

"""Load documents.yaml through the documents' services: what is missing is added, nothing else.

A document is known by its symbol, else by its body and title; one already there (edited,
re-uploaded or re-linked since) is left as it is, and a document deleted by the secretariat
is missing again. Each new document gets its English text as its first file, whose words a
worker reads for search once the seed commits. Loading history announces nothing: the
subscribers of a body are not told of a plan adopted in 2011 as if it were news.
"""

from pathlib import Path
from typing import Any, Protocol

import sqlalchemy as sa
import yaml

from meetings.bodies.models import Body
from meetings.core.dates import PartialDate
from meetings.documents import notices
from meetings.documents.models import Document
from meetings.documents.services import Upload, add_file, create_document
from meetings.extensions import db
from meetings.schedule.models import Meeting

DOCUMENTS = Path(__file__).with_name("documents.yaml")
TEXTS = Path(__file__).with_name("documents")
# Entry fields handed to create_document as they are.
PLAIN_FIELDS = ("symbol", "title", "type", "status", "description", "position", "source")


class Counter(Protocol):
    def count(self, kind: str) -> None: ...


class SeedDataError(LookupError):
    """The data file names something that is not there (a body, a meeting, an entry)."""


def load_documents(report: Counter, path: Path = DOCUMENTS, texts: Path = TEXTS) -> None:
    """Add the documents of the data file that are not there yet, with their files.

    Flushes but does not commit: the caller (load_history) commits with the rest.
    """
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    by_key: dict[str, Document] = {}
    with notices.quietly():
        for item in data["documents"]:
            by_key[item["key"]] = _document(item, by_key, texts, report)


def _document(item: dict, by_key: dict[str, Document], texts: Path, report: Counter) -> Document:
    body = _body(item["body"])
    found = _existing(body, item)
    if found is not None:
        return found
    fields: dict[str, Any] = {name: item[name] for name in PLAIN_FIELDS if name in item}
    fields["title"] = " ".join(str(item["title"]).split())  # folded YAML keeps no newline
    for field, ref_name in (("meeting_id", "tabled_at"), ("adopted_at_id", "adopted_at")):
        if item.get(ref_name):
            fields[field] = _meeting(item[ref_name]).id
    if item.get("adopted_on"):
        fields["adopted_on"] = str(item["adopted_on"])
    for field, ref_name in (("parent_id", "annex_of"), ("superseded_by_id", "superseded_by")):
        if item.get(ref_name):
            fields[field] = _entry(by_key, item[ref_name]).id
    document = create_document(body, **fields)
    report.count("documents")
    if item.get("file"):
        name = item["file"]
        add_file(document, Upload(name, (texts / name).read_bytes(), item.get("language", "en")))
        report.count("files")
    return document


def _existing(body: Body, item: dict) -> Document | None:
    """A live document with the entry's symbol, else of its body with its title."""
    live = sa.select(Document).where(Document.deleted_at.is_(None))
    if item.get("symbol"):
        symbol = str(item["symbol"]).strip().lower()
        found = db.session.scalars(live.where(sa.func.lower(Document.symbol) == symbol)).first()
        if found is not None:
            return found
    title = " ".join(str(item["title"]).split())
    stmt = live.where(Document.body_id == body.id, Document.title == title)
    return db.session.scalars(stmt.order_by(Document.id)).first()


def _body(slug: str) -> Body:
    body = db.session.scalar(sa.select(Body).where(Body.slug == slug))
    if body is None:
        raise SeedDataError(f"documents.yaml names body {slug!r}, which is not loaded.")
    return body


def _meeting(ref: dict) -> Meeting:
    """A meeting of history.yaml: by number, else by title and start date."""
    body = _body(ref["body"])
    stmt = sa.select(Meeting).where(Meeting.body_id == body.id)
    if ref.get("number") is not None:
        stmt = stmt.where(Meeting.number == ref["number"])
    else:
        start = PartialDate.parse(str(ref["dates"]).partition("/")[0])
        title = " ".join(str(ref["title"]).split())
        stmt = stmt.where(Meeting.title == title, Meeting.start_date == start.first_day())
    meeting = db.session.scalars(stmt).first()
    if meeting is None:
        raise SeedDataError(f"documents.yaml names a meeting that is not loaded: {ref}.")
    return meeting


def _entry(by_key: dict[str, Document], key: str) -> Document:
    if key not in by_key:
        raise SeedDataError(f"documents.yaml names {key!r} before listing it.")
    return by_key[key]

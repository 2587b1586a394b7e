"""Tell the followers of a body or meeting when one of its documents is published or adopted.

The documents' services send `document_published` (a document left draft for the first time)
and `document_adopted` inside the transaction of the change (signals.py). The notices are
written here as notifications due now, in that same transaction, one per person following
the document's body or its meeting (tabled at, or adopted at) who may open the document;
a sweep is asked for after the commit. The key names the document and the person, so a
document published again, or adopted again after a change of status, is told once. When a
notice falls due it is checked again: a document deleted, back in draft or out of the
person's sight meanwhile is not announced.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime

import sqlalchemy as sa
from flask import render_template

from meetings.access.policies import can_view_document
from meetings.access.principal import ANONYMOUS, principal_for
from meetings.accounts.models import User
from meetings.bodies.numbering import meeting_label
from meetings.calendars.models import Follow
from meetings.core.models import utcnow
from meetings.documents.models import Document, DocumentStatus
from meetings.documents.signals import document_adopted, document_published
from meetings.extensions import db
from meetings.mail import absolute_url
from meetings.notifications.dispatch import sweep_after_commit
from meetings.notifications.kinds import Kind, Rendered, register
from meetings.notifications.models import Notification
from meetings.notifications.planner import Planned, insert_planned
from meetings.schedule.models import Meeting

DOCUMENT_PUBLISHED = "document_published"
DOCUMENT_ADOPTED = "document_adopted"
KEY_PREFIX = {DOCUMENT_PUBLISHED: "document-published", DOCUMENT_ADOPTED: "document-adopted"}
ADOPTED_STATES = (DocumentStatus.ADOPTED, DocumentStatus.SUPERSEDED)

_quiet: ContextVar[bool] = ContextVar("document_notices_quiet", default=False)


@contextmanager
def quietly() -> Iterator[None]:
    """Announce nothing inside the block (the seed loads history, not news)."""
    token = _quiet.set(True)
    try:
        yield
    finally:
        _quiet.reset(token)


# -- Who is told --------------------------------------------------------------------------


def _meeting_ids(document: Document) -> list[int]:
    return sorted({m for m in (document.meeting_id, document.adopted_at_id) if m is not None})


def followers(document: Document) -> list[tuple[User, str]]:
    """Active accounts with an address following the document's body or one of its meetings,
    each once, with what they follow (the body's name first)."""
    targets = [Follow.body_id == document.body_id]
    meeting_ids = _meeting_ids(document)
    if meeting_ids:
        targets.append(Follow.meeting_id.in_(meeting_ids))
    rows = db.session.execute(
        sa.select(User, Follow.body_id, Follow.meeting_id)
        .join(Follow, Follow.user_id == User.id)
        .where(sa.or_(*targets), User.is_active.is_(True), User.email != "")
        .order_by(User.id, Follow.body_id.is_(None), Follow.id)
    ).all()
    meetings = {
        m.id: m for m in db.session.scalars(sa.select(Meeting).where(Meeting.id.in_(meeting_ids)))
    }
    found: dict[int, tuple[User, str]] = {}
    for user, body_id, meeting_id in rows:
        if user.id not in found:
            what = document.body.name if body_id is not None else meetings[meeting_id].title
            found[user.id] = (user, what)
    return list(found.values())


def may_see(user: User, document: Document) -> bool:
    return can_view_document(principal_for(user), document)


def _audience(document: Document) -> list[tuple[User, str]]:
    people = followers(document)
    if can_view_document(ANONYMOUS, document):
        return people  # the public may open it: so may every account
    return [(user, what) for user, what in people if may_see(user, document)]


def _plan(kind: str, document: Document) -> None:
    if _quiet.get():
        return
    # The change was flushed; its links may have moved since they were last loaded.
    db.session.expire(document, ["body", "meeting", "session", "adopted_at"])
    now = utcnow()
    items = [
        Planned(
            key=f"{KEY_PREFIX[kind]}:{document.id}:{user.id}",
            kind=kind,
            recipient=user.email,
            due_at=now,
            user_id=user.id,
            meeting_id=document.meeting_id or document.adopted_at_id,
            payload={"document_id": document.id, "follows": what},
        )
        for user, what in _audience(document)
    ]
    if items:
        insert_planned(items, now)
        sweep_after_commit()


@document_published.connect
def _published(document: Document) -> None:
    _plan(DOCUMENT_PUBLISHED, document)


@document_adopted.connect
def _adopted(document: Document) -> None:
    _plan(DOCUMENT_ADOPTED, document)


# -- When due: does it still apply, and how it reads ---------------------------------------


def _document(row: Notification) -> Document | None:
    document_id = (row.payload or {}).get("document_id")
    return db.session.get(Document, document_id) if document_id is not None else None


def _still_applies(row: Notification, adopted: bool) -> str | None:
    document = _document(row)
    if document is None or document.deleted_at is not None:
        return "The document was deleted."
    if document.status is DocumentStatus.DRAFT:
        return "The document went back to draft."
    if adopted and document.status not in ADOPTED_STATES:
        return "The document is no longer adopted."
    user = row.user
    if user is None or not user.is_active:
        return "The person's account is closed."
    if not may_see(user, document):
        return "The person may no longer see the document."
    return None


def published_applies(row: Notification, _now: datetime) -> str | None:
    return _still_applies(row, adopted=False)


def adopted_applies(row: Notification, _now: datetime) -> str | None:
    return _still_applies(row, adopted=True)


def _meeting_name(meeting: Meeting) -> str:
    return meeting_label(meeting.body, meeting.number) or meeting.title


def _named(document: Document) -> str:
    return f"{document.symbol} {document.title}" if document.symbol else document.title


def _render(row: Notification, template: str, subject: str) -> Rendered:
    document = _document(row)
    text = render_template(
        f"notifications/emails/{template}",
        document=document,
        named=_named(document),
        follows=(row.payload or {}).get("follows") or document.body.name,
        languages=[f.language_label for f in document.current_files],
        url=absolute_url("documents.detail", document_id=document.id),
    )
    return Rendered(subject, text)


def render_published(row: Notification, _context: dict) -> Rendered:
    document = _document(row)
    return _render(row, "document_published.txt", f"Published: {_named(document)}")


def render_adopted(row: Notification, _context: dict) -> Rendered:
    document = _document(row)
    if document.adopted_at is not None:
        where = f" at {_meeting_name(document.adopted_at)}"
    elif document.adopted_on_date is not None:
        where = f" on {document.adopted_on_date.label}"
    else:
        where = ""
    return _render(row, "document_adopted.txt", f"Adopted{where}: {document.title}")


register(
    Kind(
        name=DOCUMENT_PUBLISHED,
        label="Documents published",
        description="When a document of a body or meeting you follow is issued, circulated "
        "for comment or otherwise leaves draft, with its link.",
        audience="Followers",
        render=render_published,
        still_applies=published_applies,
    )
)
register(
    Kind(
        name=DOCUMENT_ADOPTED,
        label="Documents adopted",
        description="When a document of a body or meeting you follow is adopted, with the "
        "meeting that adopted it and its link.",
        audience="Followers",
        render=render_adopted,
        still_applies=adopted_applies,
    )
)

"""Read the audit log, and record the writes that were refused."""

from dataclasses import dataclass

import sqlalchemy as sa
from flask import request

from meetings.access.principal import Principal
from meetings.audit.models import AuditAction, AuditEntry
from meetings.audit.recorder import AUDITED
from meetings.bodies.models import Body
from meetings.core.models import utcnow
from meetings.documents.models import Document
from meetings.extensions import db
from meetings.mechanisms.models import Mechanism
from meetings.schedule.models import Meeting, Session

# What each audited table holds, as the log's readers call it.
ENTITY_TYPES = {
    "mechanism": "Mechanism",
    "member_state": "Member state",
    "programme_area": "Programme area",
    "body": "Body",
    "meeting": "Meeting",
    "session": "Session",
    "participant": "Participant",
    "role_assignment": "Role",
    "user_account": "Account",
    "api_token": "API token",  # nosec B105  # a label
    "email_link": "Invitation or reset link",
    "follow": "Follow",
    "feed_token": "Calendar feed address",  # nosec B105  # a label
    "registration": "Registration",
    "registration_settings": "Registration settings",
    "document": "Document",
    "document_file": "Document file",
    "follow_up_action": "Follow-up action",
    "action_update": "Progress update",
    "action_review": "Review of an action",
}
# Kept outside any mechanism's log: only administrators read these.
SITE_ONLY_TYPES = ("user_account", "api_token", "feed_token")


def record_refusal(p: Principal, reason: str, thing=None) -> None:
    """Log a refused write on its own, after dropping whatever the request had changed."""
    db.session.rollback()
    entry = AuditEntry(
        at=utcnow(),
        actor_id=p.user_id,
        actor=p.email or "anonymous",
        channel=p.channel,
        address=(request.remote_addr or "")[:64],
        action=AuditAction.REFUSED,
        entity_type="",
        changes={"reason": reason, "request": f"{request.method} {request.path}"},
    )
    spec = AUDITED.get(type(thing))
    if spec is not None:
        label, scope = spec
        entry.entity_type = sa.inspect(thing).mapper.local_table.name
        entry.entity_id = sa.inspect(thing).mapper.primary_key_from_instance(thing)[0]
        entry.entity_label = str(label(thing))[:300]
        entry.mechanism_id = scope(thing, db.session.connection())
    db.session.add(entry)
    db.session.commit()


@dataclass(frozen=True)
class AuditFilter:
    mechanism_id: int | None = None  # None: the whole log (administrators)
    entity_type: str = ""
    entity_id: int | None = None
    action: AuditAction | None = None


def page_of_entries(f: AuditFilter, page: int, per_page: int) -> tuple[list[AuditEntry], int]:
    """Newest first, in two statements."""
    stmt = sa.select(AuditEntry)
    if f.mechanism_id is not None:
        stmt = stmt.where(AuditEntry.mechanism_id == f.mechanism_id)
    if f.entity_type:
        stmt = stmt.where(AuditEntry.entity_type == f.entity_type)
    if f.entity_id is not None:
        stmt = stmt.where(AuditEntry.entity_id == f.entity_id)
    if f.action is not None:
        stmt = stmt.where(AuditEntry.action == f.action)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery())) or 0
    stmt = stmt.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    return list(db.session.scalars(stmt.limit(per_page).offset((page - 1) * per_page))), total


_KEY = sa.String(100)
# Things a log entry links to while they exist: (id, what the link needs, label).
LINKABLE = {
    "mechanism": (Mechanism.id, Mechanism.slug, Mechanism.short_name),
    "body": (Body.id, Body.slug, Body.short_name),
    "meeting": (Meeting.id, sa.cast(Meeting.id, _KEY), Meeting.title),
    "session": (Session.id, sa.cast(Session.meeting_id, _KEY), Session.title),
    "document": (Document.id, sa.cast(Document.id, _KEY), Document.title),
}


def existing_things(entries: list[AuditEntry]) -> dict[tuple[str, int], tuple[str, str]]:
    """(kind, id) -> (slug or meeting id, label) of the entries' things and mechanisms that
    still exist, in one statement."""
    wanted: dict[str, set[int]] = {}
    for e in entries:
        if e.entity_type in LINKABLE and e.entity_id is not None:
            wanted.setdefault(e.entity_type, set()).add(e.entity_id)
        if e.mechanism_id is not None:
            wanted.setdefault("mechanism", set()).add(e.mechanism_id)
    if not wanted:
        return {}
    parts = [_existing(kind, ids) for kind, ids in wanted.items()]
    rows = db.session.execute(sa.union_all(*parts))
    return {(kind, thing_id): (key, label) for kind, thing_id, key, label in rows}


def _existing(kind: str, ids: set[int]) -> sa.Select:
    id_column, key, label = LINKABLE[kind]
    return sa.select(sa.literal(kind), id_column, key, label).where(id_column.in_(sorted(ids)))

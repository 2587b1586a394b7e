"""Record every create, change and delete of audited records, in the same transaction.

A session listener reads the unit of work after each flush (ids are known, attribute history
still holds old values) and inserts one audit row per record changed, through the same
connection: an entry exists if and only if the change was committed.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any

import sqlalchemy as sa
from flask import g, has_request_context, request
from sqlalchemy.orm import Session as OrmSession

from meetings.accounts.models import ApiToken, EmailLink, RoleAssignment, User
from meetings.actions.models import Action, ActionReview, ActionUpdate
from meetings.audit.models import AuditAction, AuditEntry
from meetings.bodies.models import Body
from meetings.calendars.models import FeedToken, Follow
from meetings.core.models import utcnow
from meetings.documents.models import Document, DocumentFile
from meetings.extensions import db, wants_json
from meetings.mechanisms.models import Mechanism, MemberState, ProgrammeArea
from meetings.participants.models import Participant
from meetings.registrations.models import Registration, RegistrationSettings
from meetings.schedule.models import Meeting, Session

# Never written to the log, only noted as changed.
SECRET_FIELDS = {"password_hash", "session_nonce", "token_hash", "confirmation_hash"}
QUIET_FIELDS = {
    "created_at",
    "updated_at",
    "last_used_at",
    "last_sign_in_at",
    "text",  # a document file's words, read by a worker for search
    "text_status",
    "text_error",
}


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    label: str
    channel: str
    address: str = ""


# Outside a request (the CLI, a worker) the caller says who acts.
_cli_actor: ContextVar[Actor | None] = ContextVar("audit_actor", default=None)


@contextmanager
def acting_as(actor: Actor) -> Iterator[None]:
    """Attribute the changes made inside the block to this actor: `with acting_as(...):`."""
    token = _cli_actor.set(actor)
    try:
        yield
    finally:
        _cli_actor.reset(token)


def current_actor() -> Actor:
    if not has_request_context():
        return _cli_actor.get() or Actor(None, "system", "cli")
    address = request.remote_addr or ""
    if "principal" in g:
        p = g.principal
        return Actor(p.user_id, p.email or "anonymous", p.channel, address)
    # A request that never asked who it serves (no access check): not the command line.
    return Actor(None, "anonymous", "api" if wants_json() else "web", address)


def _of_body(obj: Any, conn) -> int | None:
    """A meeting's mechanism, even when its body went in the same flush."""
    body = sa.inspect(obj).attrs.body.loaded_value
    if isinstance(body, Body):
        return body.mechanism_id
    return conn.scalar(sa.select(Body.mechanism_id).where(Body.id == obj.body_id))


def _by_meeting(conn, meeting_id: int | None) -> int | None:
    stmt = sa.select(Body.mechanism_id).join(Meeting, Meeting.body_id == Body.id)
    return conn.scalar(stmt.where(Meeting.id == meeting_id))


def _by_document(conn, document_id: int | None) -> int | None:
    stmt = sa.select(Body.mechanism_id).join(Document, Document.body_id == Body.id)
    return conn.scalar(stmt.where(Document.id == document_id))


def _by_action(conn, action_id: int | None) -> int | None:
    stmt = sa.select(Body.mechanism_id).join(Action, Action.body_id == Body.id)
    return conn.scalar(stmt.where(Action.id == action_id))


def _of_meeting(obj: Any, conn) -> int | None:
    """A session's or participant's mechanism, even when its meeting went in the same flush."""
    meeting = sa.inspect(obj).attrs.meeting.loaded_value if hasattr(obj, "meeting") else None
    if isinstance(meeting, Meeting) and meeting.body is not None:
        return meeting.body.mechanism_id
    return _by_meeting(conn, obj.meeting_id)


def _person(obj: Any) -> str:
    """The email of a record's account if at hand (no query in a flush), else its id."""
    user = sa.inspect(obj).attrs.user.loaded_value
    return user.email if isinstance(user, User) else f"user {obj.user_id}"


def _of_follow(obj: Any, conn) -> int | None:
    if obj.body_id is not None:
        return conn.scalar(sa.select(Body.mechanism_id).where(Body.id == obj.body_id))
    return _by_meeting(conn, obj.meeting_id)


def _follow_label(obj: Any) -> str:
    target = f"body {obj.body_id}" if obj.body_id else f"meeting {obj.meeting_id}"
    return f"user {obj.user_id} follows {target}"


# Audited model -> (label of a record, mechanism whose log it belongs to).
AUDITED: dict[type, tuple[Callable[[Any], str], Callable[[Any, Any], int | None]]] = {
    Mechanism: (lambda o: o.short_name, lambda o, c: o.id),
    MemberState: (lambda o: o.country_code, lambda o, c: o.mechanism_id),
    ProgrammeArea: (lambda o: f"{o.code} {o.name}", lambda o, c: o.mechanism_id),
    Body: (lambda o: o.short_name, lambda o, c: o.mechanism_id),
    Meeting: (lambda o: o.title, _of_body),
    Session: (lambda o: o.title, _of_meeting),
    Participant: (_person, _of_meeting),
    RoleAssignment: (lambda o: f"{o.role} of {_person(o)}", lambda o, c: o.mechanism_id),
    User: (lambda o: o.email, lambda o, c: None),
    ApiToken: (lambda o: f"{o.name} ({o.prefix}…)", lambda o, c: None),
    EmailLink: (lambda o: f"{o.purpose} for {o.email}", lambda o, c: o.mechanism_id),
    Follow: (_follow_label, _of_follow),
    FeedToken: (lambda o: f"calendar feed of user {o.user_id}", lambda o, c: None),
    Registration: (lambda o: f"{o.name} <{o.email}>", lambda o, c: _by_meeting(c, o.meeting_id)),
    Document: (lambda o: o.symbol or o.title, lambda o, c: _of_body(o, c)),
    DocumentFile: (
        lambda o: f"{o.filename} ({o.language}, revision {o.revision})",
        lambda o, c: _by_document(c, o.document_id),
    ),
    Action: (lambda o: f"{o.item} {o.title}".strip()[:200], lambda o, c: _of_body(o, c)),
    ActionUpdate: (
        lambda o: f"update of action {o.action_id}",
        lambda o, c: _by_action(c, o.action_id),
    ),
    ActionReview: (
        lambda o: f"review of action {o.action_id} at meeting {o.meeting_id}",
        lambda o, c: _by_action(c, o.action_id),
    ),
    RegistrationSettings: (
        lambda o: f"registration of meeting {o.meeting_id}",
        lambda o, c: _by_meeting(c, o.meeting_id),
    ),
}


def plain(value: Any) -> Any:
    """A JSON-friendly copy of a column value."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def _changes(obj: Any, action: AuditAction) -> dict[str, list]:
    state = sa.inspect(obj)
    out: dict[str, list] = {}
    for attr in state.mapper.column_attrs:
        key = attr.key
        if key in QUIET_FIELDS or (action is not AuditAction.UPDATE and key == "id"):
            continue
        hist = state.attrs[key].history
        if action is AuditAction.UPDATE and not hist.has_changes():
            continue
        old = hist.deleted[0] if hist.deleted else None
        new = hist.added[0] if hist.added else state.attrs[key].value
        if action is AuditAction.UPDATE and plain(old) == plain(new):
            continue
        if action is AuditAction.DELETE:
            old, new = state.attrs[key].value, None
        if action is AuditAction.CREATE:
            old = None
        out[key] = ["(secret)", "(changed)"] if key in SECRET_FIELDS else [plain(old), plain(new)]
    return out


def _rows(session: OrmSession, conn) -> list[dict]:
    actor, rows = current_actor(), []
    groups = (
        (AuditAction.CREATE, session.new),
        (AuditAction.UPDATE, session.dirty),
        (AuditAction.DELETE, session.deleted),
    )
    for action, objs in groups:
        for obj in objs:
            spec = AUDITED.get(type(obj))
            if spec is None:
                continue
            changes = _changes(obj, action)
            if action is AuditAction.UPDATE and not changes:
                continue
            rows.append(_row(actor, action, obj, spec, conn, changes))
    return rows


def _row(actor: Actor, action: AuditAction, obj: Any, spec, conn, changes: dict) -> dict:
    label, scope = spec
    return {
        "at": utcnow(),
        "actor_id": actor.user_id,
        "actor": actor.label[:254],
        "channel": actor.channel,
        "address": actor.address[:64],
        "action": action,
        "entity_type": sa.inspect(obj).mapper.local_table.name,
        "entity_id": sa.inspect(obj).mapper.primary_key_from_instance(obj)[0],
        "entity_label": str(label(obj) or "")[:300],
        "mechanism_id": scope(obj, conn),
        "changes": changes,
    }


def _unlink_deleted(session: OrmSession, rows: list[dict]) -> None:
    """An entry may not point at a mechanism or account deleted in the same flush."""
    gone = {(type(o), o.id) for o in session.deleted if isinstance(o, Mechanism | User)}
    for row in rows:
        if (Mechanism, row["mechanism_id"]) in gone:
            row["mechanism_id"] = None
        if (User, row["actor_id"]) in gone:
            row["actor_id"] = None


def _after_flush(session: OrmSession, _context) -> None:
    conn = session.connection()
    rows = _rows(session, conn)
    if rows:
        _unlink_deleted(session, rows)
        conn.execute(sa.insert(AuditEntry), rows)


def _keep_old_value(*_args) -> None:
    """Nothing to do: listening with active_history is what loads the old value."""


def _load_old_values() -> None:
    """Make setting an audited column load its old value first, had it not been loaded.

    Without it, a change to an expired attribute has no old value in its history.
    """
    for model in AUDITED:
        for attr in sa.inspect(model).column_attrs:
            column = getattr(model, attr.key)
            if not sa.event.contains(column, "set", _keep_old_value):
                sa.event.listen(column, "set", _keep_old_value, active_history=True)


def init_app(app) -> None:
    _load_old_values()
    if not sa.event.contains(db.session, "after_flush", _after_flush):
        sa.event.listen(db.session, "after_flush", _after_flush)

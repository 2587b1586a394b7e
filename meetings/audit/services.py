"""Read the audit log, and record the writes that were refused."""

from dataclasses import dataclass

import sqlalchemy as sa
from flask import request

from meetings.access.principal import Principal
from meetings.audit.models import AuditAction, AuditEntry
from meetings.audit.recorder import AUDITED
from meetings.core.models import utcnow
from meetings.extensions import db


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

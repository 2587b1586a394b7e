"""GET /api/v1/audit: the audit log, for a mechanism's secretariat or administrators."""

import marshmallow as ma
from flask_smorest import Blueprint

from meetings.access.guards import current_principal, require
from meetings.access.policies import can_manage_mechanism
from meetings.audit import services
from meetings.audit.schemas import AuditPageSchema, AuditQuerySchema
from meetings.core.api import page_envelope, page_size
from meetings.mechanisms.api import mechanism_from_arg

blp = Blueprint(
    "audit_api",
    __name__,
    url_prefix="/api/v1/audit",
    description="Who created, changed or deleted what, when, with old and new values.",
)


@blp.get("")
@blp.arguments(AuditQuerySchema, location="query", unknown=ma.RAISE)
@blp.response(200, AuditPageSchema)
def list_all(args: dict):
    """List log entries, newest first: a mechanism's (its secretariat) or all (admins)."""
    p = current_principal()
    require(p.is_authenticated, "Sign in to read the audit log.")
    mechanism = mechanism_from_arg(args.get("mechanism"))
    if mechanism is None:
        require(p.is_admin, "Only administrators read the whole log: give a mechanism.")
    else:
        allowed = can_manage_mechanism(p, mechanism.id)
        require(allowed, f"Only the secretariat of {mechanism.short_name} reads its log.")
    f = services.AuditFilter(
        mechanism_id=mechanism.id if mechanism else None,
        entity_type=args.get("entity_type", ""),
        action=args.get("action"),
    )
    size = page_size(args)
    entries, total = services.page_of_entries(f, args["page"], size)
    return page_envelope(entries, total, args["page"], size)

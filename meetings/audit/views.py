"""Pages: a mechanism's audit log for its secretariat, the whole log for administrators."""

from dataclasses import dataclass

from flask import Blueprint, render_template, request, url_for

from meetings.access.guards import current_principal, require, visible_or_404
from meetings.access.policies import can_manage_mechanism, can_view_mechanism
from meetings.audit import services
from meetings.audit.models import AuditAction, AuditEntry
from meetings.core.reader import reader_timezone
from meetings.core.validation import parse_choice
from meetings.mechanisms.models import Mechanism
from meetings.mechanisms.services import get_mechanism

bp = Blueprint("audit", __name__)
PER_PAGE = 50
EMPTY = (None, "", [])


@dataclass(frozen=True)
class Row:
    """An entry as the page shows it: with links to its thing and mechanism if they exist."""

    entry: AuditEntry
    thing_url: str | None
    mechanism: tuple[str, str] | None  # (slug, short name)
    changes: list[tuple[str, object, object]]  # (field, old, new)


@bp.get("/mechanisms/<slug>/audit")
def mechanism_log(slug: str):
    mechanism = visible_or_404(get_mechanism(slug), can_view_mechanism)
    allowed = can_manage_mechanism(current_principal(), mechanism.id)
    require(allowed, f"Only the secretariat of {mechanism.short_name} reads its audit log.")
    types = {k: v for k, v in services.ENTITY_TYPES.items() if k not in services.SITE_ONLY_TYPES}
    return _log_page(mechanism, types)


@bp.get("/audit")
def site_log():
    require(current_principal().is_admin, "Only administrators read the whole audit log.")
    return _log_page(None, services.ENTITY_TYPES)


def _log_page(mechanism: Mechanism | None, types: dict[str, str]):
    action = parse_choice(AuditAction, request.args.get("action", ""))
    entity_type = request.args.get("type", "")
    entity_type = entity_type if entity_type in types else ""
    page = min(max(request.args.get("page", 1, type=int), 1), 100_000)
    f = services.AuditFilter(
        mechanism_id=mechanism.id if mechanism else None, entity_type=entity_type, action=action
    )
    entries, total = services.page_of_entries(f, page, PER_PAGE)
    return render_template(
        "audit/log.html",
        mechanism=mechanism,
        rows=_rows(entries),
        total=total,
        page=page,
        pages=max((total + PER_PAGE - 1) // PER_PAGE, 1),
        selected={"action": action.value if action else "", "type": entity_type},
        actions=list(AuditAction),
        types=types,
        reader_zone=reader_timezone(),
    )


def _rows(entries: list[AuditEntry]) -> list[Row]:
    things = services.existing_things(entries)
    return [
        Row(e, _thing_url(e, things), things.get(("mechanism", e.mechanism_id)), _changes(e))
        for e in entries
    ]


def _changes(e: AuditEntry) -> list[tuple[str, object, object]]:
    """Field, old, new; a created or deleted thing's empty fields are left out."""
    if e.action is AuditAction.REFUSED:
        return []
    rows = [(field, *pair) for field, pair in (e.changes or {}).items()]
    if e.action is AuditAction.UPDATE:
        return rows
    return [r for r in rows if r[1] not in EMPTY or r[2] not in EMPTY]


def _thing_url(e: AuditEntry, things: dict) -> str | None:
    found = things.get((e.entity_type, e.entity_id))
    if found is None:
        return None
    key = found[0]
    if e.entity_type == "mechanism":
        return url_for("mechanisms.detail", slug=key)
    if e.entity_type == "body":
        return url_for("bodies.detail", slug=key)
    if e.entity_type == "document":
        return url_for("documents.detail", document_id=int(key))
    meeting_url = url_for("schedule.meeting_detail", meeting_id=int(key))
    return meeting_url + (f"#session-{e.entity_id}" if e.entity_type == "session" else "")

"""Load actions.yaml through the actions' services: what is missing is added, nothing else.

An action is known by its document and item ("SPACE 2025", "1-1-3"), else by its body and
title; one already there (progressed, re-led, re-dated or renamed since) is left as it is,
and the sub-actions it is missing are added under it. An action deleted by the secretariat is
missing again. The documents are loaded first (documents.py): each plan names its document by
its key in documents.yaml, found as the documents' loader finds it, by symbol, else by body
and title.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import yaml

from meetings.actions.models import Action
from meetings.actions.services import create_action
from meetings.bodies.models import Body
from meetings.documents import notices
from meetings.documents.models import Document
from meetings.extensions import db
from meetings.schedule.models import Meeting
from meetings.seeding.documents import DOCUMENTS, Counter, SeedDataError

ACTIONS = Path(__file__).with_name("actions.yaml")
# libyaml's parser where PyYAML has it: the same data, read ten times faster.
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
PLAN_KEYS = frozenset(
    {"document", "cite", "body", "meeting", "status", "lead", "lead_source", "partners", "actions"}
)
ACTION_KEYS = frozenset(
    {
        "item",
        "title",
        "description",
        "area",
        "lead",
        "partners",
        "due",
        "recurrence",
        "schedule_note",
        "status",
        "source",
        "actions",
    }
)


@dataclass(frozen=True)
class Plan:
    """What the actions of one plan share: where they come from and who reviews them."""

    body: Body
    document: Document
    meeting_id: int | None
    status: str
    lead: dict
    lead_source: str
    partners: str
    cite: str
    areas: dict[str, int]


def load_actions(report: Counter, path: Path = ACTIONS, documents: Path = DOCUMENTS) -> None:
    """Add the actions of the data file that are not there yet, with their sub-actions.

    Flushes but does not commit: the caller (load_history) commits with the rest. Actions
    announce nothing today; the load runs in the documents' quiet block all the same, which
    notices of actions, once there are any, must honour so that history is not told as news.
    """
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=YAML_LOADER)  # nosec B506  # YAML_LOADER is (C)SafeLoader
    listed = yaml.load(documents.read_text(encoding="utf-8"), Loader=YAML_LOADER)  # nosec B506  # (C)SafeLoader
    entries = {e["key"]: e for e in listed["documents"]}
    with notices.quietly():
        for item in data["plans"]:
            plan = _plan(item, entries)
            _actions(plan, item["actions"], None, report)


def _plan(item: dict, entries: dict[str, dict]) -> Plan:
    _check_keys(item, PLAN_KEYS, f"plan {item.get('document')!r}")
    if item["document"] not in entries:
        raise SeedDataError(f"actions.yaml names document {item['document']!r}, not listed.")
    body = _body(item["body"])
    meeting = _meeting(item["meeting"]) if item.get("meeting") else None
    return Plan(
        body=body,
        document=_document(entries[item["document"]]),
        meeting_id=meeting.id if meeting else None,
        status=item["status"],
        lead=item["lead"],
        lead_source=_text(item.get("lead_source")),
        partners=_text(item.get("partners")),
        cite=item["cite"],
        areas={a.code: a.id for a in body.mechanism.programme_areas},
    )


def _actions(plan: Plan, items: list[dict], parent: Action | None, report: Counter) -> None:
    for position, item in enumerate(items):
        _check_keys(item, ACTION_KEYS, f"action {item.get('item') or item.get('title')!r}")
        action = _existing(plan, item)
        if action is None:
            action = create_action(plan.body, **_fields(plan, item, parent, position))
            report.count("actions")
        _actions(plan, item.get("actions") or [], action, report)


def _fields(plan: Plan, item: dict, parent: Action | None, position: int) -> dict[str, Any]:
    lead = item.get("lead", plan.lead)
    source = _text(f"{plan.cite}, {item['source']}")
    if "lead" not in item and plan.lead_source:
        source = f"{source if source.endswith('.') else source + '.'} {plan.lead_source}"
    area = item.get("area")
    if area is not None and str(area) not in plan.areas:
        raise SeedDataError(f"actions.yaml names programme area {area!r} of no mechanism here.")
    return {
        "meeting_id": plan.meeting_id,
        "document_id": plan.document.id,
        "item": str(item["item"]),
        "title": _text(item["title"]),
        "description": _text(item.get("description") or item["title"]),
        "lead_kind": lead["kind"],
        "lead_organisation": lead.get("organisation", ""),
        "lead_country": lead.get("country"),
        "partners": _text(item["partners"]) if "partners" in item else plan.partners,
        "programme_area_id": plan.areas[str(area)] if area is not None else None,
        "due": item.get("due"),
        "recurrence": item.get("recurrence"),
        "schedule_note": _text(item.get("schedule_note")),
        "status": item.get("status", plan.status),
        "parent_id": parent.id if parent else None,
        "position": position,
        "source": source,
    }


def _existing(plan: Plan, item: dict) -> Action | None:
    """The plan document's action with the entry's item, else the body's with its title."""
    stmt = sa.select(Action)
    if item.get("item"):
        stmt = stmt.where(Action.document_id == plan.document.id, Action.item == str(item["item"]))
    else:
        stmt = stmt.where(Action.body_id == plan.body.id, Action.title == _text(item["title"]))
    return db.session.scalars(stmt.order_by(Action.id)).first()


def _document(entry: dict) -> Document:
    """A live document with the entry's symbol, else of its body with its title."""
    live = sa.select(Document).where(Document.deleted_at.is_(None))
    if entry.get("symbol"):
        symbol = str(entry["symbol"]).strip().lower()
        found = db.session.scalars(live.where(sa.func.lower(Document.symbol) == symbol)).first()
        if found is not None:
            return found
    stmt = live.where(
        Document.body_id == _body(entry["body"]).id, Document.title == _text(entry["title"])
    )
    found = db.session.scalars(stmt.order_by(Document.id)).first()
    if found is None:
        raise SeedDataError(f"actions.yaml names document {entry['key']!r}, which is not loaded.")
    return found


def _body(slug: str) -> Body:
    body = db.session.scalar(sa.select(Body).where(Body.slug == slug))
    if body is None:
        raise SeedDataError(f"actions.yaml names body {slug!r}, which is not loaded.")
    return body


def _meeting(ref: dict) -> Meeting:
    stmt = sa.select(Meeting).where(
        Meeting.body_id == _body(ref["body"]).id, Meeting.number == ref["number"]
    )
    meeting = db.session.scalars(stmt).first()
    if meeting is None:
        raise SeedDataError(f"actions.yaml names a meeting that is not loaded: {ref}.")
    return meeting


def _check_keys(item: dict, allowed: frozenset[str], what: str) -> None:
    unknown = sorted(set(item) - allowed)
    if unknown:
        raise SeedDataError(f"actions.yaml, {what}: unknown field(s) {', '.join(unknown)}.")


def _text(value: Any) -> str:
    """Folded YAML keeps no line break; runs of spaces are one."""
    return " ".join(str(value or "").split())

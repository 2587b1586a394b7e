"""Create, change and read bodies; prepare the next meeting of a body."""

from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from meetings.access.policies import body_visible
from meetings.access.principal import Principal
from meetings.bodies.cadence import propose_next_date
from meetings.bodies.models import Body, BodyKind, Cadence, NumberingStyle
from meetings.bodies.numbering import default_title, meeting_label, next_number
from meetings.core.dates import PartialDate
from meetings.core.persistence import flush_or_raise
from meetings.core.validation import DomainValidationError, parse_choice, raise_if, require
from meetings.core.visibility import clean_visibility
from meetings.extensions import db
from meetings.mechanisms.models import Mechanism
from meetings.mechanisms.services import SLUG
from meetings.schedule.services import latest_meeting, used_numbers

TEXT_FIELDS = ("slug", "name", "short_name", "description", "cadence_note", "number_prefix")
# Reminders (meetings.notifications.reminders): what a new body starts with.
REMINDER_DEFAULTS: dict[str, Any] = {
    "reminder_days": (14, 1),
    "nfp_reminder_days": 7,
    "approval_reminder_days": 7,
}
MAX_REMINDER_DAYS = 90
MAX_REMINDERS = 5
UNIQUE = {
    "uq_body_slug": ("slug", "Another body has this address name."),
    "body.slug": ("slug", "Another body has this address name."),
}


def get_body(slug: str) -> Body | None:
    stmt = sa.select(Body).where(Body.slug == slug)
    stmt = stmt.options(joinedload(Body.mechanism), joinedload(Body.conjunction_body))
    return db.session.scalars(stmt).first()


def list_bodies(viewer: Principal, mechanism: Mechanism | None = None) -> list[Body]:
    """The bodies the viewer may see, of one mechanism or all."""
    stmt = sa.select(Body).join(Body.mechanism).where(body_visible(viewer))
    stmt = stmt.options(joinedload(Body.mechanism), joinedload(Body.conjunction_body))
    if mechanism is not None:
        stmt = stmt.where(Body.mechanism_id == mechanism.id)
    return list(db.session.scalars(stmt.order_by(Mechanism.name, Body.position, Body.name)))


def create_body(mechanism: Mechanism, **fields: Any) -> Body:
    body = Body()
    _apply(body, fields)
    body.mechanism = mechanism
    db.session.add(body)
    flush_or_raise(UNIQUE)
    return body


def update_body(body: Body, **fields: Any) -> Body:
    _apply(body, fields)
    flush_or_raise(UNIQUE)
    return body


def delete_body(body: Body) -> None:
    """Delete a body, once it has no meetings and no documents (they carry the history)."""
    from meetings.documents.services import live_document_count

    count = len(body.meetings)
    if count:
        message = f"{body.short_name} still has meetings ({count}): delete them first."
        raise DomainValidationError({"meetings": message})
    documents = live_document_count(body_id=body.id)
    if documents:
        message = f"{body.short_name} still has documents ({documents}): delete them first."
        raise DomainValidationError({"documents": message})
    db.session.delete(body)
    db.session.flush()


def _apply(body: Body, fields: dict[str, Any]) -> None:
    values: dict[str, Any] = {k: (fields.get(k) or "").strip() for k in TEXT_FIELDS}
    values["kind"] = parse_choice(BodyKind, fields.get("kind"))
    values["cadence"] = parse_choice(Cadence, fields.get("cadence"))
    values["numbering_style"] = parse_choice(NumberingStyle, fields.get("numbering_style"))
    values["usual_month"] = fields.get("usual_month") or None
    values["conjunction_body_id"] = fields.get("conjunction_body_id") or None
    values["position"] = fields.get("position") or 0
    values["source"] = (fields.get("source") or "").strip()
    values["visibility"], problem = clean_visibility(fields.get("visibility"), meeting_level=False)
    values.update(_reminder_values(body, fields))
    _validate(body, values, problem)
    for key, value in values.items():
        setattr(body, key, value)


def _reminder_values(body: Body, fields: dict[str, Any]) -> dict[str, Any]:
    """The reminder settings given, else the body's own, else the defaults."""
    values = {}
    for key, default in REMINDER_DEFAULTS.items():
        current = getattr(body, key)
        values[key] = fields.get(key, default if current is None else current)
    days = values["reminder_days"]
    if isinstance(days, list | tuple) and all(_is_days(d) for d in days):
        # Distinct, furthest ahead first: "1, 14, 14" are the reminders 14 and 1 days before.
        values["reminder_days"] = sorted(set(days), reverse=True)
    return values


def _reminder_errors(errors: dict[str, list[str]], v: dict[str, Any]) -> None:
    days = v["reminder_days"]
    if not isinstance(days, list | tuple):
        require(errors, "reminder_days", False, "Give the days as a list of numbers: 14, 1.")
    elif not all(_is_days(d) for d in days):
        bad = [repr(d) if isinstance(d, str) else str(d) for d in days if not _is_days(d)]
        verb = "is" if len(bad) == 1 else "are"
        message = f"Each reminder is 1 to 90 days before the meeting: {', '.join(bad)} {verb} not."
        require(errors, "reminder_days", False, message)
    else:
        count = len(days)
        message = f"At most {MAX_REMINDERS} reminders: {count} are given."
        require(errors, "reminder_days", count <= MAX_REMINDERS, message)
    for key in ("nfp_reminder_days", "approval_reminder_days"):
        require(errors, key, _is_days(v[key]), "Give a whole number of days from 1 to 90.")


def _is_days(value: Any) -> bool:
    """A whole number of days a reminder may be set to."""
    whole = isinstance(value, int) and not isinstance(value, bool)
    return whole and 1 <= value <= MAX_REMINDER_DAYS


def _validate(body: Body, v: dict[str, Any], visibility_problem: str | None) -> None:
    errors: dict[str, list[str]] = {}
    require(errors, "visibility", visibility_problem is None, visibility_problem or "")
    require(errors, "name", bool(v["name"]), "Give the body's name.")
    require(errors, "short_name", bool(v["short_name"]), "Give the short name used in titles.")
    require(errors, "slug", bool(SLUG.match(v["slug"])), "Use lower-case letters, digits, -.")
    require(errors, "kind", v["kind"] is not None, "Choose the kind of body.")
    require(errors, "cadence", v["cadence"] is not None, "Choose a cadence.")
    require(errors, "numbering_style", v["numbering_style"] is not None, "Choose a numbering.")
    prefixed = v["numbering_style"] is NumberingStyle.PREFIXED
    require(errors, "number_prefix", not prefixed or v["number_prefix"], "Give the prefix (SOM).")
    month = v["usual_month"]
    require(errors, "usual_month", month is None or 1 <= month <= 12, "A month is 1 to 12.")
    other = v["conjunction_body_id"]
    require(errors, "conjunction_body_id", other is None or other != body.id, "Not itself.")
    if other is not None:
        exists = db.session.get(Body, other) is not None
        require(errors, "conjunction_body_id", exists, "Unknown body.")
    taken = sa.select(Body.id).where(Body.slug == v["slug"])
    if body.id:
        taken = taken.where(Body.id != body.id)
    require(errors, "slug", db.session.scalar(taken) is None, UNIQUE["uq_body_slug"][1])
    _reminder_errors(errors, v)
    raise_if(errors)


@dataclass(frozen=True)
class NextMeetingPlan:
    """What the "schedule the next meeting" form starts from."""

    number: int | None
    label: str
    title: str
    start: PartialDate | None
    timezone: str
    programme_area_ids: list[int]  # the last meeting's


def plan_next_meeting(body: Body, today: date) -> NextMeetingPlan:
    """Prefill the next meeting: number and title from the numbering, date from the cadence."""
    last = latest_meeting(body)
    start = propose_next_date(body, last.start if last else None, today)
    number = next_number(body, used_numbers(body), start.year if start else None)
    timezone = last.timezone if last else body.mechanism.default_timezone
    return NextMeetingPlan(
        number=number,
        label=meeting_label(body, number),
        title=default_title(body, number),
        start=start,
        timezone=timezone,
        programme_area_ids=[a.id for a in last.programme_areas] if last else [],
    )

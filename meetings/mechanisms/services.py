"""Create, change and read mechanisms and their programme areas."""

import re
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from meetings.access.policies import mechanism_visible
from meetings.access.principal import Principal
from meetings.core.countries import parse_country_codes
from meetings.core.persistence import flush_or_raise
from meetings.core.timezones import is_timezone
from meetings.core.validation import DomainValidationError, raise_if, require
from meetings.core.visibility import clean_visibility
from meetings.extensions import db
from meetings.mechanisms.models import Mechanism, MemberState, ProgrammeArea

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Taken by pages: /mechanisms/new.
RESERVED_SLUGS = {"new"}
MECHANISM_FIELDS = (
    "slug",
    "name",
    "short_name",
    "description",
    "secretariat",
    "website",
    "default_timezone",
    "source",
)
UNIQUE = {
    "uq_mechanism_slug": ("slug", "Another mechanism has this address name."),
    "mechanism.slug": ("slug", "Another mechanism has this address name."),
    "uq_mechanism_name": ("name", "Another mechanism has this name."),
    "mechanism.name": ("name", "Another mechanism has this name."),
    "uq_mechanism_short_name": ("short_name", "Another mechanism has this short name."),
    "mechanism.short_name": ("short_name", "Another mechanism has this short name."),
}


def list_mechanisms(viewer: Principal) -> list[Mechanism]:
    """The mechanisms the viewer may see, by name."""
    stmt = sa.select(Mechanism).where(mechanism_visible(viewer)).order_by(Mechanism.name)
    stmt = stmt.options(
        selectinload(Mechanism.member_states),
        selectinload(Mechanism.bodies),
        selectinload(Mechanism.programme_areas),
    )
    return list(db.session.scalars(stmt))


def get_mechanism(slug: str) -> Mechanism | None:
    stmt = sa.select(Mechanism).where(Mechanism.slug == slug)
    stmt = stmt.options(
        selectinload(Mechanism.member_states),
        selectinload(Mechanism.programme_areas).selectinload(ProgrammeArea.children),
        selectinload(Mechanism.bodies),
    )
    return db.session.scalars(stmt).first()


def create_mechanism(member_states: str | list[str] = "", **fields: Any) -> Mechanism:
    mechanism = Mechanism()
    _apply(mechanism, fields, member_states)
    db.session.add(mechanism)
    flush_or_raise(UNIQUE)
    return mechanism


def update_mechanism(
    mechanism: Mechanism, member_states: str | list[str] = "", **fields: Any
) -> Mechanism:
    _apply(mechanism, fields, member_states)
    flush_or_raise(UNIQUE)
    return mechanism


def delete_mechanism(mechanism: Mechanism) -> None:
    """Delete a mechanism with its member states and programme areas, once it has no bodies."""
    count = len(mechanism.bodies)
    if count:
        message = f"{mechanism.short_name} still has bodies ({count}): delete them first."
        raise DomainValidationError({"bodies": message})
    db.session.delete(mechanism)
    db.session.flush()


def _apply(mechanism: Mechanism, fields: dict[str, Any], member_states: str | list[str]) -> None:
    values = {k: (fields.get(k) or "").strip() for k in MECHANISM_FIELDS}
    text = member_states if isinstance(member_states, str) else " ".join(member_states)
    codes, unknown = parse_country_codes(text)
    visibility, problem = clean_visibility(fields.get("visibility"), meeting_level=False)
    _validate(mechanism, values, codes, unknown, problem)
    for key, value in values.items():
        setattr(mechanism, key, value)
    mechanism.visibility = visibility
    existing = {m.country_code: m for m in mechanism.member_states}
    mechanism.member_states = [existing.get(c) or MemberState(country_code=c) for c in codes]


def _validate(
    mechanism: Mechanism, values: dict, codes: list[str], unknown: list[str], visibility_problem
) -> None:
    errors: dict[str, list[str]] = {}
    require(errors, "visibility", visibility_problem is None, visibility_problem or "")
    require(errors, "name", bool(values["name"]), "Give the mechanism's name.")
    require(errors, "short_name", bool(values["short_name"]), "Give a short name.")
    require(errors, "slug", bool(SLUG.match(values["slug"])), "Use lower-case letters, digits, -.")
    require(errors, "slug", values["slug"] not in RESERVED_SLUGS, "This address name is reserved.")
    require(
        errors,
        "default_timezone",
        is_timezone(values["default_timezone"]),
        f"Unknown time zone {values['default_timezone']!r}: use an IANA name such as Asia/Bangkok.",
    )
    website = values["website"]
    require(
        errors,
        "website",
        not website or website.lower().startswith(("https://", "http://")),
        "Give a web address starting with https:// or http://.",
    )
    require(errors, "member_states", not unknown, f"Unknown country codes: {', '.join(unknown)}.")
    require(errors, "member_states", bool(codes) or bool(unknown), "List the member states.")
    for field in ("slug", "name", "short_name"):
        taken = sa.select(Mechanism.id).where(getattr(Mechanism, field) == values[field])
        if mechanism.id:
            taken = taken.where(Mechanism.id != mechanism.id)
        require(errors, field, db.session.scalar(taken) is None, UNIQUE[f"uq_mechanism_{field}"][1])
    raise_if(errors)


PROGRAMME_UNIQUE = {
    "uq_programme_area_mechanism_id": ("code", "Another programme area has this code."),
    "programme_area.mechanism_id, programme_area.code": (
        "code",
        "Another programme area has this code.",
    ),
}


def save_programme_area(
    mechanism: Mechanism,
    area: ProgrammeArea | None = None,
    *,
    code: str,
    name: str,
    description: str = "",
    sdg_goals: list[int] | None = None,
    parent_id: int | None = None,
    position: int = 0,
) -> ProgrammeArea:
    """Create (area=None) or change a programme area of a mechanism."""
    area = area or ProgrammeArea()
    code, name = (code or "").strip(), (name or "").strip()
    goals = sorted(set(sdg_goals or []))
    _validate_area(mechanism, area, code, name, goals, parent_id)
    area.code, area.name, area.description = code, name, (description or "").strip()
    area.sdg_goals, area.parent_id, area.position = goals, parent_id, position
    area.mechanism = mechanism
    db.session.add(area)
    flush_or_raise(PROGRAMME_UNIQUE)
    return area


def _validate_area(mechanism, area, code, name, goals, parent_id) -> None:
    errors: dict[str, list[str]] = {}
    require(errors, "code", bool(code), "Give the area's code, as the mechanism numbers it.")
    require(errors, "name", bool(name), "Give the area's name.")
    bad = [g for g in goals if not 1 <= g <= 17]
    require(errors, "sdg_goals", not bad, "SDGs are numbered 1 to 17.")
    # Two levels (pillar, sub-area): a parent is a top-level area other than this one.
    parents = {a.id for a in mechanism.programme_areas if a.parent_id is None and a is not area}
    require(
        errors, "parent_id", parent_id is None or parent_id in parents, "Choose a top-level area."
    )
    require(errors, "parent_id", parent_id is None or not area.children, "This area has sub-areas.")
    same = [a for a in mechanism.programme_areas if a.code == code and a is not area]
    require(errors, "code", not same, PROGRAMME_UNIQUE["uq_programme_area_mechanism_id"][1])
    raise_if(errors)

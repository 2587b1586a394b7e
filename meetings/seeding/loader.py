"""Load history.yaml through the domains' services: what is missing is added, nothing else.

The documents of the seeds (documents.yaml, documents.py) follow the meetings they belong to,
and the follow-up actions of their plans (actions.yaml, actions.py) follow the documents.
"""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import yaml

from meetings.bodies.models import Body
from meetings.bodies.services import create_body
from meetings.core.dates import PartialDate
from meetings.extensions import db
from meetings.mechanisms.models import Mechanism
from meetings.mechanisms.services import create_mechanism, save_programme_area
from meetings.schedule.models import Meeting
from meetings.schedule.services import create_meeting
from meetings.seeding.actions import ACTIONS, YAML_LOADER, load_actions
from meetings.seeding.documents import DOCUMENTS, load_documents
from meetings.seeding.themes import load_themes

HISTORY = Path(__file__).with_name("history.yaml")
MEETING_DEFAULTS = {"status": "held", "format": "in_person"}


@dataclass
class SeedReport:
    """What one run added, by kind."""

    added: dict[str, int] = field(
        default_factory=lambda: {
            "mechanisms": 0,
            "programme areas": 0,
            "themes": 0,
            "bodies": 0,
            "meetings": 0,
            "actions": 0,
            "documents": 0,
            "files": 0,
        }
    )

    def count(self, kind: str) -> None:
        self.added[kind] = self.added.get(kind, 0) + 1  # an uncommon kind shows when it occurs

    def __str__(self) -> str:
        if not any(self.added.values()):
            return "Seed history already loaded: nothing to add."
        return "Added " + ", ".join(f"{n} {kind}" for kind, n in self.added.items()) + "."


def load_history(
    path: Path = HISTORY, documents: Path | None = DOCUMENTS, actions: Path | None = ACTIONS
) -> SeedReport:
    """Add the mechanisms, bodies, meetings, documents and actions that are not there yet
    (`documents=None`: the history alone; `actions=None`: no actions). The actions are traced
    to the documents, so they are loaded only with them."""
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=YAML_LOADER)  # nosec B506  # YAML_LOADER is (C)SafeLoader
    report = SeedReport()
    for item in data["mechanisms"]:
        mechanism = _mechanism(item, report)
        _areas(mechanism, item.get("programme_areas", []), None, report)
        bodies = [_body(mechanism, b, report) for b in item.get("bodies", [])]
        for body, b in zip(bodies, item.get("bodies", []), strict=True):
            _link_conjunction(body, b)
            for m in b.get("meetings") or []:
                _meeting(body, m, report)
    load_themes(report)
    if documents is not None:
        load_documents(report, documents)
        if actions is not None:
            load_actions(report, actions, documents)
    db.session.commit()
    return report


def _mechanism(item: dict, report: SeedReport) -> Mechanism:
    found = db.session.scalar(sa.select(Mechanism).where(Mechanism.slug == item["slug"]))
    if found:
        return found
    fields = {k: v for k, v in item.items() if k not in ("programme_areas", "bodies")}
    report.count("mechanisms")
    return create_mechanism(**fields)


def _areas(mechanism: Mechanism, items: list, parent_id: int | None, report: SeedReport) -> None:
    for position, item in enumerate(items):
        area = next((a for a in mechanism.programme_areas if a.code == str(item["code"])), None)
        if area is None:
            fields = {k: v for k, v in item.items() if k != "children"}
            fields["code"] = str(fields["code"])
            area = save_programme_area(mechanism, parent_id=parent_id, position=position, **fields)
            report.count("programme areas")
        _areas(mechanism, item.get("children", []), area.id, report)


def _body(mechanism: Mechanism, item: dict, report: SeedReport) -> Body:
    found = db.session.scalar(sa.select(Body).where(Body.slug == item["slug"]))
    if found:
        return found
    fields = {k: v for k, v in item.items() if k not in ("meetings", "conjunction_body")}
    report.count("bodies")
    return create_body(mechanism, position=len(mechanism.bodies), **fields)


def _link_conjunction(body: Body, item: dict) -> None:
    if item.get("conjunction_body") and body.conjunction_body_id is None:
        other = db.session.scalar(sa.select(Body).where(Body.slug == item["conjunction_body"]))
        body.conjunction_body = other


def _meeting(body: Body, item: dict, report: SeedReport) -> None:
    start, end = _dates(item["dates"])
    areas = _area_ids(body, item.get("programme_areas", []))
    existing = _existing_meeting(body, item, start)
    if existing is not None:
        if areas and not existing.programme_areas:  # tagged in a later version of the seed
            existing.programme_areas = [a for a in body.mechanism.programme_areas if a.id in areas]
            report.count("meetings given programme areas")
        return
    fields = {**MEETING_DEFAULTS, **item, "start": start, "end": end, "programme_area_ids": areas}
    fields.pop("programme_areas", None)
    fields["country_code"] = fields.pop("country", None)
    fields.pop("dates")
    held_with = fields.pop("held_with", None)
    if held_with:
        fields["held_with_id"] = _find_meeting(held_with["body"], held_with["number"]).id
    create_meeting(body, **fields)
    report.count("meetings")


def _area_ids(body: Body, codes: list) -> list[int]:
    """The ids of the mechanism's areas by their codes; an unknown code is a seed error."""
    by_code = {a.code: a.id for a in body.mechanism.programme_areas}
    return [by_code[str(code)] for code in codes]


def _dates(text: Any) -> tuple[PartialDate, PartialDate]:
    start, _, end = str(text).partition("/")
    return PartialDate.parse(start), PartialDate.parse(end or start)


def _existing_meeting(body: Body, item: dict, start: PartialDate) -> Meeting | None:
    """Numbered meetings are known by number; others by title and start."""
    stmt = sa.select(Meeting).where(Meeting.body_id == body.id)
    if item.get("number") is not None:
        stmt = stmt.where(Meeting.number == item["number"])
    else:
        stmt = stmt.where(Meeting.title == item["title"], Meeting.start_date == start.first_day())
    return db.session.scalars(stmt).first()


def _find_meeting(body_slug: str, number: int) -> Meeting:
    stmt = (
        sa.select(Meeting)
        .join(Meeting.body)
        .where(Body.slug == body_slug, Meeting.number == number)
    )
    return db.session.scalars(stmt).one()

"""The planning calendar across mechanisms: /planning (the next 24 months, with the bodies
overdue for a meeting), /planning/<year> (a year, printable) and /planning/<year>/<month> (a
month as a grid of weeks); filtered by mechanism, body, member state, programme area and
theme, with clashes marked. Unknown filter values are named and left out; a year or month off
the calendar is a 404 that says which are on it."""

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask import Blueprint, abort, render_template, request
from sqlalchemy.orm import selectinload

from meetings.access.guards import current_principal
from meetings.access.policies import can_view_body, mechanism_visible
from meetings.core.countries import country_name
from meetings.core.dates import add_months
from meetings.core.models import utc_today
from meetings.extensions import db
from meetings.mechanisms.models import Mechanism
from meetings.planning.calendar import month_in_range, window
from meetings.planning.projection import HORIZON_MONTHS, PlanFilter, areas_chosen
from meetings.themes.models import Theme

bp = Blueprint("planning", __name__)


@dataclass
class Filters:
    """The filters offered and chosen, the PlanFilter they make, and what was not understood."""

    plan: PlanFilter
    args: dict[str, str]  # the chosen ones, to carry over in links
    offered: dict
    unknown: list[str] = field(default_factory=list)


@bp.get("/planning")
def index():
    filters = _filters()
    today = utc_today()
    start = today.replace(day=1)
    cal = window(current_principal(), today, filters.plan, start, HORIZON_MONTHS)
    return _render("planning/index.html", filters, cal=cal, horizon=HORIZON_MONTHS, today=today)


@bp.get("/planning/<int:year>")
def year(year: int):
    _on_calendar(year)
    filters = _filters()
    today = utc_today()
    cal = window(current_principal(), today, filters.plan, date(year, 1, 1), 12)
    return _render(
        "planning/year.html",
        filters,
        cal=cal,
        year=year,
        today=today,
        previous=year - 1 if month_in_range(year - 1) is None else None,
        following=year + 1 if month_in_range(year + 1) is None else None,
    )


@bp.get("/planning/<int:year>/<int:month>")
def month(year: int, month: int):
    _on_calendar(year, month)
    filters = _filters()
    today = utc_today()
    first = date(year, month, 1)
    cal = window(current_principal(), today, filters.plan, first, 1)
    previous, following = add_months(first, -1), add_months(first, 1)
    return _render(
        "planning/month.html",
        filters,
        cal=cal,
        plan=cal.months[0],
        today=today,
        previous=previous if month_in_range(previous.year) is None else None,
        following=following if month_in_range(following.year) is None else None,
    )


def _on_calendar(year: int, month: int = 1) -> None:
    problem = month_in_range(year, month)
    if problem:
        abort(404, description=problem)


def _render(template: str, filters: Filters, **context):
    return render_template(
        template, filters=filters, args=filters.args, unknown=filters.unknown, **context
    )


def _filters() -> Filters:
    """Read the filters from the query string: each value among those the viewer is offered."""
    p = current_principal()
    mechanisms = list(
        db.session.scalars(
            sa.select(Mechanism)
            .where(mechanism_visible(p))
            .options(
                selectinload(Mechanism.bodies),
                selectinload(Mechanism.member_states),
                selectinload(Mechanism.programme_areas),
            )
            .order_by(Mechanism.name)
        )
    )
    bodies = [b for m in mechanisms for b in m.bodies if can_view_body(p, b)]
    areas = {a.id: a for m in mechanisms for a in m.programme_areas}
    themes = list(
        db.session.scalars(
            sa.select(Theme).options(selectinload(Theme.areas)).order_by(Theme.position)
        )
    )
    countries = sorted({s.country_code for m in mechanisms for s in m.member_states})
    given, unknown, chosen = request.args, [], {}

    mechanism = _chosen(mechanisms, given.get("mechanism", ""), "mechanism", unknown)
    body = _chosen(bodies, given.get("body", ""), "body", unknown)
    theme = _chosen(themes, given.get("theme", ""), "theme", unknown)
    country = given.get("country", "").strip().upper()[:2] or None
    if country is not None and country not in countries:
        unknown.append(f"No member state {given.get('country', '')[:20]!r}")
        country = None
    area = None
    if given.get("area", ""):
        raw = given["area"].strip()
        area = areas.get(int(raw)) if raw.isascii() and raw.isdigit() and len(raw) < 10 else None
        if area is None:
            unknown.append(f"No programme area {raw[:20]!r}")

    chosen_areas = areas_chosen(area, theme, areas)
    for key, value in (
        ("mechanism", mechanism.slug if mechanism else None),
        ("body", body.slug if body else None),
        ("country", country),
        ("area", str(area.id) if area else None),
        ("theme", theme.slug if theme else None),
    ):
        if value:
            chosen[key] = value
    plan = PlanFilter(
        mechanism_id=mechanism.id if mechanism else None,
        body_id=body.id if body else None,
        country=country,
        area_ids=chosen_areas,
    )
    offered = {
        "mechanisms": mechanisms,
        "bodies": bodies,
        "countries": [(code, country_name(code) or code) for code in countries],
        "themes": themes,
        "mechanism": mechanism,
        "body": body,
        "country": country,
        "area": area,
        "theme": theme,
    }
    return Filters(plan, chosen, offered, unknown)


def _chosen(records: list, slug: str, kind: str, unknown: list[str]):
    """The record a slug names among those offered, else None (noted when a slug was given)."""
    if not slug:
        return None
    found = next((r for r in records if r.slug == slug), None)
    if found is None:
        unknown.append(f"No {kind} {slug[:80]!r}")
    return found

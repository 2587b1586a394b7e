"""/planning: the meetings scheduled and expected over the next 24 months across mechanisms,
and the bodies overdue for a meeting, filtered by mechanism, body and member state."""

import sqlalchemy as sa
from flask import Blueprint, render_template, request
from sqlalchemy.orm import selectinload

from meetings.access.guards import current_principal
from meetings.access.policies import can_view_body, mechanism_visible
from meetings.core.countries import country_name
from meetings.core.models import utc_today
from meetings.extensions import db
from meetings.mechanisms.models import Mechanism
from meetings.planning.projection import HORIZON_MONTHS, PlanFilter, project

bp = Blueprint("planning", __name__)


@bp.get("/planning")
def index():
    p = current_principal()
    mechanisms = list(
        db.session.scalars(
            sa.select(Mechanism)
            .where(mechanism_visible(p))
            .options(selectinload(Mechanism.bodies), selectinload(Mechanism.member_states))
            .order_by(Mechanism.name)
        )
    )
    bodies = [b for m in mechanisms for b in m.bodies if can_view_body(p, b)]
    countries = sorted({s.country_code for m in mechanisms for s in m.member_states})
    args, unknown = request.args, []
    mechanism = _chosen(mechanisms, args.get("mechanism", ""), "mechanism", unknown)
    body = _chosen(bodies, args.get("body", ""), "body", unknown)
    country = args.get("country", "").strip().upper()[:2] or None
    if country is not None and country not in countries:
        unknown.append(f"No member state {args.get('country', '')[:20]!r}")
        country = None
    f = PlanFilter(
        mechanism_id=mechanism.id if mechanism else None,
        body_id=body.id if body else None,
        country=country,
    )
    return render_template(
        "planning/index.html",
        projection=project(p, utc_today(), f),
        mechanisms=mechanisms,
        bodies=bodies,
        countries=[(code, country_name(code) or code) for code in countries],
        mechanism=mechanism,
        body=body,
        country=country,
        unknown=unknown,
        horizon=HORIZON_MONTHS,
    )


def _chosen(records: list, slug: str, kind: str, unknown: list[str]):
    """The record a slug names among those offered, else None (noted when a slug was given)."""
    if not slug:
        return None
    found = next((r for r in records if r.slug == slug), None)
    if found is None:
        unknown.append(f"No {kind} {slug[:80]!r}")
    return found

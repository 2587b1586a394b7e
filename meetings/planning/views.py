"""/planning: the meetings scheduled and expected over the next 24 months across mechanisms,
and the bodies overdue for a meeting."""

import sqlalchemy as sa
from flask import Blueprint, render_template, request

from meetings.access.guards import current_principal
from meetings.access.policies import mechanism_visible
from meetings.core.models import utc_today
from meetings.extensions import db
from meetings.mechanisms.models import Mechanism
from meetings.planning.projection import HORIZON_MONTHS, project

bp = Blueprint("planning", __name__)


@bp.get("/planning")
def index():
    p = current_principal()
    mechanisms = list(
        db.session.scalars(
            sa.select(Mechanism).where(mechanism_visible(p)).order_by(Mechanism.name)
        )
    )
    chosen = request.args.get("mechanism", "")
    mechanism = next((m for m in mechanisms if m.slug == chosen), None)
    projection = project(p, utc_today(), mechanism.id if mechanism else None)
    return render_template(
        "planning/index.html",
        projection=projection,
        mechanisms=mechanisms,
        mechanism=mechanism,
        unknown=bool(chosen) and mechanism is None,
        horizon=HORIZON_MONTHS,
    )

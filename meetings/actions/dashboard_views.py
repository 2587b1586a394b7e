"""Dashboards of follow-up actions per body, per mechanism and across mechanisms, with
CSV and XLSX exports. Whoever may see a body sees its actions counted; the others are left
out of every number, list and export."""

from flask import Blueprint, Response, render_template

from meetings.access.guards import current_principal, visible_or_404
from meetings.access.policies import can_view_mechanism
from meetings.actions import dashboard, exports
from meetings.actions.chart import status_chart
from meetings.actions.dashboard import Scope
from meetings.actions.models import STATUS_LABELS
from meetings.bodies.lookup import visible_body
from meetings.core.models import utc_today, utcnow
from meetings.mechanisms.services import get_mechanism

bp = Blueprint("action_dashboards", __name__)
TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _mechanism_scope(slug: str) -> Scope:
    return Scope(mechanism=visible_or_404(get_mechanism(slug), can_view_mechanism))


def _body_scope(slug: str) -> Scope:
    return Scope(body=visible_body(slug))


def _urls(scope: Scope) -> dict:
    """The page's and exports' endpoints with their arguments."""
    if scope.body is not None:
        return {"page": ".body", "export": ".body_export", "args": {"slug": scope.body.slug}}
    if scope.mechanism is not None:
        args = {"slug": scope.mechanism.slug}
        return {"page": ".mechanism", "export": ".mechanism_export", "args": args}
    return {"page": ".across", "export": ".across_export", "args": {}}


def _page(scope: Scope):
    p, today, now = current_principal(), utc_today(), utcnow()
    statuses, totals = dashboard.by_status(p, scope, today)
    months = dashboard.status_over_time(p, scope, now, totals.first_created_at)
    title = f"Actions by status at the end of each month: {scope.name}"
    return render_template(
        "actions/dashboard.html",
        scope=scope,
        urls=_urls(scope),
        today=today,
        totals=totals,
        statuses=statuses,
        areas=dashboard.by_programme_area(p, scope, today),
        leads=dashboard.by_lead(p, scope, today),
        parts=dashboard.by_part(p, scope, today),
        overdue=dashboard.overdue_actions(p, scope, today),
        overdue_shown=dashboard.OVERDUE_SHOWN,
        months=months,
        chart=status_chart(months, title) if months else None,
        status_labels=STATUS_LABELS,
    )


def _export(scope: Scope, fmt: str) -> Response:
    today = utc_today()
    rows = dashboard.export_rows(current_principal(), scope, today)
    data = exports.to_csv(rows) if fmt == "csv" else exports.to_xlsx(rows, scope.name)
    response = Response(data, mimetype=TYPES[fmt])
    filename = f"actions-{scope.slug}-{today.isoformat()}.{fmt}"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/actions/dashboard")
def across():
    return _page(Scope())


@bp.get("/mechanisms/<slug>/actions/dashboard")
def mechanism(slug: str):
    return _page(_mechanism_scope(slug))


@bp.get("/bodies/<slug>/actions/dashboard")
def body(slug: str):
    return _page(_body_scope(slug))


@bp.get("/actions/dashboard.<any(csv, xlsx):fmt>")
def across_export(fmt: str):
    return _export(Scope(), fmt)


@bp.get("/mechanisms/<slug>/actions/dashboard.<any(csv, xlsx):fmt>")
def mechanism_export(slug: str, fmt: str):
    return _export(_mechanism_scope(slug), fmt)


@bp.get("/bodies/<slug>/actions/dashboard.<any(csv, xlsx):fmt>")
def body_export(slug: str, fmt: str):
    return _export(_body_scope(slug), fmt)

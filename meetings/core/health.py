"""/livez (the process answers: nothing else is checked, so a database outage does not get
every web process restarted), /healthz (the database and the broker answer) and /readyz
(also: the schema is migrated and documents can be stored), for load balancers and
orchestrators: JSON, 200 or 503, open to everyone and saying only which part is wrong."""

from flask import Blueprint, current_app, jsonify

from meetings.core.services_check import live_checks, ready_checks

bp = Blueprint("health", __name__)


@bp.get("/livez")
def livez():
    return _report({})


@bp.get("/healthz")
def healthz():
    return _report(live_checks(current_app))


@bp.get("/readyz")
def readyz():
    return _report(ready_checks(current_app))


def _report(checks):
    results = {name: check() or "ok" for name, check in checks.items()}
    healthy = all(result == "ok" for result in results.values())
    body = {"status": "ok" if healthy else "unavailable", "checks": results}
    response = jsonify(body)
    response.status_code = 200 if healthy else 503
    response.headers["Cache-Control"] = "no-store"
    return response

"""Meetings and events of intergovernmental environmental cooperation mechanisms."""

from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from meetings.access import templating as access_templating
from meetings.accounts import cli as accounts_cli
from meetings.accounts import session as accounts_session
from meetings.accounts import views as accounts_views
from meetings.actions import api as actions_api
from meetings.actions import dashboard_views as action_dashboard_views
from meetings.actions import reminders as action_reminders
from meetings.actions import services as actions_services
from meetings.actions import views as actions_views
from meetings.audit import api as audit_api
from meetings.audit import recorder as audit_recorder
from meetings.audit import views as audit_views
from meetings.bodies import api as bodies_api
from meetings.bodies import views as bodies_views
from meetings.calendars import subscription_views
from meetings.calendars import views as calendars_views
from meetings.config import default_config
from meetings.core import after_commit, errors, health, ids, input_guard, security, templating
from meetings.core import views as core_views
from meetings.core.api import document_security
from meetings.core.services_check import is_production, missing_settings
from meetings.documents import api as documents_api
from meetings.documents import file_cleanup, notices, reading
from meetings.documents import views as documents_views
from meetings.extensions import api, csrf, db, migrate
from meetings.mechanisms import api as mechanisms_api
from meetings.mechanisms import views as mechanisms_views
from meetings.notifications import api as notifications_api
from meetings.notifications import change_notices, reminders
from meetings.notifications import views as notifications_views
from meetings.participants import views as participants_views
from meetings.planning import api as planning_api
from meetings.planning import views as planning_views
from meetings.registrations import api as registrations_api
from meetings.registrations import list_views as participant_list_views
from meetings.registrations import views as registrations_views
from meetings.schedule import api as schedule_api
from meetings.schedule import sessions_api
from meetings.schedule import views as schedule_views
from meetings.search import api as search_api
from meetings.search import cli as search_cli
from meetings.search import index as search_index
from meetings.search import views as search_views
from meetings.seeding import cli as seeding_cli
from meetings.themes import api as themes_api
from meetings.themes import views as themes_views
from workers.celery_app import init_celery

# Notification kinds register themselves when their modules load.
NOTIFICATION_KINDS = (change_notices, reminders, notices, action_reminders)
DOCUMENT_TASKS = (reading,)  # registers its after-commit hand-over
SIGNAL_RECEIVERS = (actions_services,)  # due dates that follow a meeting

ROOT = Path(__file__).resolve().parent.parent
PAGES = (
    core_views,
    health,
    schedule_views,
    mechanisms_views,
    bodies_views,
    audit_views,
    participants_views,
    accounts_views,
    subscription_views,
    calendars_views,
    registrations_views,
    participant_list_views,
    notifications_views,
    documents_views,
    search_views,
    actions_views,
    action_dashboard_views,
    planning_views,
    themes_views,
)
APIS = (
    mechanisms_api,
    bodies_api,
    schedule_api,
    sessions_api,
    audit_api,
    registrations_api,
    notifications_api,
    documents_api,
    search_api,
    actions_api,
    planning_api,
    themes_api,
)


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the application; `config` overrides defaults and environment (tests use it)."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    if is_production() and (problems := missing_settings()):
        raise SystemExit("Not starting: " + " ".join(problems))
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(default_config(app.instance_path))
    if config:
        app.config.from_mapping(config)
    if hops := app.config.get("PROXY_FIX_HOPS"):
        # Behind that many reverse proxies: trust their X-Forwarded-For/-Proto/-Host/-Prefix.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_prefix=hops)

    ids.init_app(app)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    accounts_session.init_app(app)
    audit_recorder.init_app(app)
    after_commit.init_app(app)
    file_cleanup.init_app(app)
    search_index.init_app(app)
    init_celery(app)
    security.init_app(app)
    input_guard.init_app(app)
    api.init_app(app)
    document_security()
    errors.init_app(app)
    templating.init_app(app)
    access_templating.init_app(app)
    for module in PAGES:
        app.register_blueprint(module.bp)
    for module in APIS:
        api.register_blueprint(module.blp)
        # Writes need a bearer token, never the cookie alone: no cross-site forgery to stop.
        csrf.exempt(module.blp)
    seeding_cli.init_app(app)
    accounts_cli.init_app(app)
    search_cli.init_app(app)
    return app

"""Meetings and events of intergovernmental environmental cooperation mechanisms."""

from pathlib import Path
from typing import Any

from flask import Flask

from meetings.access import templating as access_templating
from meetings.accounts import session as accounts_session
from meetings.audit import recorder as audit_recorder
from meetings.bodies import api as bodies_api
from meetings.bodies import views as bodies_views
from meetings.config import default_config
from meetings.core import errors, ids, security, templating
from meetings.core import views as core_views
from meetings.extensions import api, csrf, db, migrate
from meetings.mechanisms import api as mechanisms_api
from meetings.mechanisms import views as mechanisms_views
from meetings.schedule import api as schedule_api
from meetings.schedule import views as schedule_views
from meetings.seeding import cli as seeding_cli

ROOT = Path(__file__).resolve().parent.parent
PAGES = (core_views, schedule_views, mechanisms_views, bodies_views)
APIS = (mechanisms_api, bodies_api, schedule_api)


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the application; `config` overrides defaults and environment (tests use it)."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(default_config(app.instance_path))
    if config:
        app.config.from_mapping(config)

    ids.init_app(app)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    accounts_session.init_app(app)
    audit_recorder.init_app(app)
    security.init_app(app)
    api.init_app(app)
    errors.init_app(app)
    templating.init_app(app)
    access_templating.init_app(app)
    for module in PAGES:
        app.register_blueprint(module.bp)
    for module in APIS:
        api.register_blueprint(module.blp)
    seeding_cli.init_app(app)
    return app

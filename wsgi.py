"""WSGI entry point: `flask --app wsgi ...` and production servers (gunicorn wsgi:app) load
`app` from here. In production (MEETINGS_ENV=production) it refuses to start, in one line,
when a setting is missing or the database or broker does not answer."""

from meetings import create_app
from meetings.core.services_check import require_production

app = create_app()
require_production(app)

"""The entry point of `celery -A workers.worker worker -B`: the Flask app's Celery app. In
production it refuses to start, in one line, when the database or broker does not answer."""

from meetings import create_app
from meetings.core.services_check import require_production

flask_app = create_app()
require_production(flask_app)
celery = flask_app.extensions["celery"]

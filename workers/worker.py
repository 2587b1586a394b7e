"""The entry point of `celery -A workers.worker worker -B`: the Flask app's Celery app."""

from meetings import create_app

flask_app = create_app()
celery = flask_app.extensions["celery"]

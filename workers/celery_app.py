"""The Celery app, configured from the Flask app's configuration and running in its context.

By default the broker is kombu's filesystem transport in the instance folder: no server to
run. CELERY_BROKER_URL=redis://... or amqp://... switches to a real broker, nothing else to
change. No result backend: every outcome that matters is recorded in the database.
"""

from pathlib import Path
from typing import Any

from celery import Celery, Task
from flask import Flask

# The periodic work; each task looks at the database for what is due, so a missed beat (the
# worker was down) is caught up by the next one, and a second beat process does no harm.
BEAT = {
    "sweep": ("notifications.sweep", "NOTIFY_SWEEP_SECONDS"),
    "plan": ("notifications.plan", "NOTIFY_PLAN_SECONDS"),
    "digests": ("notifications.digests", "NOTIFY_DIGEST_CHECK_SECONDS"),
    "imports": ("registrations.resume_imports", "IMPORT_RESUME_SECONDS"),
    "document_text": ("documents.read_pending", "DOCUMENT_TEXT_SECONDS"),
}


def celery_settings(app: Flask) -> dict[str, Any]:
    config = app.config
    url = config["CELERY_BROKER_URL"]
    settings: dict[str, Any] = {
        "broker_url": url,
        "broker_connection_timeout": 3,
        "broker_connection_retry_on_startup": True,
        "task_ignore_result": True,
        # Only for progress reports (a large participants import); outcomes are in the
        # database.
        "result_backend": _result_backend(app, url),
        "result_expires": 24 * 3600,
        "task_always_eager": config.get("CELERY_TASK_ALWAYS_EAGER", False),
        "task_eager_propagates": True,
        # A task taken by a worker that dies is given to another (the database claim makes
        # a second run harmless).
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 4,
        "worker_hijack_root_logger": False,
        "beat_schedule": {
            name: {"task": task, "schedule": float(config[seconds])}
            for name, (task, seconds) in BEAT.items()
        },
        "beat_schedule_filename": config.get("CELERY_BEAT_SCHEDULE_FILE")
        or str(Path(app.instance_path) / "celerybeat-schedule"),
    }
    if url.startswith("filesystem://"):
        folder = Path(app.instance_path) / "broker"
        for sub in ("queue", "control"):
            (folder / sub).mkdir(parents=True, exist_ok=True)
        settings["broker_transport_options"] = {
            "data_folder_in": str(folder / "queue"),
            "data_folder_out": str(folder / "queue"),
            "control_folder": str(folder / "control"),
            "store_processed": False,
            "polling_interval": 0.5,
        }
    return settings


def _result_backend(app: Flask, broker: str) -> str | None:
    """CELERY_RESULT_BACKEND, else the broker's Redis, else a folder for the filesystem
    broker; with RabbitMQ and no backend set, progress is simply not shown."""
    if configured := app.config.get("CELERY_RESULT_BACKEND"):
        return configured
    if broker.startswith(("redis://", "rediss://")):
        return broker
    if broker.startswith("filesystem://"):
        folder = Path(app.instance_path) / "celery-results"
        folder.mkdir(parents=True, exist_ok=True)
        return f"file://{folder}"
    return None


def _base_url(app: Flask) -> str:
    if base := app.config.get("PUBLIC_BASE_URL"):
        return base
    if server := app.config.get("SERVER_NAME"):
        return f"http://{server}"
    return "http://localhost:5000"


def init_celery(app: Flask) -> Celery:
    """Create the Celery app bound to `app`; its tasks run inside an app context."""

    class FlaskTask(Task):
        def __call__(self, *args: object, **kwargs: object) -> object:
            # Its own app context (so its own database session, even when run eagerly
            # inside a request), and a request context so that emails can carry links.
            with app.app_context(), app.test_request_context(base_url=_base_url(app)):
                return self.run(*args, **kwargs)

    celery = Celery(app.import_name, task_cls=FlaskTask)
    celery.conf.update(celery_settings(app))
    celery.set_default()
    app.extensions["celery"] = celery
    import workers.tasks  # noqa: F401  (registers the tasks on this app)

    return celery

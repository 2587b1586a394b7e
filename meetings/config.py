"""Configuration: embedded defaults for one machine, environment variables for production."""

import os
import secrets
from pathlib import Path


def _secret_key(instance_path: str) -> str:
    """Return SECRET_KEY from the environment, or one kept in the instance folder."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def _database_url(instance_path: str) -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        return f"sqlite:///{Path(instance_path) / 'meetings.sqlite3'}"
    # Heroku-style URLs name the dialect "postgres"; SQLAlchemy wants the driver spelled out.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise SystemExit(f"{name} must be a whole number, not {value!r}.") from None


def _ints(name: str, default: tuple[int, ...]) -> tuple[int, ...]:
    """A comma-separated list of whole numbers ("14,1")."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return tuple(int(part) for part in value.split(",") if part.strip())
    except ValueError:
        message = f"{name} must be whole numbers separated by commas, not {value!r}."
        raise SystemExit(message) from None


def default_config(instance_path: str) -> dict:
    """Build the configuration from defaults and the environment."""
    return {
        "SECRET_KEY": _secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": _database_url(instance_path),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "PUBLIC_BASE_URL": os.environ.get("PUBLIC_BASE_URL", ""),
        # Reverse proxies in front of the app whose X-Forwarded-* headers are trusted (0: none).
        "PROXY_FIX_HOPS": _int("PROXY_FIX_HOPS", 0),
        "WTF_CSRF_TIME_LIMIT": None,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": os.environ.get("SESSION_COOKIE_SECURE", "") == "1",
        # flask-smorest / OpenAPI
        "API_TITLE": "Meetings of environmental cooperation mechanisms",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
        "JSON_SORT_KEYS": False,
        "PAGE_SIZE": 50,
        "MAX_PAGE_SIZE": 200,
        # Mail: SMTP when MAIL_SERVER is set, else .eml files in instance/<MAIL_OUTBOX>.
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", ""),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT") or 25),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD", ""),
        "MAIL_USE_TLS": os.environ.get("MAIL_USE_TLS", "") == "1",
        "MAIL_DEFAULT_SENDER": os.environ.get(
            "MAIL_DEFAULT_SENDER", "Environmental cooperation meetings <no-reply@localhost>"
        ),
        "MAIL_OUTBOX": os.environ.get("MAIL_OUTBOX", "outbox"),
        # Delivery (meetings.mail.delivery): retries with backoff, the lease of a send.
        "MAIL_MAX_ATTEMPTS": _int("MAIL_MAX_ATTEMPTS", 8),
        "MAIL_RETRY_BASE_SECONDS": _int("MAIL_RETRY_BASE_SECONDS", 30),
        "MAIL_RETRY_MAX_SECONDS": _int("MAIL_RETRY_MAX_SECONDS", 3600),
        "MAIL_LEASE_SECONDS": _int("MAIL_LEASE_SECONDS", 300),
        "MAIL_REQUEUE_SECONDS": _int("MAIL_REQUEUE_SECONDS", 300),
        # Celery (workers/): the filesystem broker in the instance folder needs no server.
        "CELERY_BROKER_URL": os.environ.get("CELERY_BROKER_URL", "filesystem://"),
        "CELERY_RESULT_BACKEND": os.environ.get("CELERY_RESULT_BACKEND", ""),
        # Where beat keeps its last run times (one file per beat process).
        "CELERY_BEAT_SCHEDULE_FILE": os.environ.get("CELERY_BEAT_SCHEDULE_FILE", ""),
        "CELERY_TASK_ALWAYS_EAGER": os.environ.get("CELERY_TASK_ALWAYS_EAGER", "") == "1",
        # Notifications: how often the beat sweeps, plans and checks digests; digest hour.
        "NOTIFY_SWEEP_SECONDS": _int("NOTIFY_SWEEP_SECONDS", 30),
        "NOTIFY_PLAN_SECONDS": _int("NOTIFY_PLAN_SECONDS", 300),
        "NOTIFY_DIGEST_CHECK_SECONDS": _int("NOTIFY_DIGEST_CHECK_SECONDS", 900),
        "NOTIFY_DIGEST_HOUR": _int("NOTIFY_DIGEST_HOUR", 7),
        # Planning: meetings this many days apart (or overlapping) are shown as clashes.
        "PLANNING_CLASH_DAYS": _int("PLANNING_CLASH_DAYS", 3),
        # Rendered calendar feeds kept per web process (calendars/rendered.py); 0 keeps none.
        "FEED_CACHE_MB": _int("FEED_CACHE_MB", 64),
        # Follow-up actions (meetings.actions.reminders): days before the due date the lead
        # is reminded; days after it an action still open is reported to the body's staff.
        "ACTION_DUE_SOON_DAYS": _ints("ACTION_DUE_SOON_DAYS", (14, 1)),
        "ACTION_ESCALATE_DAYS": _int("ACTION_ESCALATE_DAYS", 14),
        # Participants imports with more rows than this are checked and saved by a worker.
        "IMPORT_INLINE_ROWS": _int("IMPORT_INLINE_ROWS", 200),
        "IMPORT_RESUME_SECONDS": _int("IMPORT_RESUME_SECONDS", 60),
        "IMPORT_STALLED_SECONDS": _int("IMPORT_STALLED_SECONDS", 900),
        # Documents: files outside the web root, named by content hash; the largest upload.
        "DOCUMENT_STORAGE_PATH": os.environ.get("DOCUMENT_STORAGE_PATH")
        or str(Path(instance_path) / "documents"),
        "DOCUMENT_MAX_BYTES": _int("DOCUMENT_MAX_BYTES", 20 * 1024 * 1024),
        # A request body past this is refused unread (413); a file up to it gets the form's
        # own message. A megabyte above the largest upload leaves room for the form fields.
        "MAX_CONTENT_LENGTH": _int("DOCUMENT_MAX_BYTES", 20 * 1024 * 1024) + 1024 * 1024,
        # How often a worker looks for uploaded files whose text is still to be read.
        "DOCUMENT_TEXT_SECONDS": _int("DOCUMENT_TEXT_SECONDS", 120),
    }

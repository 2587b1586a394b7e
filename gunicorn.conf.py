"""gunicorn settings for production: `gunicorn wsgi:app` reads this file from the working
directory. Each setting can be changed by an environment variable."""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Processes: WEB_CONCURRENCY, else two per CPU plus one (gunicorn's advice for sync workers).
workers = int(os.environ.get("WEB_CONCURRENCY") or (2 * (os.cpu_count() or 1) + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
# A worker is replaced after this many requests (with jitter), so a slow leak cannot grow.
max_requests = 2000
max_requests_jitter = 200
# Load the app once in the master: a misconfiguration stops the server with one line, not
# every worker in turn. Connections are opened per worker, after the fork.
preload_app = True
accesslog = "-"
errorlog = "-"
# The proxy's address, whose X-Forwarded-* headers gunicorn passes on (the app trusts them
# through PROXY_FIX_HOPS).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def post_fork(server, worker):
    """Each worker opens its own database connections (none inherited from the master)."""
    from meetings.extensions import db
    from wsgi import app

    with app.app_context():
        db.engine.dispose(close=False)

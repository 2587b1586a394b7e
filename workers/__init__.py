"""Background work: the Celery app (celery_app.py), its tasks (tasks.py) and beat schedule.

Start a worker with its beat: `celery -A workers.worker worker -B` (what `make run` does).
"""

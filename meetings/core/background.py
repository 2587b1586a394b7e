"""Hand work to the Celery workers (workers/), by task name, without waiting for it.

The database says what is due; the broker only carries "look at these rows now". So a
hand-over that fails (the broker is down) is logged and left to the periodic sweep, which
finds the same rows and hands them over when the broker is back. A request never fails, nor
waits long, because the broker is away.
"""

from flask import current_app
from kombu.exceptions import KombuError


def enqueue(task_name: str, *args) -> str | None:
    """Send the task; its id if the broker took it (or, eagerly configured, it ran)."""
    celery = current_app.extensions["celery"]
    task = celery.tasks[task_name]
    if celery.conf.task_always_eager:
        return task.apply_async(args=args).id
    try:
        # A connection of its own that tries once: kombu's default reconnection would hold
        # the request for seconds while the broker is away. (Workers keep their own.)
        with celery.connection_for_write(transport_options={"max_retries": 0}) as connection:
            result = task.apply_async(args=args, retry=False, connection=connection)
    except (KombuError, OSError) as error:
        current_app.logger.warning(
            "Broker unavailable for %s (%s); the periodic sweep will hand it over.",
            task_name,
            type(error).__name__,
        )
        return None
    return result.id

"""The Celery tasks: thin wrappers over the services that do the work and record it.

Every task may run twice, late or concurrently with itself: each claims its rows in the
database first (see meetings.mail.delivery and meetings.notifications.dispatch).
"""

from celery import shared_task

from meetings.documents import reading
from meetings.mail.delivery import deliver_batch
from meetings.notifications.digest import send_digests
from meetings.notifications.dispatch import sweep as sweep_due
from meetings.notifications.planner import plan as plan_notifications
from meetings.registrations import import_jobs


@shared_task(name="mail.deliver_messages")
def deliver_messages(ids: list[int]) -> dict[str, int]:
    return deliver_batch([int(i) for i in ids])


@shared_task(name="notifications.sweep")
def sweep() -> dict[str, int]:
    return sweep_due()


@shared_task(name="notifications.plan")
def plan() -> dict[str, int]:
    return plan_notifications()


@shared_task(name="notifications.digests")
def digests() -> int:
    return send_digests()


@shared_task(name="registrations.check_import", bind=True)
def check_import(self, job_id: int) -> None:
    import_jobs.check(int(job_id), import_jobs.reporter(self))


@shared_task(name="registrations.run_import", bind=True)
def run_import(self, job_id: int) -> None:
    import_jobs.run(int(job_id), import_jobs.reporter(self))


@shared_task(name="registrations.resume_imports")
def resume_imports() -> int:
    return import_jobs.resume_stalled()


@shared_task(name="documents.read_text")
def read_document_text(ids: list[int]) -> dict[str, int]:
    return reading.read_files([int(i) for i in ids])


@shared_task(name="documents.read_pending")
def read_pending_document_text() -> dict[str, int]:
    return reading.read_pending()

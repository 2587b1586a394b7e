"""A participants import from upload to saved rows: small files in the request, large ones by
a Celery worker while the page shows how far it got.

The check and the import are the same code either way (imports.check_rows / import_rows);
a worker reports its progress through Celery's result backend (`update_state`), because the
import itself is one transaction (all rows or none) that must not be committed piecemeal
to show a count.
"""

from collections.abc import Callable
from datetime import datetime, timedelta

import sqlalchemy as sa
from celery.backends.base import DisabledBackend
from flask import current_app

from meetings.core.background import enqueue
from meetings.core.models import utcnow
from meetings.extensions import db
from meetings.registrations import imports
from meetings.registrations.models import ImportStatus, ParticipantImport
from meetings.schedule.models import Meeting

CHECK_TASK = "registrations.check_import"
IMPORT_TASK = "registrations.run_import"
LOST = "The import stopped before it finished: nothing was saved. Upload the file again."


def start(meeting: Meeting, user_id: int, filename: str, rows: list[dict]) -> ParticipantImport:
    """Keep the parsed upload and check it (here if small, else by a worker); commits."""
    job = ParticipantImport(
        meeting_id=meeting.id,
        user_id=user_id,
        filename=filename[:255],
        rows=rows,
        status=ImportStatus.CHECKING,
    )
    db.session.add(job)
    db.session.commit()
    _run(job, CHECK_TASK, check)
    return job


def request_import(job: ParticipantImport) -> bool:
    """Save the checked rows (here if small, else by a worker); False if not ready to."""
    if job.status is not ImportStatus.CHECKED or job.invalid:
        return False
    job.status, job.message = ImportStatus.IMPORTING, ""
    db.session.commit()
    _run(job, IMPORT_TASK, run)
    return True


def _run(job: ParticipantImport, task: str, inline: Callable[[int], None]) -> None:
    if len(job.rows) <= current_app.config["IMPORT_INLINE_ROWS"]:
        inline(job.id)
        return
    job.task_id = enqueue(task, job.id)
    db.session.commit()


def check(job_id: int, progress: imports.Progress | None = None) -> None:
    job = db.session.get(ParticipantImport, job_id)
    if job is None or job.status is not ImportStatus.CHECKING:
        return  # a second delivery of the task: already done
    results = imports.check_rows(job.meeting, job.rows, progress)
    job.results = [_result(r) for r in results]
    job.invalid = sum(1 for r in results if r.errors)
    job.status = ImportStatus.CHECKED
    db.session.commit()


def run(job_id: int, progress: imports.Progress | None = None) -> None:
    job = db.session.get(ParticipantImport, job_id)
    if job is None or job.status is not ImportStatus.IMPORTING:
        return
    try:
        results, saved = imports.import_rows(job.meeting, job.rows, progress)
    except imports.ImportFileError as error:
        db.session.rollback()
        _settle(job_id, ImportStatus.FAILED, str(error))
        return
    if not saved:
        # Something changed since the preview (a seat taken, an address registered): show it.
        db.session.rollback()
        _settle(
            job_id,
            ImportStatus.CHECKED,
            "Some rows can no longer be imported; nothing "
            "was saved. Correct the file and upload it again.",
            results,
        )
        return
    job.results = [_result(r) for r in results]
    job.saved, job.status = len(results), ImportStatus.IMPORTED
    job.rows = []  # saved as registrations: the upload's copy of personal data goes
    db.session.commit()


def _settle(job_id: int, status: ImportStatus, message: str, results=None) -> None:
    job = db.session.get(ParticipantImport, job_id)
    if job.status is not ImportStatus.IMPORTING:
        return  # another run of the same import finished it meanwhile
    job.status, job.message = status, message
    if results is not None:
        job.results = [_result(r) for r in results]
        job.invalid = sum(1 for r in results if r.errors)
    db.session.commit()


def _result(row: imports.RowResult) -> dict:
    return {"number": row.number, "errors": row.errors, "status": row.status}


def row_results(job: ParticipantImport) -> list[imports.RowResult]:
    """The stored results as the preview page shows them (values from the upload)."""
    rows = job.rows or [{} for _ in job.results]
    return [
        imports.RowResult(r["number"], values, dict(r["errors"]), status=r["status"])
        for r, values in zip(job.results, rows, strict=False)
    ]


def progress_of(job: ParticipantImport) -> tuple[int, int] | None:
    """(rows done, rows in all) as the worker last reported, or None if unknown."""
    if not job.task_id or job.status not in (ImportStatus.CHECKING, ImportStatus.IMPORTING):
        return None
    celery = current_app.extensions["celery"]
    if isinstance(celery.backend, DisabledBackend):
        return None
    result = celery.AsyncResult(job.task_id)
    info = result.info if result.state == "PROGRESS" else None
    if isinstance(info, dict) and {"done", "total"} <= info.keys():
        return int(info["done"]), int(info["total"])
    return None


def reporter(task) -> imports.Progress | None:
    """A progress callback for a running task, if there is a result backend to report to."""
    if isinstance(task.backend, DisabledBackend) or task.request.is_eager:
        return None

    def report(done: int, total: int) -> None:
        task.update_state(state="PROGRESS", meta={"done": done, "total": total})

    return report


def resume_stalled(now: datetime | None = None) -> int:
    """Hand over again the checks and imports whose hand-over failed (the broker was down)
    or that have not finished long after they began (the worker and its message were lost).
    Running one twice is harmless: each starts by looking at the job's status."""
    now = now or utcnow()
    config = current_app.config
    handed_over_failed = sa.and_(
        ParticipantImport.task_id.is_(None),
        ParticipantImport.updated_at < now - timedelta(seconds=60),
    )
    forgotten = ParticipantImport.updated_at < now - timedelta(
        seconds=config["IMPORT_STALLED_SECONDS"]
    )
    jobs = db.session.scalars(
        sa.select(ParticipantImport).where(
            ParticipantImport.status.in_((ImportStatus.CHECKING, ImportStatus.IMPORTING)),
            sa.or_(handed_over_failed, forgotten),
        )
    ).all()
    for job in jobs:
        task = CHECK_TASK if job.status is ImportStatus.CHECKING else IMPORT_TASK
        job.task_id = enqueue(task, job.id)
    db.session.commit()
    return len(jobs)

"""Pages: the list of participants (page, CSV, XLSX, PDF), name badges and bulk import."""

from collections import Counter

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from werkzeug.exceptions import RequestEntityTooLarge

from meetings.access.guards import current_principal, require
from meetings.access.policies import PERSONAL_DATA_NOTE
from meetings.core.forms import ConfirmForm
from meetings.extensions import db
from meetings.registrations import exports, import_jobs, imports
from meetings.registrations.models import (
    STATUS_LABELS,
    ImportStatus,
    ParticipantImport,
    RegistrationStatus,
)
from meetings.registrations.participants_list import (
    Audience,
    audience_for,
    confirmed_registrations,
    group_participants,
    personal_data_rule,
    role_label,
)
from meetings.registrations.services import settings_of
from meetings.schedule.lookup import managed_meeting, visible_meeting
from meetings.schedule.models import Meeting

bp = Blueprint("participant_lists", __name__)
TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


class ParticipantImportForm(FlaskForm):
    file = FileField("CSV or XLSX file", validators=[FileRequired("Choose a file to upload.")])


def _audience(meeting: Meeting) -> tuple[Audience, list]:
    """Who sees which entries; 403 for those who see none (see participants_list)."""
    registrations = confirmed_registrations(meeting)
    audience = audience_for(current_principal(), meeting, registrations)
    reason = "Only the secretariat, the meeting's staff and NFPs see the list of participants."
    require(audience is not None, reason, meeting)
    return audience, [r for r in registrations if audience.sees(r)]


@bp.get("/meetings/<int:meeting_id>/participants-list")
def show(meeting_id: int):
    meeting = visible_meeting(meeting_id)
    audience, registrations = _audience(meeting)
    shows_personal = personal_data_rule(current_principal(), meeting)
    shown = [shows_personal(r) for r in registrations]
    return render_template(
        "registrations/list/show.html",
        meeting=meeting,
        groups=group_participants(registrations),
        audience=audience,
        role_label=role_label,
        shows_personal=shows_personal,
        any_personal=any(shown),
        personal_hidden=not all(shown),
        personal_data_note=PERSONAL_DATA_NOTE,
    )


def _export_rule(fmt: str) -> None:
    bp.add_url_rule(
        f"/meetings/<int:meeting_id>/participants-list.{fmt}",
        endpoint="export",
        view_func=export,
        defaults={"fmt": fmt},
    )


def export(meeting_id: int, fmt: str):
    meeting = visible_meeting(meeting_id)
    _, registrations = _audience(meeting)
    groups = group_participants(registrations)
    shows_personal = personal_data_rule(current_principal(), meeting)
    if fmt == "csv":
        data = exports.to_csv(groups, shows_personal)
    elif fmt == "xlsx":
        data = exports.to_xlsx(groups, meeting, shows_personal)
    else:
        data = exports.list_pdf(meeting, groups, shows_personal=shows_personal)
    return _download(data, fmt, f"participants-{meeting.id}.{fmt}")


for _fmt in TYPES:
    _export_rule(_fmt)


def _download(data: bytes, fmt: str, filename: str) -> Response:
    disposition = "inline" if fmt == "pdf" else "attachment"
    response = Response(data, mimetype=TYPES[fmt])
    response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/meetings/<int:meeting_id>/badges.pdf")
def badges(meeting_id: int):
    meeting = managed_meeting(meeting_id, "do this")
    groups = group_participants(confirmed_registrations(meeting))
    ordered = [r for group in groups for r in group.registrations]
    shows_personal = personal_data_rule(current_principal(), meeting)
    data = exports.badges_pdf(meeting, ordered, shows_personal=shows_personal)
    return _download(data, "pdf", f"badges-{meeting.id}.pdf")


def _upload_too_large() -> bool:
    """Stop reading a request body far beyond the limit (the form's own check is exact)."""
    limit = imports.MAX_BYTES + 64 * 1024
    if (request.content_length or 0) > limit:
        return True
    request.max_content_length = limit
    try:
        request.files  # noqa: B018 (parses the body)
    except RequestEntityTooLarge:
        return True
    return False


@bp.route("/meetings/<int:meeting_id>/participants-import", methods=["GET", "POST"])
def import_upload(meeting_id: int):
    meeting = managed_meeting(meeting_id, "do this")
    if request.method == "POST" and _upload_too_large():
        form = ParticipantImportForm(formdata=None)
        return _upload_page(meeting, form, "The file is larger than 2 MB: split it.")
    form = ParticipantImportForm()
    if not form.validate_on_submit():
        return _upload_page(meeting, form)
    storage = form.file.data
    try:
        rows = imports.parse_upload(storage.filename, storage.read(imports.MAX_BYTES + 1))
    except imports.ImportFileError as exc:
        return _upload_page(meeting, form, str(exc))
    job = import_jobs.start(meeting, current_user.id, storage.filename or "upload", rows)
    return redirect(url_for(".import_job", meeting_id=meeting.id, job_id=job.id))


def _upload_page(meeting: Meeting, form, problem: str | None = None):
    status = 400 if problem else 200
    page = render_template(
        "registrations/list/import.html",
        meeting=meeting,
        form=form,
        problem=problem,
        is_open=settings_of(meeting) is not None,
        columns=imports.COLUMNS,
        max_rows=imports.MAX_ROWS,
    )
    return page, status


def _own_job(meeting: Meeting, job_id: int) -> ParticipantImport:
    """The upload, for its uploader only (its rows are personal data); else 404."""
    job = db.session.get(ParticipantImport, job_id)
    if job is None or job.meeting_id != meeting.id or job.user_id != current_user.id:
        abort(404)
    return job


@bp.get("/meetings/<int:meeting_id>/participants-import/<int:job_id>")
def import_job(meeting_id: int, job_id: int):
    meeting = managed_meeting(meeting_id, "do this")
    job = _own_job(meeting, job_id)
    if job.status in (ImportStatus.CHECKING, ImportStatus.IMPORTING):
        return render_template(
            "registrations/list/import_progress.html",
            meeting=meeting,
            job=job,
            checking=job.status is ImportStatus.CHECKING,
            verb="Checking" if job.status is ImportStatus.CHECKING else "Importing",
            progress=import_jobs.progress_of(job),
        )
    if job.status is ImportStatus.IMPORTED:
        flash(f"{job.saved} participants imported from {job.filename}{_by_status(job)}.", "success")
        return redirect(url_for(".show", meeting_id=meeting.id))
    if job.status is ImportStatus.FAILED:
        flash(job.message, "error")
        return redirect(url_for(".import_upload", meeting_id=meeting.id))
    results = import_jobs.row_results(job)
    page = render_template(
        "registrations/list/preview.html",
        meeting=meeting,
        job_id=job.id,
        filename=job.filename,
        results=results,
        columns=imports.COLUMNS,
        invalid=job.invalid,
        message=job.message,
        status_labels=STATUS_LABELS,
        confirm_form=ConfirmForm(),
    )
    return page, 409 if job.message else 200


def _by_status(job: ParticipantImport) -> str:
    """ ": 95 confirmed, 4,905 on the waiting list" (what the imported rows got)."""
    counts = Counter(r["status"] for r in job.results if r.get("status"))
    if not counts:
        return ""
    parts = [f"{n:,} {STATUS_LABELS[RegistrationStatus(s)].lower()}" for s, n in counts.items()]
    return ": " + ", ".join(parts)


@bp.post("/meetings/<int:meeting_id>/participants-import/<int:job_id>/commit")
def import_commit(meeting_id: int, job_id: int):
    meeting = managed_meeting(meeting_id, "do this")
    job = _own_job(meeting, job_id)
    if not ConfirmForm().validate_on_submit() or not import_jobs.request_import(job):
        flash("This upload cannot be imported (already imported, or rows have errors).", "error")
    return redirect(url_for(".import_job", meeting_id=meeting.id, job_id=job.id))

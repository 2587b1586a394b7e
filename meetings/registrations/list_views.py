"""Pages: the list of participants (page, CSV, XLSX, PDF), name badges and bulk import."""

from pathlib import Path

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from werkzeug.exceptions import RequestEntityTooLarge

from meetings.access.guards import current_principal, require
from meetings.core.forms import ConfirmForm
from meetings.extensions import db
from meetings.registrations import exports, imports
from meetings.registrations.models import STATUS_LABELS
from meetings.registrations.participants_list import (
    Audience,
    audience_for,
    confirmed_registrations,
    group_participants,
    role_label,
)
from meetings.registrations.services import settings_of
from meetings.schedule.lookup import managed_meeting, visible_meeting
from meetings.schedule.models import Meeting

bp = Blueprint("participant_lists", __name__)
SESSION_KEY = "participant_import"
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
    return render_template(
        "registrations/list/show.html",
        meeting=meeting,
        groups=group_participants(registrations),
        audience=audience,
        role_label=role_label,
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
    if fmt == "csv":
        data = exports.to_csv(groups)
    elif fmt == "xlsx":
        data = exports.to_xlsx(groups, meeting)
    else:
        data = exports.list_pdf(meeting, groups)
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
    return _download(exports.badges_pdf(meeting, ordered), "pdf", f"badges-{meeting.id}.pdf")


def _folder() -> Path:
    default = Path(current_app.instance_path) / "participant-imports"
    return Path(current_app.config.get("PARTICIPANT_IMPORT_FOLDER") or default)


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
    results = imports.check_rows(meeting, rows)
    db.session.rollback()
    imports.discard_rows(_folder(), (session.get(SESSION_KEY) or {}).get("token"))
    token = imports.store_rows(_folder(), meeting, storage.filename, rows)
    session[SESSION_KEY] = {"token": token, "meeting_id": meeting.id}
    return _preview_page(meeting, storage.filename, results)


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


def _preview_page(meeting: Meeting, filename: str, results, saved_error: bool = False):
    return render_template(
        "registrations/list/preview.html",
        meeting=meeting,
        filename=filename,
        results=results,
        columns=imports.COLUMNS,
        invalid=sum(1 for r in results if r.errors),
        saved_error=saved_error,
        status_labels=STATUS_LABELS,
        confirm_form=ConfirmForm(),
    )


@bp.post("/meetings/<int:meeting_id>/participants-import/commit")
def import_commit(meeting_id: int):
    meeting = managed_meeting(meeting_id, "do this")
    token = (session.get(SESSION_KEY) or {}).get("token")
    stored = imports.load_rows(_folder(), token, meeting)
    if stored is None or not ConfirmForm().validate_on_submit():
        flash("Upload the file again: the checked upload was not found.", "error")
        return redirect(url_for(".import_upload", meeting_id=meeting.id))
    try:
        results, saved = imports.import_rows(meeting, stored["rows"])
    except imports.ImportFileError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for(".import_upload", meeting_id=meeting.id))
    if not saved:
        db.session.rollback()
        return _preview_page(meeting, stored["filename"], results, saved_error=True), 409
    db.session.commit()
    imports.discard_rows(_folder(), token)
    session.pop(SESSION_KEY, None)
    flash(f"{len(results)} participants imported from {stored['filename']}.", "success")
    return redirect(url_for(".show", meeting_id=meeting.id))

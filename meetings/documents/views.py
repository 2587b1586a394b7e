"""Pages: a document with its history, forms to add, change, adopt and delete documents,
uploads of files by language and revision, and downloads."""

from collections import defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value
from werkzeug.datastructures import FileStorage

from meetings.access.guards import current_principal, require, visible_or_404
from meetings.access.policies import (
    can_manage_body,
    can_manage_document,
    can_view_document,
    can_view_meeting,
)
from meetings.access.principal import ANONYMOUS, Principal
from meetings.actions.queries import traced_to
from meetings.bodies.lookup import managed_body_or_refuse, visible_body
from meetings.bodies.models import Body
from meetings.core.forms import ConfirmForm, choices, show_errors
from meetings.core.forms_flow import save_form
from meetings.core.validation import DomainValidationError
from meetings.core.visibility import VISIBILITY_LABELS
from meetings.documents import services
from meetings.documents.downloads import stored_file_response
from meetings.documents.forms import (
    CHOOSE_AGAIN,
    AdoptForm,
    DocumentForm,
    NewDocumentForm,
    UploadForm,
)
from meetings.documents.models import (
    LANGUAGE_ORDER,
    LANGUAGES,
    TYPE_LABELS,
    Document,
    DocumentFile,
)
from meetings.extensions import db
from meetings.schedule.lookup import managed_meeting
from meetings.schedule.models import Meeting
from meetings.schedule.services import (
    MeetingFilter,
    body_meetings,
    filtered_meetings,
    meeting_options,
)

bp = Blueprint("documents", __name__)
TITLE_IN_SELECT = 90  # characters of a title shown in a select's option


# ---- listings on meeting and body pages -----------------------------------------------------


@dataclass
class Entry:
    """A listed document and the annexes listed under it."""

    document: Document
    annexes: list["Entry"] = field(default_factory=list)


def grouped(documents: list[Document]) -> list[tuple[str, list[Entry]]]:
    """Documents by type in TYPE_LABELS order; an annex goes under its parent when listed."""
    listed = {d.id for d in documents}
    children: dict[int, list[Document]] = defaultdict(list)
    for d in documents:
        if d.parent_id in listed:
            children[d.parent_id].append(d)

    def entry(d: Document) -> Entry:
        kids = sorted(children[d.id], key=lambda a: (a.position, a.id))
        return Entry(d, [entry(a) for a in kids])

    by_type: dict = defaultdict(list)
    for d in documents:
        if d.parent_id not in listed:
            by_type[d.type].append(entry(d))
    return [(label, by_type[t]) for t, label in TYPE_LABELS.items() if t in by_type]


def meeting_listing(meeting: Meeting, viewer: Principal) -> list[tuple[str, list[Entry]]]:
    """The documents tabled or adopted at the meeting, grouped for its page."""
    documents = services.meeting_documents(meeting, viewer)
    _attach_meetings(documents, meeting)
    return grouped(documents)


def body_listing(body: Body, viewer: Principal) -> list[tuple[str, list[Entry]]]:
    """The body's documents not tied to any meeting, grouped for its page."""
    return grouped([d for d in services.body_documents(body, viewer) if d.meeting_id is None])


def _attach_meetings(documents: list[Document], meeting: Meeting) -> None:
    """Give each document its `meeting` (where it was tabled) from one statement at most."""
    ids = {d.meeting_id for d in documents} - {meeting.id, None}
    stmt = sa.select(Meeting).where(Meeting.id.in_(sorted(ids)))
    found = {m.id: m for m in db.session.scalars(stmt)} if ids else {}
    found[meeting.id] = meeting
    for d in documents:
        if d.meeting_id is not None:
            set_committed_value(d, "meeting", found.get(d.meeting_id))


@bp.app_template_filter("filesize")
def filesize(size: int) -> str:
    """1.2 MB, 980 KB, 512 bytes."""
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


@bp.get("/bodies/<slug>/documents")
def body_index(slug: str):
    """Every document of a body the reader may see, by the meeting it was tabled at."""
    body = visible_body(slug)
    p = current_principal()
    documents = services.body_documents(body, p)
    by_meeting: dict[int | None, list[Document]] = defaultdict(list)
    for d in documents:
        by_meeting[d.meeting_id].append(d)
    meetings = [m for m in body_meetings(body, p) if m.id in by_meeting]
    sections = [(m, grouped(by_meeting[m.id])) for m in meetings]
    return render_template(
        "documents/body_index.html",
        body=body,
        sections=sections,
        unattached=grouped(by_meeting[None]),
        staff=can_manage_body(p, body),
    )


# ---- the document page and downloads --------------------------------------------------------


def _load(document_id: int) -> Document | None:
    """The document with everything its page shows, in a fixed number of statements."""
    stmt = (
        sa.select(Document)
        .where(Document.id == document_id)
        .options(
            joinedload(Document.body).joinedload(Body.mechanism),
            joinedload(Document.meeting).joinedload(Meeting.body),
            joinedload(Document.session),
            joinedload(Document.adopted_at),
            joinedload(Document.parent),
            joinedload(Document.superseded_by),
            selectinload(Document.annexes),
            selectinload(Document.supersedes),
            selectinload(Document.files).joinedload(DocumentFile.uploaded_by),
        )
    )
    return db.session.scalars(stmt).unique().first()


def _visible_document(document_id: int) -> Document:
    return visible_or_404(_load(document_id), can_view_document)


def _managed_document(document_id: int) -> Document:
    """The document, if the reader sees it (else 404) and manages its body (else 403)."""
    document = _visible_document(document_id)
    reason = f"Only the secretariat or managers of {document.body.short_name} change documents."
    require(can_manage_document(current_principal(), document), reason, document)
    return document


def _visible_ids(viewer: Principal, ids: set[int]) -> set[int]:
    """Those of these documents the viewer may see, in one statement."""
    if not ids:
        return set()
    stmt = services.visible_documents_query(viewer).where(Document.id.in_(sorted(ids)))
    return {d.id for d in db.session.scalars(stmt).unique()}


def _history(document: Document) -> list[tuple[str, list[DocumentFile]]]:
    """Every revision, by language in the order of LANGUAGES, newest first."""
    by_language: dict[str, list[DocumentFile]] = defaultdict(list)
    for f in document.files:
        by_language[f.language].append(f)
    order = sorted(by_language, key=lambda code: LANGUAGE_ORDER.get(code, 99))
    return [
        (LANGUAGES.get(code, code), sorted(by_language[code], key=lambda f: -f.revision))
        for code in order
    ]


@bp.get("/documents/<int:document_id>")
def detail(document_id: int):
    document = _visible_document(document_id)
    p = current_principal()
    links = [*document.annexes, *document.supersedes, document.parent, document.superseded_by]
    seen = _visible_ids(p, {d.id for d in links if d is not None})
    adopted_at = document.adopted_at
    return render_template(
        "documents/detail.html",
        document=document,
        staff=can_manage_document(p, document),
        parent=document.parent if document.parent_id in seen else None,
        superseded_by=document.superseded_by if document.superseded_by_id in seen else None,
        annexes=[a for a in document.annexes if a.id in seen],
        supersedes=[d for d in document.supersedes if d.id in seen],
        adopted_at=adopted_at if adopted_at and can_view_meeting(p, adopted_at) else None,
        history=_history(document),
        visibility=VISIBILITY_LABELS.get(document.visibility),
        traced_actions=traced_to(document, p),
    )


@bp.get("/documents/<int:document_id>/files/<int:file_id>/<path:filename>")
def download(document_id: int, file_id: int, filename: str):
    """A file of a document the reader may see; the name in the address is for people only."""
    row = db.session.get(DocumentFile, file_id)
    if row is None or row.document_id != document_id:
        abort(404)
    document = visible_or_404(row.document, can_view_document)
    # Shared caches may keep public files (and must ask again); the others stay in the browser.
    cache = "public, no-cache" if can_view_document(ANONYMOUS, document) else "private"
    return stored_file_response(
        row.storage_key, row.filename, row.media_type, row.size, cache, lambda: abort(404)
    )


# ---- forms -----------------------------------------------------------------------------------


def _meeting_label(m: Meeting) -> str:
    return f"{m.title} ({m.dates_label})"


def _document_label(d: Document) -> str:
    title = d.title if len(d.title) <= TITLE_IN_SELECT else d.title[: TITLE_IN_SELECT - 1] + "…"
    return f"{d.symbol} — {title}" if d.symbol else title


def _mechanism_meetings(body: Body, viewer: Principal) -> list[Meeting]:
    f = MeetingFilter(mechanism_id=body.mechanism_id, newest_first=True, viewer=viewer)
    return list(db.session.scalars(filtered_meetings(f).options(*meeting_options())))


def _document_choices(body: Body, viewer: Principal, document: Document | None) -> list:
    """Documents of the mechanism the viewer may see, for the annex-of and superseded-by
    selects; a link already set to one they may not see stays, unnamed."""
    stmt = services.visible_documents_query(viewer).where(Body.mechanism_id == body.mechanism_id)
    if document is not None:
        stmt = stmt.where(Document.id != document.id)
    others = list(db.session.scalars(stmt.order_by(Document.id.desc())).unique())
    pairs = [("", "—"), *((d.id, _document_label(d)) for d in others)]
    listed = {d.id for d in others}
    if document is not None:
        for linked in {document.parent_id, document.superseded_by_id} - listed - {None}:
            pairs.append((linked, "A document you may not see"))
    return pairs


def _fill_choices(form: DocumentForm, body: Body, document: Document | None) -> None:
    p = current_principal()
    meetings = body_meetings(body, p)
    form.meeting_id.choices = choices(
        [("", "Not tabled at a meeting"), *((m.id, _meeting_label(m)) for m in meetings)]
    )
    chosen = next((m for m in meetings if m.id == form.meeting_id.data), None)
    sessions = chosen.sessions if chosen else []
    form.session_id.choices = choices([("", "—"), *((s.id, s.title) for s in sessions)])
    adopting = _mechanism_meetings(body, p)
    form.adopted_at_id.choices = choices(
        [("", "—"), *((m.id, _meeting_label(m)) for m in adopting)]
    )
    documents = choices(_document_choices(body, p, document))
    form.parent_id.choices = documents
    form.superseded_by_id.choices = list(documents)


def _upload(file: FileStorage, language: str, note: str) -> services.Upload:
    """The upload as the services take it; a file past the limit is read just far enough
    to be refused."""
    data = file.read(services.max_bytes() + 1)
    return services.Upload(file.filename or "", data, language, note)


def _ask_for_file_again(form) -> None:
    """A file input is empty when a form comes back: tell the person who had chosen one."""
    chosen = request.method == "POST" and request.files.get("file")
    if chosen and form.errors and CHOOSE_AGAIN not in form.file.errors:
        form.file.errors = [*form.file.errors, CHOOSE_AGAIN]


def _create(body: Body, values: dict) -> Document:
    file, language, note = values.pop("file"), values.pop("language"), values.pop("note")
    upload = _upload(file, language, note) if file else None
    p = current_principal()
    return services.create_document(body, created_by_id=p.user_id, upload=upload, **values)


def _new(body: Body, meeting: Meeting | None):
    form = NewDocumentForm()
    if request.method == "GET" and meeting is not None:
        form.meeting_id.data = meeting.id
    _fill_choices(form, body, None)
    document = save_form(form, lambda values: _create(body, values))
    if document:
        flash(f"“{document.title}” added.", "success")
        return redirect(url_for(".detail", document_id=document.id))
    _ask_for_file_again(form)
    return render_template(
        "documents/form.html", form=form, body=body, meeting=meeting, document=None
    )


@bp.route("/meetings/<int:meeting_id>/documents/new", methods=["GET", "POST"])
def new_for_meeting(meeting_id: int):
    meeting = managed_meeting(meeting_id, "add its documents")
    return _new(meeting.body, meeting)


@bp.route("/bodies/<slug>/documents/new", methods=["GET", "POST"])
def new_for_body(slug: str):
    return _new(managed_body_or_refuse(slug, "add its documents"), None)


@bp.route("/documents/<int:document_id>/edit", methods=["GET", "POST"])
def edit(document_id: int):
    document = _managed_document(document_id)
    form = DocumentForm(obj=document if request.method == "GET" else None)
    if request.method == "GET":
        adopted_on = document.adopted_on_date
        form.adopted_on.data = adopted_on.iso() if adopted_on else ""
        form.visibility.data = document.visibility.value if document.visibility else ""
    _fill_choices(form, document.body, document)
    if save_form(form, lambda values: services.update_document(document, **values)):
        flash("Document saved.", "success")
        return redirect(url_for(".detail", document_id=document.id))
    return render_template(
        "documents/form.html",
        form=form,
        body=document.body,
        meeting=None,
        document=document,
    )


@bp.route("/documents/<int:document_id>/files/new", methods=["GET", "POST"])
def upload(document_id: int):
    """A file in a new language, or a new revision of a language it has."""
    document = _managed_document(document_id)
    form = UploadForm()
    if request.method == "GET" and request.args.get("language") in LANGUAGES:
        form.language.data = request.args["language"]
    user_id = current_principal().user_id

    def add(values: dict) -> DocumentFile:
        upload = _upload(values["file"], values["language"], values["note"])
        return services.add_file(document, upload, uploaded_by_id=user_id)

    row = save_form(form, add)
    if row:
        flash(_uploaded_message(row), "success")
        return redirect(url_for(".detail", document_id=document.id) + "#files")
    _ask_for_file_again(form)
    return render_template(
        "documents/upload.html",
        form=form,
        document=document,
        current={f.language: f for f in document.current_files},
    )


def _uploaded_message(row: DocumentFile) -> str:
    if row.revision == 1:
        return f"{row.language_label} version added."
    return (
        f"{row.language_label} revision {row.revision} uploaded; "
        "the earlier revisions stay in the history."
    )


@bp.route("/documents/<int:document_id>/adopt", methods=["GET", "POST"])
def adopt(document_id: int):
    """Mark the document adopted at a meeting of its mechanism."""
    document = _managed_document(document_id)
    form = AdoptForm()
    if request.method == "GET":
        form.adopted_at_id.data = document.adopted_at_id or document.meeting_id
    meetings = _mechanism_meetings(document.body, current_principal())
    form.adopted_at_id.choices = choices(
        [("", "—"), *((m.id, _meeting_label(m)) for m in meetings)]
    )
    if save_form(form, lambda values: services.mark_adopted(document, values["adopted_at_id"])):
        flash(f"“{document.title}” marked adopted.", "success")
        return redirect(url_for(".detail", document_id=document.id))
    return render_template("documents/adopt.html", form=form, document=document)


@bp.route("/documents/<int:document_id>/delete", methods=["GET", "POST"])
def delete(document_id: int):
    """Ask, then hide the document from everyone; its files and history stay on record."""
    document = _managed_document(document_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        title = document.title
        if document.meeting_id is not None:
            back = url_for("schedule.meeting_detail", meeting_id=document.meeting_id)
        else:
            back = url_for("bodies.detail", slug=document.body.slug)
        try:
            services.delete_document(document)
            db.session.commit()
        except DomainValidationError as exc:
            db.session.rollback()
            show_errors(form, exc.errors)
        else:
            flash(f"“{title}” deleted.", "success")
            return redirect(back)
    seen = _visible_ids(current_principal(), {a.id for a in document.annexes})
    annexes = [a for a in document.annexes if a.id in seen]
    return render_template("documents/delete.html", document=document, form=form, annexes=annexes)

"""Pages: a body's follow-up actions, one action with its history, forms to create and change
actions, post progress and record a meeting's review."""

from dataclasses import dataclass
from datetime import date, datetime

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
from werkzeug.datastructures import FileStorage

from meetings.access.guards import current_principal, require, visible_or_404
from meetings.access.policies import (
    can_manage_action,
    can_manage_body,
    can_manage_document,
    can_report_on_action,
    can_view_action,
    can_view_document,
    can_view_meeting,
    leads_action,
)
from meetings.access.principal import ANONYMOUS, Principal
from meetings.accounts.models import RoleAssignment, User
from meetings.actions import listing, services
from meetings.actions.attachments import post_progress
from meetings.actions.forms import (
    CHOOSE_AGAIN,
    ActionForm,
    ProgressForm,
    ReviewForm,
    action_data,
)
from meetings.actions.models import (
    CONCLUSION_LABELS,
    STATUS_LABELS,
    Action,
    ActionAttachment,
    ActionReview,
    ActionUpdate,
    allowed_next,
)
from meetings.bodies.lookup import managed_body_or_refuse, visible_body
from meetings.bodies.models import Body
from meetings.core.dates import DatePrecision, PartialDate
from meetings.core.forms import choices
from meetings.core.forms_flow import save_form
from meetings.core.models import utc_today
from meetings.documents.downloads import stored_file_response
from meetings.documents.models import Document
from meetings.documents.services import Upload, get_document, max_bytes, visible_documents_query
from meetings.extensions import db
from meetings.mechanisms.models import ProgrammeArea
from meetings.schedule.lookup import managed_meeting
from meetings.schedule.models import Meeting
from meetings.schedule.services import (
    MeetingFilter,
    body_meetings,
    filtered_meetings,
    meeting_options,
)

bp = Blueprint("actions", __name__)
TITLE_IN_SELECT = 90  # characters of a title shown in a select's option
REPORT_REASON = "Only the lead of this action or the secretariat report progress on it."


# ---- the body's list --------------------------------------------------------------------------


def _area_label(area: ProgrammeArea) -> str:
    return f"{area.code} {area.name}".strip()


@bp.get("/bodies/<slug>/actions")
def body_index(slug: str):
    """The body's actions with their sub-actions, filtered, fifty trees a page."""
    body = visible_body(slug)
    today = utc_today()
    p = current_principal()
    source: Document | None = None

    def document_of_body(document_id: int) -> bool:
        nonlocal source
        source = db.session.get(Document, document_id)
        return (
            source is not None
            and source.body.mechanism_id == body.mechanism_id
            and can_view_document(p, source)
        )

    selected = listing.choices_from(request.args, body, today, document_of_body)
    page = min(max(request.args.get("page", 1, type=int), 1), 100_000)
    nodes, trees, total = listing.page_of_trees(selected.filter, page)
    return render_template(
        "actions/body_index.html",
        body=body,
        nodes=nodes,
        total=total,
        page=page,
        pages=max((trees + listing.PER_PAGE - 1) // listing.PER_PAGE, 1),
        selected=selected,
        statuses=STATUS_LABELS,
        areas=[(a.id, _area_label(a)) for a in body.mechanism.programme_areas],
        leads=listing.lead_choices(body),
        source=source if selected.document_id else None,
        today=today,
        staff=can_manage_body(p, body),
    )


# ---- one action: its page, history and downloads ------------------------------------------


def _load(action_id: int) -> Action | None:
    """The action with everything its page shows, in a fixed number of statements."""
    stmt = (
        sa.select(Action)
        .where(Action.id == action_id)
        .options(
            joinedload(Action.body).joinedload(Body.mechanism),
            joinedload(Action.meeting).joinedload(Meeting.body),
            joinedload(Action.document).joinedload(Document.body),
            joinedload(Action.document).joinedload(Document.meeting).joinedload(Meeting.body),
            joinedload(Action.document).joinedload(Document.session),
            joinedload(Action.lead_user),
            joinedload(Action.programme_area),
            joinedload(Action.due_meeting),
            joinedload(Action.parent),
            selectinload(Action.children).options(*listing.listing_options()),
            selectinload(Action.updates).options(
                joinedload(ActionUpdate.author), selectinload(ActionUpdate.attachments)
            ),
            selectinload(Action.reviews).options(
                joinedload(ActionReview.meeting), joinedload(ActionReview.by)
            ),
        )
    )
    return db.session.scalars(stmt).unique().first()


def _visible_action(action_id: int) -> Action:
    return visible_or_404(_load(action_id), can_view_action)


def _managed_action(action_id: int) -> Action:
    """The action, if the reader sees it (else 404) and manages its body (else 403)."""
    action = _visible_action(action_id)
    reason = f"Only the secretariat or managers of {action.body.short_name} change its actions."
    require(can_manage_action(current_principal(), action), reason, action)
    return action


@dataclass(frozen=True)
class Event:
    """One entry of an action's history: a progress update or a meeting's conclusion."""

    at: datetime
    update: ActionUpdate | None = None
    review: ActionReview | None = None


def history(action: Action) -> list[Event]:
    """Updates and reviews, oldest first."""
    events = [Event(u.at, update=u) for u in action.updates]
    events += [Event(r.at, review=r) for r in action.reviews]
    return sorted(events, key=lambda e: (e.at, e.update is None, (e.update or e.review).id))


def _fill_statuses(form: ProgressForm, action: Action) -> None:
    allowed = allowed_next(action.status)
    offered = ((s.value, label) for s, label in STATUS_LABELS.items() if s in allowed)
    form.status.choices = choices(offered)


def _render_detail(action: Action, form: ProgressForm | None, p: Principal):
    meeting, document = action.meeting, action.document
    return render_template(
        "actions/detail.html",
        action=action,
        staff=can_manage_action(p, action),
        is_lead=leads_action(p, action),
        form=form,
        source_meeting=meeting if meeting and can_view_meeting(p, meeting) else None,
        source_document=document if document and can_view_document(p, document) else None,
        history=history(action),
        seen_meetings={r.meeting_id for r in action.reviews if can_view_meeting(p, r.meeting)},
        status_labels=STATUS_LABELS,
        today=utc_today(),
    )


@bp.get("/actions/<int:action_id>")
def detail(action_id: int):
    action = _visible_action(action_id)
    p = current_principal()
    form = None
    if can_report_on_action(p, action):
        form = ProgressForm(status=action.status.value)
        _fill_statuses(form, action)
    return _render_detail(action, form, p)


def _uploads(files: list[FileStorage] | None) -> list[Upload]:
    """The files chosen; a file past the limit is read just far enough to be refused."""
    chosen = [f for f in files or [] if isinstance(f, FileStorage) and f.filename]
    return [Upload(f.filename or "", f.read(max_bytes() + 1)) for f in chosen]


@bp.post("/actions/<int:action_id>/progress")
def progress(action_id: int):
    """A progress update by a lead of the action or its body's staff, with files."""
    action = _visible_action(action_id)
    p = current_principal()
    require(can_report_on_action(p, action), REPORT_REASON, action)
    form = ProgressForm()
    _fill_statuses(form, action)

    def post(values: dict) -> ActionUpdate:
        uploads = _uploads(values["attachments"])
        return post_progress(action, p.user_id, values["text"], values["status"], uploads)

    update = save_form(form, post)
    if update:
        flash(_posted_message(update), "success")
        return redirect(url_for(".detail", action_id=action.id, _anchor="history"))
    if any(f.filename for f in request.files.getlist("attachments")):
        form.attachments.errors = [*form.attachments.errors, CHOOSE_AGAIN]
    action = _load(action_id)
    _fill_statuses(form, action)
    return _render_detail(action, form, p)


def _posted_message(update: ActionUpdate) -> str:
    if update.changed_status:
        return f"Progress posted; the action is now {STATUS_LABELS[update.status_after].lower()}."
    return "Progress posted."


@bp.get("/actions/<int:action_id>/attachments/<int:attachment_id>/<path:filename>")
def download(action_id: int, attachment_id: int, filename: str):
    """A file of a progress update; the name in the address is for people only."""
    row = db.session.get(ActionAttachment, attachment_id)
    if row is None or row.update.action_id != action_id:
        abort(404)
    action = visible_or_404(row.update.action, can_view_action)
    cache = "public, no-cache" if can_view_action(ANONYMOUS, action) else "private"
    return stored_file_response(
        row.storage_key, row.filename, row.media_type, row.size, cache, lambda: abort(404)
    )


# ---- forms to create and change actions ----------------------------------------------------


def _short(text: str) -> str:
    return text if len(text) <= TITLE_IN_SELECT else text[: TITLE_IN_SELECT - 1] + "…"


def _meeting_label(m: Meeting) -> str:
    return f"{m.title} ({m.dates_label})"


def _document_label(d: Document) -> str:
    return f"{d.symbol} — {_short(d.title)}" if d.symbol else _short(d.title)


def _action_label(a: Action) -> str:
    return f"{a.item} — {_short(a.title)}" if a.item else _short(a.title)


def _with_current(pairs: list, current, label: str = "One you may not see") -> list:
    """Keep a value already chosen that the lists no longer offer."""
    if current is not None and current not in {value for value, _ in pairs}:
        pairs.append((current, label))
    return pairs


def _role_holders(body: Body) -> list[User]:
    """People with an active account and a role in the body's mechanism."""
    stmt = (
        sa.select(User)
        .where(
            User.is_active,
            User.id.in_(
                sa.select(RoleAssignment.user_id).where(
                    RoleAssignment.mechanism_id == body.mechanism_id
                )
            ),
        )
        .order_by(User.name, User.email)
    )
    return list(db.session.scalars(stmt))


def _fill_choices(form: ActionForm, body: Body, action: Action | None) -> None:
    p, mechanism = current_principal(), body.mechanism
    f = MeetingFilter(mechanism_id=body.mechanism_id, newest_first=True, viewer=p)
    meetings = db.session.scalars(filtered_meetings(f).options(*meeting_options()))
    form.meeting_id.choices = choices(
        _with_current(
            [("", "—"), *((m.id, _meeting_label(m)) for m in meetings)], form.meeting_id.data
        )
    )
    stmt = visible_documents_query(p).where(Body.mechanism_id == body.mechanism_id)
    documents = db.session.scalars(stmt.order_by(Document.id.desc())).unique()
    form.document_id.choices = choices(
        _with_current(
            [("", "—"), *((d.id, _document_label(d)) for d in documents)], form.document_id.data
        )
    )
    form.lead_country.choices = choices(
        [("", "—"), *((m.country_code, m.name) for m in mechanism.member_states)]
    )
    people = [("", "—"), *((u.id, f"{u.display_name} ({u.email})") for u in _role_holders(body))]
    lead = action.lead_user if action is not None else None
    if lead is not None and lead.id not in {value for value, _ in people}:
        people.append((lead.id, lead.display_name))
    form.lead_user_id.choices = choices(people)
    form.programme_area_id.choices = choices(
        [("", "—"), *((a.id, _area_label(a)) for a in mechanism.programme_areas)]
    )
    due_meetings = [(m.id, _meeting_label(m)) for m in body_meetings(body, p)]
    form.due_meeting_id.choices = choices(
        _with_current([("", "Not tied to a meeting"), *due_meetings], form.due_meeting_id.data)
    )
    others = db.session.scalars(
        sa.select(Action).where(Action.body_id == body.id).order_by(Action.position, Action.id)
    )
    form.parent_id.choices = choices(
        [("", "None: a top-level action")]
        + [(a.id, _action_label(a)) for a in others if action is None or a.id != action.id]
    )


def _new(body: Body, preset: dict, **context):
    form = ActionForm()
    if request.method == "GET":
        for name, value in preset.items():
            getattr(form, name).data = value
    _fill_choices(form, body, None)
    action = save_form(form, lambda values: services.create_action(body, **values))
    if action:
        flash(f"Action “{_short(action.title)}” created.", "success")
        return redirect(url_for(".detail", action_id=action.id))
    return render_template("actions/form.html", form=form, body=body, action=None, **context)


@bp.route("/meetings/<int:meeting_id>/actions/new", methods=["GET", "POST"])
def new_for_meeting(meeting_id: int):
    meeting = managed_meeting(meeting_id, "create its follow-up actions")
    return _new(meeting.body, {"meeting_id": meeting.id}, meeting=meeting)


@bp.route("/documents/<int:document_id>/actions/new", methods=["GET", "POST"])
def new_for_document(document_id: int):
    document = visible_or_404(get_document(document_id), can_view_document)
    reason = f"Only the secretariat or managers of {document.body.short_name} create actions."
    require(can_manage_document(current_principal(), document), reason, document)
    source = document.adopted_at_id or document.meeting_id
    preset = {"document_id": document.id, "meeting_id": source}
    return _new(document.body, preset, document=document)


@bp.route("/bodies/<slug>/actions/new", methods=["GET", "POST"])
def new_for_body(slug: str):
    return _new(managed_body_or_refuse(slug, "create its follow-up actions"), {})


@bp.route("/actions/<int:action_id>/sub-actions/new", methods=["GET", "POST"])
def new_sub_action(action_id: int):
    parent = _managed_action(action_id)
    preset = {
        "parent_id": parent.id,
        "meeting_id": parent.meeting_id,
        "document_id": parent.document_id,
        "programme_area_id": parent.programme_area_id,
    }
    return _new(parent.body, preset, parent=parent)


@bp.route("/actions/<int:action_id>/edit", methods=["GET", "POST"])
def edit(action_id: int):
    action = _managed_action(action_id)
    form = ActionForm(data=action_data(action)) if request.method == "GET" else ActionForm()
    _fill_choices(form, action.body, action)
    user_id = current_principal().user_id
    if save_form(form, lambda values: services.update_action(action, user_id, **values)):
        flash("Action saved.", "success")
        return redirect(url_for(".detail", action_id=action.id))
    return render_template("actions/form.html", form=form, body=action.body, action=action)


# ---- a meeting's review --------------------------------------------------------------------


@bp.post("/meetings/<int:meeting_id>/actions/<int:action_id>/review")
def review(meeting_id: int, action_id: int):
    """What the meeting concluded on one of its body's actions."""
    meeting = managed_meeting(meeting_id, "record its conclusions on follow-up actions")
    action = services.get_action(action_id)
    if action is None or action.body_id != meeting.body_id:
        abort(404)
    form = ReviewForm()
    user_id = current_principal().user_id

    def record(values: dict) -> ActionReview:
        new_due = (values["new_due"] or "").strip() or None
        return services.record_review(
            action, meeting, values["conclusion"], values["note"], new_due, by_id=user_id
        )

    saved = save_form(form, record)
    if saved:
        label = CONCLUSION_LABELS[saved.conclusion]
        flash(f"“{_short(action.title)}”: {label.lower()} at {meeting.title}.", "success")
        url = url_for("schedule.meeting_detail", meeting_id=meeting.id, _anchor="review")
        return redirect(url)
    return render_template("actions/review_form.html", form=form, meeting=meeting, action=action)


@bp.app_template_filter("due_on")
def due_on(day: date | None, precision: DatePrecision | None = None) -> str:
    """A due date as people write it, to its precision (a day when not known)."""
    if day is None:
        return "none"
    return PartialDate.from_bounds(day, precision or DatePrecision.DAY).label

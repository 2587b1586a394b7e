"""Pages: home, meeting list, meeting with its timetable, forms for meetings and sessions."""

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from meetings.access.guards import current_principal, require, visible_or_404
from meetings.access.policies import (
    can_manage_body,
    can_view_body,
    can_view_mechanism,
    can_view_meeting,
    can_view_session,
)
from meetings.actions.models import CONCLUSION_LABELS
from meetings.actions.models import STATUS_LABELS as ACTION_STATUS_LABELS
from meetings.actions.review import actions_for_review
from meetings.bodies.lookup import managed_body_or_refuse
from meetings.bodies.services import get_body, list_bodies, plan_next_meeting
from meetings.core.forms import ConfirmForm, ReaderTimezoneForm, choices
from meetings.core.forms_flow import save_form
from meetings.core.models import utc_today
from meetings.core.reader import reader_timezone
from meetings.core.validation import DomainValidationError
from meetings.documents.views import meeting_listing
from meetings.extensions import db
from meetings.mechanisms.services import get_mechanism, list_mechanisms
from meetings.planning.clashes import Clash, clashes_of, fingerprint
from meetings.schedule import services
from meetings.schedule.forms import MeetingForm, SessionForm
from meetings.schedule.lookup import managed_meeting, visible_meeting
from meetings.schedule.models import Meeting, MeetingStatus, Session
from meetings.schedule.timetable import build_timetable

bp = Blueprint("schedule", __name__)
PER_PAGE = 50


@bp.get("/")
def home():
    today, p = utc_today(), current_principal()
    return render_template(
        "schedule/home.html",
        upcoming=services.upcoming_meetings(today, p),
        recent=services.recent_meetings(today, p),
        mechanisms=list_mechanisms(p),
    )


@bp.get("/meetings/")
def meeting_list():
    p = current_principal()
    mechanism = get_mechanism(request.args.get("mechanism", ""))
    mechanism = mechanism if mechanism and can_view_mechanism(p, mechanism) else None
    body = get_body(request.args.get("body", ""))
    body = body if body and can_view_body(p, body) else None
    status = request.args.get("status", "")
    year = request.args.get("year", type=int)
    page = min(max(request.args.get("page", 1, type=int), 1), 100_000)
    f = services.MeetingFilter(
        mechanism_id=mechanism.id if mechanism else None,
        body_id=body.id if body else None,
        date_from=date(year, 1, 1) if year and 1900 <= year <= 2200 else None,
        date_to=date(year, 12, 31) if year and 1900 <= year <= 2200 else None,
        statuses=(MeetingStatus(status),) if status in set(MeetingStatus) else (),
        newest_first=True,
        viewer=p,
    )
    meetings, total = services.page_of_meetings(f, page, PER_PAGE)
    return render_template(
        "schedule/meeting_list.html",
        meetings=meetings,
        total=total,
        page=page,
        pages=max((total + PER_PAGE - 1) // PER_PAGE, 1),
        mechanisms=list_mechanisms(p),
        bodies=list_bodies(p),
        selected={"mechanism": mechanism, "body": body, "status": status, "year": year},
        statuses=list(MeetingStatus),
    )


@bp.get("/meetings/<int:meeting_id>")
def meeting_detail(meeting_id: int):
    meeting = visible_meeting(meeting_id)
    reader_zone, p = reader_timezone(), current_principal()
    sessions = [s for s in meeting.sessions if can_view_session(p, s)]
    return render_template(
        "schedule/meeting_detail.html",
        meeting=meeting,
        label=services.label(meeting),
        held_with=_visible(meeting.held_with),
        companions=[m for m in meeting.companions if can_view_meeting(p, m)],
        timetable=build_timetable(meeting, sessions, reader_zone),
        reader_zone=reader_zone,
        tz_form=ReaderTimezoneForm(timezone=reader_zone or ""),
        documents=meeting_listing(meeting, p),
        actions_review=actions_for_review(meeting, p),
        action_status_labels=ACTION_STATUS_LABELS,
        conclusion_labels=CONCLUSION_LABELS,
        today=utc_today(),
    )


@bp.route("/bodies/<slug>/meetings/new", methods=["GET", "POST"])
def meeting_new(slug: str):
    body = managed_body_or_refuse(slug)
    form = MeetingForm()
    if request.method == "GET":
        form.timezone.data = body.mechanism.default_timezone
    _held_with_choices(form, body)
    meeting, clashes = _save_meeting(form, lambda values: services.create_meeting(body, **values))
    if meeting:
        flash(f"{meeting.title} created.", "success")
        return redirect(url_for(".meeting_detail", meeting_id=meeting.id))
    return render_template(
        "schedule/meeting_form.html", form=form, body=body, meeting=None, clashes=clashes
    )


@bp.route("/bodies/<slug>/schedule-next", methods=["GET", "POST"])
def meeting_schedule_next(slug: str):
    """The meeting form, pre-filled with the next number, title and proposed date."""
    body = managed_body_or_refuse(slug)
    form = MeetingForm()
    plan = plan_next_meeting(body, utc_today())
    if request.method == "GET":
        form.number.data, form.title.data = plan.number, plan.title
        form.start.data, form.timezone.data = plan.start, plan.timezone
        form.status.data = MeetingStatus.PLANNED.value
        form.programme_area_ids.data = plan.programme_area_ids
    _held_with_choices(form, body)
    meeting, clashes = _save_meeting(form, lambda values: services.create_meeting(body, **values))
    if meeting:
        flash(f"{meeting.title} scheduled.", "success")
        return redirect(url_for(".meeting_detail", meeting_id=meeting.id))
    return render_template(
        "schedule/meeting_form.html",
        form=form,
        body=body,
        meeting=None,
        plan=plan,
        clashes=clashes,
    )


@bp.route("/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
def meeting_edit(meeting_id: int):
    meeting = managed_meeting(meeting_id)
    form = MeetingForm(obj=meeting if request.method == "GET" else None)
    if request.method == "GET":
        form.start.data, form.end.data = meeting.start, meeting.end
        form.programme_area_ids.data = [a.id for a in meeting.programme_areas]
    _held_with_choices(form, meeting.body, exclude=meeting)
    before = _when(meeting)
    saved, clashes = _save_meeting(
        form, lambda values: services.update_meeting(meeting, **values), before
    )
    if saved:
        flash("Meeting saved.", "success")
        return redirect(url_for(".meeting_detail", meeting_id=meeting.id))
    return render_template(
        "schedule/meeting_form.html",
        form=form,
        body=meeting.body,
        meeting=meeting,
        clashes=clashes,
    )


def _when(meeting: Meeting) -> tuple:
    """What a clash depends on: an edit that keeps it (a new venue) is not checked again."""
    return (meeting.start_date, meeting.end_date, meeting.status, meeting.held_with_id)


def _save_meeting(
    form: MeetingForm, save, before: tuple | None = None
) -> tuple[Meeting | None, list[Clash]]:
    """Save the meeting, unless it clashes with meetings the person has not been shown yet:
    then nothing is saved and the form comes back with the clashes and everything typed.
    Saving again with the same clashes is saving anyway (a warning, never a block)."""
    shown: list[Clash] = []

    def checked(values: dict):
        seen = values.pop("clashes_seen", "") or ""
        meeting = save(values)
        db.session.flush()
        if before is not None and _when(meeting) == before:
            return meeting
        clashes = [c for c in clashes_of(meeting, current_principal()) if c.needs_attention]
        if clashes and fingerprint(clashes) != seen:
            shown.extend(clashes)
            form.clashes_seen.data = fingerprint(clashes)
            raise DomainValidationError({})  # rolled back; the clashes say why
        return meeting

    return save_form(form, checked), shown


@bp.route("/meetings/<int:meeting_id>/delete", methods=["GET", "POST"])
def meeting_delete(meeting_id: int):
    """Ask, then delete a meeting entered by mistake, with its sessions."""
    meeting = managed_meeting(meeting_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        body_slug, title = meeting.body.slug, meeting.title
        try:
            services.delete_meeting(meeting)
        except DomainValidationError as refused:
            db.session.rollback()
            for messages in refused.errors.values():
                flash(" ".join(messages), "error")
            return redirect(url_for(".meeting_detail", meeting_id=meeting.id))
        db.session.commit()
        flash(f"{title} deleted.", "success")
        return redirect(url_for("bodies.detail", slug=body_slug))
    return render_template("schedule/meeting_delete.html", meeting=meeting, form=form)


@bp.route("/meetings/<int:meeting_id>/sessions/new", methods=["GET", "POST"])
def session_new(meeting_id: int):
    meeting = managed_meeting(meeting_id)
    form = SessionForm()
    if request.method == "GET" and meeting.date_precision == "day":
        form.day.data = meeting.start_date
    session = save_form(form, lambda values: services.create_session(meeting, **values))
    if session:
        flash(f"Session “{session.title}” added.", "success")
        return redirect(url_for(".meeting_detail", meeting_id=meeting.id) + "#timetable")
    return render_template("schedule/session_form.html", form=form, meeting=meeting, session=None)


@bp.route("/sessions/<int:session_id>/edit", methods=["GET", "POST"])
def session_edit(session_id: int):
    session = _managed_session(session_id)
    meeting = session.meeting
    form = SessionForm()
    if request.method == "GET":
        start, end = services.session_local_times(session, meeting.timezone)
        form.process(obj=session, day=start.date(), start_time=start.time(), end_time=end.time())
    if save_form(form, lambda values: services.update_session(session, **values)):
        flash("Session saved.", "success")
        return redirect(url_for(".meeting_detail", meeting_id=meeting.id) + "#timetable")
    return render_template(
        "schedule/session_form.html", form=form, meeting=meeting, session=session
    )


@bp.post("/sessions/<int:session_id>/delete")
def session_delete(session_id: int):
    session = _managed_session(session_id)
    meeting_id, title = session.meeting_id, session.title
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.delete_session(session)
    db.session.commit()
    flash(f"Session “{title}” deleted.", "success")
    return redirect(url_for(".meeting_detail", meeting_id=meeting_id) + "#timetable")


def _managed_session(session_id: int) -> Session:
    session = visible_or_404(db.session.get(Session, session_id), can_view_session)
    allowed = can_manage_body(current_principal(), session.meeting.body)
    require(allowed, "Only the secretariat or the body's managers change sessions.", session)
    return session


def _visible(meeting: Meeting | None) -> Meeting | None:
    return meeting if meeting and can_view_meeting(current_principal(), meeting) else None


def _held_with_choices(form: MeetingForm, body, exclude: Meeting | None = None) -> None:
    others = [
        m for m in services.conjunction_candidates(body, current_principal()) if m is not exclude
    ]
    form.held_with_id.choices = choices(
        [("", "—"), *((m.id, f"{m.title} ({m.dates_label})") for m in others)]
    )
    form.programme_area_ids.choices = [
        (a.id, f"{a.code} {a.name}") for a in body.mechanism.programme_areas
    ]

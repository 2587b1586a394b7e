"""Pages: registration settings, the public form, nominations, the staff list, my meetings."""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy.orm import joinedload

from meetings.access.guards import current_principal, refuse, require
from meetings.access.policies import (
    PERSONAL_DATA_NOTE,
    can_manage_body,
    can_see_all_personal_data,
)
from meetings.accounts.models import User
from meetings.accounts.secrets import digest
from meetings.core.countries import country_name
from meetings.core.forms import ConfirmForm
from meetings.core.forms_flow import save_form
from meetings.core.models import utcnow
from meetings.core.timezones import WallClockError, in_zone, local_to_utc
from meetings.core.validation import DomainValidationError
from meetings.extensions import db
from meetings.planning.clashes import clashes_among
from meetings.registrations import emails, services
from meetings.registrations.forms import NominationForm, RegistrationForm, RegistrationSettingsForm
from meetings.registrations.models import (
    CATEGORY_LABELS,
    DELEGATION_ROLE_LABELS,
    SEATED,
    STATUS_LABELS,
    Registration,
    RegistrationSettings,
    RegistrationStatus,
)
from meetings.registrations.participants_list import personal_data_rule
from meetings.schedule.lookup import managed_meeting, visible_meeting
from meetings.schedule.models import Meeting

bp = Blueprint("registrations", __name__)


@bp.app_context_processor
def _labels() -> dict[str, Any]:
    return {
        "registration_links": registration_links,
        "registration_status_labels": STATUS_LABELS,
        "registration_category_labels": CATEGORY_LABELS,
        "delegation_role_labels": DELEGATION_ROLE_LABELS,
        # The one rule for personal data (meetings.access.policies), for every template.
        "can_see_all_personal_data": lambda meeting: can_see_all_personal_data(
            current_principal(), meeting
        ),
        "personal_data_note": PERSONAL_DATA_NOTE,
    }


def _personal_data(meeting: Meeting, registrations: list[Registration]) -> dict[str, Any]:
    """What a staff list of registrations shows of each person (policies, no queries)."""
    shows_personal = personal_data_rule(current_principal(), meeting)
    shown = [shows_personal(r) for r in registrations]
    return {
        "shows_personal": shows_personal,
        "any_personal": any(shown),
        "personal_hidden": not all(shown),
    }


def registration_links(meeting: Meeting) -> dict[str, bool]:
    """Which registration links the meeting page offers its reader."""
    settings, p = services.settings_of(meeting), current_principal()
    return {
        "register": settings is not None and _window_problem(settings) is None,
        "nominate": settings is not None and bool(_nfp_countries(meeting)),
        "manage": can_manage_body(p, meeting.body),
    }


# Settings


@bp.route("/meetings/<int:meeting_id>/registration/settings", methods=["GET", "POST"])
def settings(meeting_id: int):
    meeting = managed_meeting(meeting_id, "manage registration")
    current = services.settings_of(meeting)
    form = RegistrationSettingsForm(data=_settings_data(meeting, current))
    saved = save_form(form, lambda values: _save_settings(meeting, values))
    if saved:
        flash("Registration settings saved.", "success")
        return redirect(url_for(".manage", meeting_id=meeting.id))
    return render_template("registrations/settings.html", meeting=meeting, form=form)


def _settings_data(meeting: Meeting, settings: RegistrationSettings | None) -> dict | None:
    if settings is None:
        return {"needs_approval": True}
    opens, closes = (in_zone(t, meeting.timezone) for t in (settings.opens_at, settings.closes_at))
    return {
        "opens_day": opens.date(),
        "opens_time": opens.time(),
        "closes_day": closes.date(),
        "closes_time": closes.time(),
        "categories": settings.categories,
        "capacity": settings.capacity,
        "delegation_quota": settings.delegation_quota,
        "needs_approval": settings.needs_approval,
        "open_to_public": settings.open_to_public,
    }


def _save_settings(meeting: Meeting, values: dict[str, Any]) -> RegistrationSettings:
    """Save with the window's venue times converted to UTC."""
    window = {}
    for end in ("opens", "closes"):
        day, clock = values.pop(f"{end}_day"), values.pop(f"{end}_time")
        try:
            window[f"{end}_at"] = local_to_utc(day, clock, meeting.timezone)
        except WallClockError as exc:
            raise DomainValidationError({f"{end}_time": str(exc)}) from None
    return services.save_settings(meeting, **window, **values)


# The staff's list and its buttons


@bp.get("/meetings/<int:meeting_id>/registrations")
def manage(meeting_id: int):
    meeting = managed_meeting(meeting_id, "manage registration")
    registrations = _registrations_of(meeting)
    return render_template(
        "registrations/manage.html",
        meeting=meeting,
        settings=services.settings_of(meeting),
        registrations=registrations,
        seated=sum(1 for r in registrations if r.status in SEATED),
        waiting=sum(1 for r in registrations if r.status is RegistrationStatus.WAITLISTED),
        button=ConfirmForm(),
        **_personal_data(meeting, registrations),
    )


def _act(registration_id: int, action, done: str, event: str | None = None):
    """Run a staff action on a registration, mail who it concerns, back to the list."""
    registration = _registration_or_404(registration_id)
    meeting = managed_meeting(registration.meeting_id, "manage registration")
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        emails.run_and_tell(registration, action, event)
    except DomainValidationError as exc:
        db.session.rollback()
        flash(" ".join(m for ms in exc.errors.values() for m in ms), "error")
        return redirect(url_for(".manage", meeting_id=meeting.id))
    db.session.commit()
    flash(f"{registration.name}: {done}.", "success")
    return redirect(url_for(".manage", meeting_id=meeting.id) + f"#registration-{registration_id}")


@bp.post("/registrations/<int:registration_id>/approve")
def approve(registration_id: int):
    return _act(registration_id, services.approve, "approved", "approved")


@bp.post("/registrations/<int:registration_id>/decline")
def decline(registration_id: int):
    return _act(registration_id, services.decline, "declined", "declined")


@bp.post("/registrations/<int:registration_id>/move_up")
def move_up(registration_id: int):
    return _act(registration_id, services.move_up, "moved up", "moved_up")


@bp.post("/registrations/<int:registration_id>/attendance")
def attendance(registration_id: int):
    def toggle(registration: Registration) -> None:
        services.mark_attendance(registration, registration.attended_at is None)

    return _act(registration_id, toggle, "attendance recorded")


# The public form and its confirmation link


@bp.route("/meetings/<int:meeting_id>/register", methods=["GET", "POST"])
def register(meeting_id: int):
    meeting = visible_meeting(meeting_id)
    settings = services.settings_of(meeting)
    problem = "Registration is not open for this meeting." if settings is None else None
    problem = problem or _window_problem(settings)
    if problem:
        return render_template("registrations/register.html", meeting=meeting, problem=problem)
    form = RegistrationForm()
    form.offer(settings.categories)
    new = save_form(form, lambda values: services.register(meeting, source="form", **values))
    if new:
        emails.send_confirmation_link(new.registration, new.secret)
        db.session.commit()
        return render_template(
            "registrations/check_email.html", meeting=meeting, email=new.registration.email
        )
    return render_template("registrations/register.html", meeting=meeting, form=form)


def _window_problem(settings: RegistrationSettings) -> str | None:
    """Why the public form takes no registration now, or None when it does."""
    now = utcnow()
    if not settings.open_to_public:
        return "This meeting takes nominations by National Focal Points only."
    if now < settings.opens_at:
        return "Registration opens on " + _when(settings.opens_at, settings.meeting) + "."
    if now > settings.closes_at:
        return "Registration has closed."
    return None


def _when(moment: datetime, meeting: Meeting) -> str:
    local = in_zone(moment, meeting.timezone)
    return f"{local.day} {local:%B %Y at %H:%M} ({meeting.timezone})"


@bp.route("/registrations/confirm/<secret>", methods=["GET", "POST"])
def confirm(secret: str):
    """The emailed link shows a button; pressing it confirms (a mail scanner only GETs)."""
    stmt = sa.select(Registration).where(Registration.confirmation_hash == digest(secret))
    registration = db.session.scalar(stmt)
    if registration is None:
        return render_template("registrations/confirmed.html", registration=None), 404
    form = ConfirmForm()
    unconfirmed = registration.status is RegistrationStatus.UNCONFIRMED
    if unconfirmed and not form.validate_on_submit():
        return render_template("registrations/confirm.html", registration=registration, form=form)
    try:
        registration = services.confirm_email(secret)
    except DomainValidationError as exc:
        db.session.rollback()
        problem = " ".join(m for ms in exc.errors.values() for m in ms)
        return render_template("registrations/confirmed.html", problem=problem), 409
    event = emails.CONFIRMED_EVENT.get(registration.status)
    if unconfirmed and event:
        emails.send_status(registration, event)
    db.session.commit()
    return render_template("registrations/confirmed.html", registration=registration)


# Nominations by National Focal Points


@bp.route("/meetings/<int:meeting_id>/nominate", methods=["GET", "POST"])
def nominate(meeting_id: int):
    meeting = visible_meeting(meeting_id)
    countries = _nfp_countries(meeting)
    mechanism = meeting.body.mechanism
    require(bool(countries), f"Only National Focal Points of {mechanism.short_name} nominate.")
    chosen = (request.form.get("delegation_country") or countries[0]).upper()
    if request.method == "POST" and chosen not in countries:
        refuse(f"You nominate for the delegation of {', '.join(countries)} only.", meeting)
    form = NominationForm(delegation_country=countries[0])
    form.delegation_country.choices = [(c, country_name(c)) for c in countries]
    new = save_form(form, lambda values: _nominate(meeting, values))
    if new:
        emails.send_status(new.registration, "nominated")
        db.session.commit()
        flash(f"{new.registration.name} nominated.", "success")
        return redirect(url_for(".nominate", meeting_id=meeting.id))
    nominations = _delegations(meeting, countries)
    return render_template(
        "registrations/nominate.html",
        meeting=meeting,
        form=form,
        settings=services.settings_of(meeting),
        nominations=nominations,
        **_personal_data(meeting, nominations),
    )


def _nominate(meeting: Meeting, values: dict[str, Any]) -> services.NewRegistration:
    user = db.session.get(User, current_principal().user_id)
    return services.register(
        meeting, source="nomination", nominated_by=user, category="delegation", **values
    )


def _nfp_countries(meeting: Meeting) -> list[str]:
    """The member states whose NFP, in the meeting's mechanism, the principal is."""
    mechanism_id = meeting.body.mechanism_id
    return sorted(c for m, c in current_principal().nfp_of if m == mechanism_id)


# My meetings, and cancelling


@bp.get("/account/meetings")
def mine():
    p = current_principal()
    require(p.is_authenticated, "Sign in to see your meetings.")
    stmt = (
        sa.select(Registration)
        .join(Registration.meeting)
        .where(sa.or_(Registration.email == p.email.lower(), Registration.user_id == p.user_id))
        .options(joinedload(Registration.meeting))
        .order_by(Meeting.start_date.desc(), Registration.id)
    )
    registrations = db.session.scalars(stmt).all()
    seated = [r.meeting for r in registrations if r.status in SEATED]
    return render_template(
        "registrations/mine.html",
        registrations=registrations,
        clashes=clashes_among(seated),
        button=ConfirmForm(),
        open_statuses={*SEATED, RegistrationStatus.WAITLISTED, RegistrationStatus.UNCONFIRMED},
    )


@bp.post("/registrations/<int:registration_id>/cancel")
def cancel(registration_id: int):
    p = current_principal()
    require(p.is_authenticated, "Sign in to cancel a registration.")
    registration = _registration_or_404(registration_id)
    staff = can_manage_body(p, registration.meeting.body)
    own = registration.user_id == p.user_id or registration.email == p.email.lower()
    if not (own or staff):
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    back = url_for(".mine") if own else url_for(".manage", meeting_id=registration.meeting_id)
    try:
        emails.run_and_tell(registration, services.cancel)
    except DomainValidationError as exc:
        db.session.rollback()
        flash(" ".join(m for ms in exc.errors.values() for m in ms), "error")
        return redirect(back)
    db.session.commit()
    flash(f"Registration for {registration.meeting.title} cancelled.", "success")
    return redirect(back)


# Loading


def _registration_or_404(registration_id: int) -> Registration:
    registration = db.session.get(Registration, registration_id)
    if registration is None:
        abort(404)
    return registration


def _registrations_of(meeting: Meeting) -> list[Registration]:
    stmt = sa.select(Registration).where(Registration.meeting_id == meeting.id)
    return list(db.session.scalars(stmt.order_by(Registration.created_at, Registration.id)))


def _delegations(meeting: Meeting, countries: list[str]) -> list[Registration]:
    stmt = sa.select(Registration).where(
        Registration.meeting_id == meeting.id, Registration.delegation_country.in_(countries)
    )
    return list(db.session.scalars(stmt.order_by(Registration.delegation_country, Registration.id)))

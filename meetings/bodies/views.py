"""Pages: a body with its cadence, numbering, next and past meetings; body forms."""

from flask import Blueprint, flash, redirect, render_template, request, url_for

from meetings.access.guards import current_principal, require, visible_or_404
from meetings.access.policies import (
    can_manage_mechanism,
    can_view_mechanism,
)
from meetings.bodies import services
from meetings.bodies.forms import BodyForm
from meetings.bodies.lookup import managed_body_or_refuse, visible_body
from meetings.bodies.models import Body
from meetings.core.forms import choices
from meetings.core.forms_flow import save_form
from meetings.core.models import utc_today
from meetings.documents.views import body_listing
from meetings.mechanisms.models import Mechanism
from meetings.mechanisms.services import get_mechanism
from meetings.schedule.services import body_meetings

bp = Blueprint("bodies", __name__)


@bp.get("/bodies/<slug>")
def detail(slug: str):
    body = visible_body(slug)
    today, p = utc_today(), current_principal()
    meetings = body_meetings(body, p)
    upcoming = sorted((m for m in meetings if m.end_date >= today), key=lambda m: m.start_date)
    past = [m for m in meetings if m.end_date < today]
    return render_template(
        "bodies/detail.html",
        body=body,
        upcoming=upcoming,
        past=past,
        plan=services.plan_next_meeting(body, today),
        documents=body_listing(body, p),
    )


@bp.route("/mechanisms/<slug>/bodies/new", methods=["GET", "POST"])
def new(slug: str):
    mechanism = visible_or_404(get_mechanism(slug), can_view_mechanism)
    allowed = can_manage_mechanism(current_principal(), mechanism.id)
    require(allowed, f"Only the secretariat of {mechanism.short_name} adds bodies.", mechanism)
    form = BodyForm()
    _conjunction_choices(form, mechanism, None)
    body = save_form(form, lambda values: services.create_body(mechanism, **values))
    if body:
        flash(f"{body.name} created.", "success")
        return redirect(url_for(".detail", slug=body.slug))
    return render_template("bodies/form.html", form=form, mechanism=mechanism, body=None)


@bp.route("/bodies/<slug>/edit", methods=["GET", "POST"])
def edit(slug: str):
    body = managed_body_or_refuse(slug)
    form = BodyForm(obj=body if request.method == "GET" else None)
    _conjunction_choices(form, body.mechanism, body)
    saved = save_form(form, lambda values: services.update_body(body, **values))
    if saved:
        flash("Body saved.", "success")
        return redirect(url_for(".detail", slug=saved.slug))
    return render_template("bodies/form.html", form=form, mechanism=body.mechanism, body=body)


def _conjunction_choices(form: BodyForm, mechanism: Mechanism, body: Body | None) -> None:
    others = [b for b in services.list_bodies(current_principal()) if b is not body]
    form.conjunction_body_id.choices = choices(
        [("", "—"), *((b.id, f"{b.name} ({b.mechanism.short_name})") for b in others)]
    )

"""Pages: mechanisms, each with member states, secretariat, bodies and programme areas."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from meetings.access.guards import current_principal, require, visible_or_404
from meetings.access.policies import (
    can_create_mechanism,
    can_manage_mechanism,
    can_view_body,
    can_view_mechanism,
)
from meetings.core.forms import choices
from meetings.core.forms_flow import save_form
from meetings.extensions import db
from meetings.mechanisms import services
from meetings.mechanisms.forms import MechanismForm, ProgrammeAreaForm
from meetings.mechanisms.models import Mechanism, ProgrammeArea

bp = Blueprint("mechanisms", __name__, url_prefix="/mechanisms")


@bp.get("/")
def index():
    mechanisms = services.list_mechanisms(current_principal())
    return render_template("mechanisms/index.html", mechanisms=mechanisms)


@bp.get("/<slug>")
def detail(slug: str):
    mechanism = _mechanism_or_404(slug)
    top_areas = [a for a in mechanism.programme_areas if a.parent_id is None]
    p = current_principal()
    bodies = [b for b in mechanism.bodies if can_view_body(p, b)]
    return render_template(
        "mechanisms/detail.html", mechanism=mechanism, top_areas=top_areas, bodies=bodies
    )


@bp.route("/new", methods=["GET", "POST"])
def new():
    require(can_create_mechanism(current_principal()), "Only administrators create mechanisms.")
    form = MechanismForm()
    mechanism = save_form(form, lambda values: services.create_mechanism(**values))
    if mechanism:
        flash(f"{mechanism.name} created.", "success")
        return redirect(url_for(".detail", slug=mechanism.slug))
    return render_template("mechanisms/form.html", form=form, mechanism=None)


@bp.route("/<slug>/edit", methods=["GET", "POST"])
def edit(slug: str):
    mechanism = _managed_or_refuse(slug)
    form = MechanismForm(obj=mechanism if request.method == "GET" else None)
    if request.method == "GET":
        form.member_states.data = " ".join(mechanism.country_codes)
    saved = save_form(form, lambda values: services.update_mechanism(mechanism, **values))
    if saved:
        flash("Mechanism saved.", "success")
        return redirect(url_for(".detail", slug=saved.slug))
    return render_template("mechanisms/form.html", form=form, mechanism=mechanism)


@bp.route("/<slug>/programme-areas/new", methods=["GET", "POST"])
def area_new(slug: str):
    return _area_form(_managed_or_refuse(slug), None)


@bp.route("/<slug>/programme-areas/<int:area_id>/edit", methods=["GET", "POST"])
def area_edit(slug: str, area_id: int):
    mechanism = _managed_or_refuse(slug)
    area = db.session.get(ProgrammeArea, area_id)
    if area is None or area.mechanism_id != mechanism.id:
        abort(404)
    return _area_form(mechanism, area)


def _area_form(mechanism: Mechanism, area: ProgrammeArea | None):
    form = ProgrammeAreaForm(obj=area if request.method == "GET" else None)
    if request.method == "GET" and area is not None:
        form.sdg_goals.data = ", ".join(str(g) for g in area.sdg_goals)
    form.parent_id.choices = choices(
        [
            ("", "— (a top-level area)"),
            *(
                (a.id, f"{a.code} {a.name}")
                for a in mechanism.programme_areas
                if a.parent_id is None and a is not area
            ),
        ]
    )

    def save(values):
        values["sdg_goals"] = form.sdg_numbers()
        return services.save_programme_area(mechanism, area, **values)

    if save_form(form, save):
        flash("Programme area saved.", "success")
        return redirect(url_for(".detail", slug=mechanism.slug) + "#programme-areas")
    return render_template("mechanisms/area_form.html", form=form, mechanism=mechanism, area=area)


def _mechanism_or_404(slug: str) -> Mechanism:
    return visible_or_404(services.get_mechanism(slug), can_view_mechanism)


def _managed_or_refuse(slug: str) -> Mechanism:
    mechanism = _mechanism_or_404(slug)
    allowed = can_manage_mechanism(current_principal(), mechanism.id)
    require(allowed, f"Only the secretariat of {mechanism.short_name} may change it.", mechanism)
    return mechanism

"""/themes: the shared vocabulary of themes; /themes/<slug>: who works on one, across
mechanisms (programme areas, follow-up actions, meetings and documents)."""

from flask import Blueprint, abort, render_template

from meetings.access.guards import current_principal
from meetings.themes import services

bp = Blueprint("themes", __name__)


@bp.get("/themes")
def index():
    p = current_principal()
    themes = services.list_themes()
    return render_template(
        "themes/index.html",
        themes=[(t, services.visible_areas(t, p)) for t in themes],
    )


@bp.get("/themes/<slug>")
def detail(slug: str):
    theme = services.get_theme(slug)
    if theme is None:
        abort(404)
    return render_template(
        "themes/detail.html", view=services.theme_view(theme, current_principal())
    )

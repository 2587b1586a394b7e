"""/api/v1/themes: the shared vocabulary of themes with their programme areas; one theme with
the follow-up actions, meetings and documents on it that the caller may see."""

import marshmallow as ma
from flask_smorest import Blueprint, abort

from meetings.access.guards import current_principal
from meetings.themes import services

blp = Blueprint(
    "themes_api",
    __name__,
    url_prefix="/api/v1/themes",
    description="Themes across mechanisms, mapped from their programme areas.",
)


class AreaSchema(ma.Schema):
    id = ma.fields.Integer()
    mechanism = ma.fields.Function(lambda a: a.mechanism.slug)
    code = ma.fields.String()
    name = ma.fields.String()


class ThemeSchema(ma.Schema):
    slug = ma.fields.String()
    name = ma.fields.String()
    description = ma.fields.String()
    sdgs = ma.fields.List(ma.fields.Integer())
    keywords = ma.fields.Function(lambda t: t.phrases, metadata={"description": "Search words"})
    areas = ma.fields.Method("_areas")

    def _areas(self, theme) -> list:
        return AreaSchema(many=True).dump(services.visible_areas(theme, current_principal()))


class ListedSchema(ma.Schema):
    total = ma.fields.Integer()
    items = ma.fields.Function(
        lambda listed: [{"id": x.id, "title": x.title} for x in listed.items],
        metadata={"description": "The first 20 (id and title)"},
    )


class ThemeDetailSchema(ma.Schema):
    theme = ma.fields.Nested(ThemeSchema)
    actions = ma.fields.Nested(ListedSchema)
    meetings = ma.fields.Nested(ListedSchema)
    documents = ma.fields.Nested(ListedSchema)


@blp.get("")
@blp.response(200, ThemeSchema(many=True))
def list_all():
    """The themes, with the programme areas (of mechanisms the caller may see) mapped to them."""
    return services.list_themes()


@blp.get("/<slug>")
@blp.response(200, ThemeDetailSchema)
@blp.alt_response(404, response="NOT_FOUND")
def read(slug: str):
    """One theme with the follow-up actions in its programme areas, and the meetings and
    documents its words find, as the caller may see them."""
    theme = services.get_theme(slug)
    if theme is None:
        abort(404, message=f"No theme {slug!r}.")
    return services.theme_view(theme, current_principal())

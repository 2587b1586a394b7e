"""Shared pieces of the JSON API: query schemas that refuse unknown fields, paged envelopes."""

from urllib.parse import urlencode

import marshmallow as ma
from flask import current_app, request, url_for


class QuerySchema(ma.Schema):
    """Query-string arguments; an unknown or misspelt one is an error naming it."""

    class Meta:
        unknown = ma.RAISE


class PageQuerySchema(QuerySchema):
    page = ma.fields.Integer(load_default=1, validate=ma.validate.Range(min=1, max=100_000))
    page_size = ma.fields.Integer(load_default=None, validate=ma.validate.Range(min=1, max=200))


class LinkSchema(ma.Schema):
    id = ma.fields.Integer()
    slug = ma.fields.String()
    short_name = ma.fields.String()
    name = ma.fields.String()
    url = ma.fields.String()


def page_size(args: dict) -> int:
    return args.get("page_size") or current_app.config["PAGE_SIZE"]


def page_envelope(items: list, total: int, page: int, size: int) -> dict:
    """{items, page, page_size, total, next, previous}: links keep the caller's filters."""
    pages = max((total + size - 1) // size, 1)
    return {
        "items": items,
        "page": page,
        "page_size": size,
        "total": total,
        "next": _page_url(page + 1) if page < pages else None,
        "previous": _page_url(page - 1) if 1 < page <= pages else None,
    }


def _page_url(page: int) -> str:
    args = {**request.args.to_dict(), "page": page}
    return (
        url_for(request.endpoint, **request.view_args, _external=True).split("?")[0]
        + "?"
        + (urlencode(args))
    )


def page_schema(item_schema: type[ma.Schema], name: str) -> type[ma.Schema]:
    """The envelope schema of a list of item_schema, for the OpenAPI document."""
    return ma.Schema.from_dict(
        {
            "items": ma.fields.List(ma.fields.Nested(item_schema)),
            "page": ma.fields.Integer(),
            "page_size": ma.fields.Integer(),
            "total": ma.fields.Integer(),
            "next": ma.fields.String(allow_none=True),
            "previous": ma.fields.String(allow_none=True),
        },
        name=name,
    )


def ical_url(kind: str, key: str | int) -> str:
    """Where the calendar feed of a mechanism, body or meeting is published (.ics)."""
    return url_for("schedule.home", _external=True) + f"calendars/{kind}/{key}.ics"


def absolute(endpoint: str, **values) -> str:
    return url_for(endpoint, _external=True, **values)

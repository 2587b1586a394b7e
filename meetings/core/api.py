"""Shared pieces of the JSON API: query and input schemas that refuse unknown fields, paged
envelopes, and the way writes answer (bearer tokens, PATCH merging, service errors)."""

import functools
from collections.abc import Callable
from http import HTTPStatus
from typing import Any, TypeVar
from urllib.parse import urlencode

import marshmallow as ma
from flask import current_app, request, url_for
from flask_smorest import Blueprint, abort

from meetings.access.guards import SAFE_METHODS, current_principal, refuse
from meetings.access.principal import Principal
from meetings.core.ids import MAX_ID
from meetings.core.validation import DomainValidationError
from meetings.core.visibility import Visibility
from meetings.extensions import api, db


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


# Writing: bearer tokens, input schemas, PATCH merging, service errors as HTTP answers.

BEARER = [{"bearerAuth": []}]
LOCATION = {
    "Location": {"description": "The API address of the new record.", "schema": {"type": "string"}}
}
T = TypeVar("T")


def document_security() -> None:
    """Declare in the OpenAPI document the bearer token that write operations need."""
    api.spec.components.security_scheme(
        "bearerAuth",
        {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token with read_write scope; read tokens only read.",
        },
    )


def writes(blp: Blueprint, *errors: int) -> Callable:
    """Document a write operation: it needs a bearer token and may answer these errors."""

    def decorate(view: Callable) -> Callable:
        view = blp.doc(security=BEARER)(view)
        for code in (401, 403, *errors):
            view = blp.alt_response(code, response=HTTPStatus(code).name)(view)
        return view

    return decorate


def guard_first(check: Callable[..., Any]) -> Callable:
    """Check access before the request body is read: refusals (404, 401, 403) come before any
    complaint about the input (422). The view gets what `check` returns from the URL's values
    (the record the principal may change), then the body."""

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(**url_values: Any) -> Any:
            return view(check(**url_values))

        return wrapper

    return decorate


def refuse_anonymous_writes() -> None:
    """Before a write's body is read: without a valid token it is a 401."""
    if request.method not in SAFE_METHODS and not current_principal().is_authenticated:
        refuse("Send Authorization: Bearer <token> to change things.")


class InputSchema(ma.Schema):
    """A request body; an unknown field is an error naming it."""

    class Meta:
        unknown = ma.RAISE


class PatchMixin:
    """The PATCH form of an input schema: every field may be left out and keeps its value."""

    def __init__(self, **kwargs):
        super().__init__(partial=True, **kwargs)


def sized_string(column, **kwargs) -> ma.fields.String:
    """A string no longer than its column holds (PostgreSQL refuses longer ones)."""
    length = getattr(column.type, "length", None)
    return ma.fields.String(validate=ma.validate.Length(max=length) if length else None, **kwargs)


def record_id(**kwargs) -> ma.fields.Integer:
    """The id of another record, within the range ids have."""
    return ma.fields.Integer(validate=ma.validate.Range(min=1, max=MAX_ID), **kwargs)


def visibility_field(meeting_level: bool) -> ma.fields.String:
    """Who may see it, as set on the thing itself; participants exist only for meetings."""
    levels = [v.value for v in Visibility if meeting_level or v is not Visibility.PARTICIPANTS]
    return ma.fields.String(
        allow_none=True,
        validate=ma.validate.OneOf(levels),
        metadata={"description": "Its own setting; null: as its parent."},
    )


def named_or_422(thing: T | None, can_view: Callable[[Principal, T], bool], field: str) -> T:
    """The record a request body names by id, or a 422 naming the field when unknown or hidden."""
    if thing is None or not can_view(current_principal(), thing):
        abort(422, errors={"json": {field: ["Unknown or not visible to you."]}})
    return thing


def patched(thing: Any, schema: ma.Schema, changes: dict, **current: Any) -> dict:
    """Every field an update service takes: the thing's values, overridden by the PATCH.

    `current` gives the values that are not plain attributes (a mechanism's country codes).
    """
    values = {name: getattr(thing, name) for name in schema.fields if name not in current}
    return {**values, **current, **changes}


def saved(action: Callable[[], T]) -> T:
    """Run a service call and commit once; bad input is a 422 naming the fields, nothing saved."""
    try:
        return _committed(action)
    except DomainValidationError as exc:
        abort(422, errors={"json": exc.errors})


def deleted(action: Callable[[], Any]) -> None:
    """Run a service delete and commit; refused (others depend on it) is a 409 saying why."""
    try:
        _committed(action)
    except DomainValidationError as exc:
        abort(409, message=" ".join(m for messages in exc.errors.values() for m in messages))


def _committed(action: Callable[[], T]) -> T:
    try:
        result = action()
        db.session.commit()
    except DomainValidationError:
        db.session.rollback()
        raise
    return result


def created(thing: T, endpoint: str, **values: Any) -> tuple[T, dict[str, str]]:
    """A created record and the Location header of its API address."""
    return thing, {"Location": absolute(endpoint, **values)}

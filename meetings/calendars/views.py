"""Calendar feeds over HTTP: public feeds of mechanisms, bodies and meetings, and each
person's own feeds at a secret address: their meetings (with the due dates of the follow-up
actions they lead), and, under the same secret, the deadlines of the bodies they are staff of.

Public feeds are built for the anonymous public whoever asks (cookies are not read): the
same bytes for everyone, cacheable by anyone. A feed answers 304 from its validator alone
(see loading.public_validator), before any meeting is read; and once rendered, the same
feed under the same validator is answered from the bytes kept (rendered.py).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Blueprint, Response, abort, current_app, request

from meetings.access.policies import can_view_body, can_view_mechanism, can_view_meeting
from meetings.access.principal import ANONYMOUS, Principal, principal_for
from meetings.accounts.models import User
from meetings.actions.calendar import feed_actions, led_by, staffed_by
from meetings.calendars import loading
from meetings.calendars.feeds import calendar, cancellation_cutoff
from meetings.calendars.rendered import rendered_feeds
from meetings.calendars.subscriptions import feed_token_of, user_for_feed
from meetings.core.models import utcnow
from meetings.extensions import db
from meetings.mail.urls import absolute_url
from meetings.schedule.services import label

bp = Blueprint("calendars", __name__, url_prefix="/calendars")
CONTENT_TYPE = "text/calendar; charset=utf-8"
PUBLIC_CACHE = "public, max-age=600"
PRIVATE_CACHE = "private, max-age=600"


@dataclass(frozen=True)
class Feed:
    """Which meetings (and actions' deadlines) a feed shows, to whom, under which name and
    file name; a scope of None reads nothing of its kind."""

    scope: sa.ColumnElement[bool] | None
    viewer: Principal
    name: str
    zone: str | None
    filename: str
    actions: sa.ColumnElement[bool] | None = None


@bp.after_request
def _no_referrer(response: Response) -> Response:
    # A personal feed's address is its secret: a page reached from it must not learn it.
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.get("/mechanisms/<slug>.ics")
def mechanism_feed(slug: str):
    mechanism = _public(loading.mechanism_by_slug(slug), can_view_mechanism)
    name, zone = f"{mechanism.short_name} meetings", mechanism.default_timezone
    feed = Feed(loading.of_mechanism(mechanism.id), ANONYMOUS, name, zone, f"{slug}.ics")
    return _public_feed(mechanism.id, "mechanisms", slug, feed)


@bp.get("/bodies/<slug>.ics")
def body_feed(slug: str):
    body = _public(loading.body_by_slug(slug), can_view_body)
    name, zone = f"{body.mechanism.short_name} — {body.name}", body.mechanism.default_timezone
    feed = Feed(loading.of_body(body.id), ANONYMOUS, name, zone, f"{slug}.ics")
    return _public_feed(body.mechanism_id, "bodies", slug, feed)


@bp.get("/meetings/<int:meeting_id>.ics")
def meeting_feed(meeting_id: int):
    meeting = _public(loading.meeting_by_id(meeting_id), can_view_meeting)
    name = f"{meeting.body.mechanism.short_name} — {label(meeting) or meeting.title}"
    scope, filename = loading.of_meeting(meeting_id), f"meeting-{meeting_id}.ics"
    feed = Feed(scope, ANONYMOUS, name, meeting.timezone, filename)
    return _public_feed(meeting.body.mechanism_id, "meetings", meeting_id, feed)


@bp.get("/personal/<secret>.ics")
def personal_feed(secret: str):
    """The meetings the person follows or takes part in, as they may see them, and the due
    dates of the follow-up actions they lead."""

    def feed(user: User, viewer: Principal) -> Feed:
        scope = loading.of_person(user.id)
        return Feed(scope, viewer, "My meetings", None, "my-meetings.ics", led_by(viewer))

    return _personal(secret, feed)


@bp.get("/personal/<secret>/deadlines.ics")
def personal_deadlines(secret: str):
    """The due dates of the follow-up actions of the bodies the person is staff of (their
    mechanisms' secretariat, the bodies they manage): a second calendar under the same
    secret, so that subscribing to it is the opt-in, and re-creating or stopping the
    address ends both. Someone with no such role gets an empty calendar."""

    def feed(_user: User, viewer: Principal) -> Feed:
        name = "Deadlines of my bodies' actions"
        return Feed(None, viewer, name, None, "my-deadlines.ics", staffed_by(viewer))

    return _personal(secret, feed)


def _personal(secret: str, feed_of: Callable[[User, Principal], Feed]) -> Response:
    user = user_for_feed(secret) or abort(404)
    if loading.note_use(feed_token_of(user), utcnow()):
        db.session.commit()
    today = utcnow().date()
    validator = loading.personal_validator(user.id, _base_url(), today)
    if _not_modified(validator):
        return _not_modified_response(validator, PRIVATE_CACHE)
    feed = feed_of(user, principal_for(user))
    key = ("personal", feed.filename, user.id)
    return _feed_response(key, feed, validator, PRIVATE_CACHE, today)


def _public(thing, can_view: Callable):
    if thing is None or not can_view(ANONYMOUS, thing):
        abort(404)
    return thing


def _public_feed(mechanism_id: int, kind: str, key: str | int, feed: Feed) -> Response:
    today = utcnow().date()
    validator = loading.public_validator(mechanism_id, kind, str(key), _base_url(), today)
    if _not_modified(validator):
        return _not_modified_response(validator, PUBLIC_CACHE)
    return _feed_response(("public", kind, key), feed, validator, PUBLIC_CACHE, today)


def _base_url() -> str:
    """The start of the links in a feed: part of what its validator covers (with no
    PUBLIC_BASE_URL, the request's host and mount point: see mail/urls.py)."""
    return current_app.config.get("PUBLIC_BASE_URL") or request.url_root


def _meeting_url(meeting_id: int) -> str:
    return absolute_url("schedule.meeting_detail", meeting_id=meeting_id)


def _action_url(action_id: int) -> str:
    return absolute_url("actions.detail", action_id=action_id)


def _host() -> str:
    """The site's host, in the UIDs of actions' deadlines (see actions/calendar.py)."""
    return (urlsplit(_base_url()).hostname or "localhost").lower()


def _not_modified(validator: loading.Validator) -> bool:
    """If-None-Match decides when sent; else If-Modified-Since, to the second."""
    if request.if_none_match:
        return request.if_none_match.contains_weak(validator.etag)
    since = request.if_modified_since
    return since is not None and since >= validator.last_modified.replace(microsecond=0)


def _not_modified_response(validator: loading.Validator, cache: str) -> Response:
    return _with_validator(Response(status=304), validator, cache)


def _feed_response(
    key: tuple, feed: Feed, validator: loading.Validator, cache: str, today: date
) -> Response:
    """The feed's bytes, as kept under its validator or rendered now (and kept)."""
    kept = rendered_feeds()
    body = kept.get(key, validator.etag)
    if body is None:
        body = _render(feed, today)
        kept.put(key, validator.etag, body)
    response = Response(body, content_type=CONTENT_TYPE)
    response.headers["Content-Disposition"] = f'inline; filename="{feed.filename}"'
    return _with_validator(response, validator, cache)


def _render(feed: Feed, today: date) -> bytes:
    meetings, actions = [], []
    if feed.scope is not None:
        cutoff = cancellation_cutoff(today)
        meetings = loading.feed_meetings(feed.scope, feed.viewer, cutoff, _meeting_url)
    if feed.actions is not None:
        actions = feed_actions(feed.actions, feed.viewer, today, _host(), _action_url)
    return calendar(meetings, feed.name, feed.zone, actions)


def _with_validator(response: Response, validator: loading.Validator, cache: str) -> Response:
    response.set_etag(validator.etag)
    response.last_modified = validator.last_modified
    response.headers["Cache-Control"] = cache
    return response

"""Pages: follow bodies and meetings, the secret address of one's own calendar, and the
links every page offers to put a mechanism, body or meeting into a calendar app."""

from dataclasses import dataclass

from flask import (
    Blueprint,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from meetings.access.guards import current_principal, require, visible_or_404
from meetings.access.policies import can_view_body, can_view_mechanism, can_view_meeting
from meetings.access.principal import ANONYMOUS
from meetings.accounts.models import User
from meetings.bodies.models import Body
from meetings.bodies.services import get_body
from meetings.calendars import links, subscriptions
from meetings.calendars.following import followed
from meetings.calendars.forms import FeedAddressForm
from meetings.core.forms_flow import save_form
from meetings.core.redirects import local_path
from meetings.extensions import db
from meetings.mail.urls import absolute_url
from meetings.mechanisms.models import Mechanism
from meetings.schedule.lookup import visible_meeting
from meetings.schedule.models import Meeting

bp = Blueprint("subscriptions", __name__)

FEEDS = {
    "mechanism": "calendars.mechanism_feed",
    "body": "calendars.body_feed",
    "meeting": "calendars.meeting_feed",
    "personal": "calendars.personal_feed",
}


# The person's own calendar.


def _me() -> User:
    require(current_user.is_authenticated, "Sign in to follow meetings in your own calendar.")
    return current_user._get_current_object()


@bp.route("/account/calendar", methods=["GET", "POST"])
def my_calendar():
    user = _me()
    form = FeedAddressForm()
    done = save_form(form, lambda values: _change_address(user, values["action"]))
    if done == "stopped":
        flash("Your calendar address is stopped: calendars using it get nothing more.", "success")
        return redirect(url_for(".my_calendar"))
    page = render_template(
        "calendars/my_calendar.html",
        form=form,
        token=subscriptions.feed_token_of(user),
        followed=followed(user, current_principal()),
        address=_personal_address(done) if done else None,
    )
    response = make_response(page)
    # The new address is in this page only: no cache may keep it.
    response.headers["Cache-Control"] = "no-store"
    return response


def _change_address(user: User, action: str) -> str:
    """The new secret, or "stopped"."""
    if action == "stop":
        subscriptions.revoke_feed_token(user)
        return "stopped"
    return subscriptions.renew_feed_token(user)


@dataclass(frozen=True)
class FeedAddress:
    https: str
    webcal: str


def _personal_address(secret: str) -> FeedAddress:
    https = feed_url("personal", secret=secret)
    return FeedAddress(https, links.webcal_url(https))


# Following bodies and meetings.


@bp.post("/bodies/<slug>/follow")
def follow_body(slug: str):
    user, body = _me(), visible_or_404(get_body(slug), can_view_body)
    done = f"You follow {body.name}: its meetings are in your calendar."
    return _set_following(user, body, True, done, url_for("bodies.detail", slug=body.slug))


@bp.post("/bodies/<slug>/unfollow")
def unfollow_body(slug: str):
    user, body = _me(), visible_or_404(get_body(slug), can_view_body)
    done = f"You no longer follow {body.name}."
    return _set_following(user, body, False, done, url_for("bodies.detail", slug=body.slug))


@bp.post("/meetings/<int:meeting_id>/follow")
def follow_meeting(meeting_id: int):
    user, meeting = _me(), visible_meeting(meeting_id)
    done = f"You follow {meeting.title}: it is in your calendar."
    page = url_for("schedule.meeting_detail", meeting_id=meeting.id)
    return _set_following(user, meeting, True, done, page)


@bp.post("/meetings/<int:meeting_id>/unfollow")
def unfollow_meeting(meeting_id: int):
    user, meeting = _me(), visible_meeting(meeting_id)
    done = f"You no longer follow {meeting.title}."
    page = url_for("schedule.meeting_detail", meeting_id=meeting.id)
    return _set_following(user, meeting, False, done, page)


def _set_following(user, target, following: bool, done: str, page: str):
    """Follow or stop following, commit, say so, and go back to the page."""
    (subscriptions.follow if following else subscriptions.unfollow)(user, target)
    db.session.commit()
    flash(done, "success")
    return _back(page)


def _back(default: str):
    """Back to the page the button was on: `next` when it is a path on this site."""
    return redirect(local_path(request.form.get("next"), default))


# What pages ask, through Jinja globals.


def feed_url(kind: str, **values) -> str:
    """The https address of a feed, under PUBLIC_BASE_URL when set."""
    return absolute_url(FEEDS[kind], **values)


@dataclass(frozen=True)
class CalendarLinks:
    """What a page offers for one mechanism, body or meeting."""

    kind: str  # mechanism | body | meeting
    is_public: bool  # only public things have a public feed
    feed: str = ""
    webcal: str = ""
    google: str = ""
    outlook: str = ""
    follow: str = ""  # the follow and unfollow addresses (bodies and meetings)
    unfollow: str = ""
    sign_in: str = ""  # to come back here signed in, and follow


@bp.app_template_global()
def calendar_links(thing: Mechanism | Body | Meeting) -> CalendarLinks:
    kind, is_public, values = _describe(thing)
    follow = {}
    if kind != "mechanism":
        follow = {
            "follow": url_for(f"subscriptions.follow_{kind}", **values),
            "unfollow": url_for(f"subscriptions.unfollow_{kind}", **values),
            "sign_in": url_for("accounts.sign_in", next=request.path),
        }
    if not is_public:
        return CalendarLinks(kind, False, **follow)
    feed = feed_url(kind, **values)
    add = {}
    if kind == "meeting":
        event = links.meeting_event(thing, absolute_url("schedule.meeting_detail", **values))
        if event is not None:
            add = {"google": links.google_url(event), "outlook": links.outlook_url(event)}
    return CalendarLinks(kind, True, feed, links.webcal_url(feed), **add, **follow)


def _describe(thing) -> tuple[str, bool, dict]:
    """The thing's kind, whether the public may see it, and the values its URLs take."""
    if isinstance(thing, Mechanism):
        return "mechanism", can_view_mechanism(ANONYMOUS, thing), {"slug": thing.slug}
    if isinstance(thing, Body):
        return "body", can_view_body(ANONYMOUS, thing), {"slug": thing.slug}
    return "meeting", can_view_meeting(ANONYMOUS, thing), {"meeting_id": thing.id}


@bp.app_template_global()
def is_following(thing: Body | Meeting) -> bool:
    """Whether the signed-in reader follows the body or meeting (one statement)."""
    if not current_user.is_authenticated:
        return False
    return subscriptions.is_following(current_user, thing)

"""Every route, for every role, against public and restricted things, answers as expected.

The routes come from the app's URL map: a route with no expectation here fails the test, so
no new page or API call can slip in unprotected. Each role asks with its session cookie
(pages) and its read-write token (API); POSTs carry no form data (CSRF is off in tests), so
an allowed POST shows the form's errors or does its harmless default.

The world is built once per backend and kept while requests leave it as it was: a refused
request changes nothing (that is part of what is tested), and an allowed write rebuilds it.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_migrate import upgrade

from meetings.accounts.models import ApiToken
from meetings.accounts.tokens import create_token
from meetings.actions.attachments import post_progress
from meetings.actions.services import create_action
from meetings.core.models import utcnow
from meetings.documents.services import Upload, create_document
from meetings.extensions import db
from meetings.mechanisms.services import save_programme_area
from meetings.notifications import unsubscribe
from meetings.notifications.models import Notification, NotificationStatus
from meetings.participants.services import add_participant
from meetings.registrations.models import ImportStatus, ParticipantImport
from meetings.registrations.services import register, save_settings
from meetings.themes.models import Theme
from tests import factories
from tests.conftest import _empty_tables, _migrated, backends, make_app, sign_in
from tests.documents import samples

THEME = "air-pollution"
ROLES = ["anonymous", "delegate", "nfp", "manager", "secretariat", "other_secretariat", "admin"]
EVERYONE = set(ROLES)


@dataclass
class Thing:
    """The chain of records a URL names, and who may see and manage its last link."""

    objects: dict
    sees: set[str]
    manages: set[str]


@dataclass
class World:
    things: dict[tuple[str, str], Thing] = field(default_factory=dict)
    users: dict = field(default_factory=dict)
    tokens: dict = field(default_factory=dict)


def build_world() -> World:
    """M (public, body B with public meeting P and restricted meeting R), N (members only)."""
    m = factories.mechanism(slug="m", short_name="M", member_states="CN JP KR")
    n = factories.mechanism(slug="n", short_name="N", visibility="members")
    b = factories.body(m, slug="b", short_name="B")
    rb = factories.body(m, slug="rb", short_name="RB", visibility="secretariat")
    nb = factories.body(n, slug="nb", short_name="NB")
    p = factories.meeting(b, number=1, title="P")
    r = factories.meeting(b, number=2, title="R", visibility="secretariat")
    factories.meeting(rb, number=1, title="RB-1")
    p_session = factories.session(p, title="Open session")
    p_closed = factories.session(p, title="Closed session", visibility="secretariat")
    r_session = factories.session(r, title="R session")
    m_area = save_programme_area(m, None, code="1", name="Air")
    n_area = save_programme_area(n, None, code="1", name="Sea")
    db.session.add(Theme(slug=THEME, name="Air pollution", keywords="air", areas=[m_area, n_area]))
    db.session.commit()
    w = World()
    w.users = {
        "anonymous": None,
        "delegate": factories.delegate_of(m),
        "nfp": factories.nfp_of(m, "JP"),
        "manager": factories.manager_of(b),
        "secretariat": factories.secretariat_of(m),
        "other_secretariat": factories.secretariat_of(n),
        "admin": factories.admin(),
    }
    factories.user(email="guest@example.org")
    p_part, r_part = (add_participant(x, "guest@example.org") for x in (p, r))
    for role, user in w.users.items():
        if user is not None:
            w.tokens[role] = create_token(user, "matrix", "read_write")[1]
    db.session.commit()
    m_staff, b_staff = {"secretariat", "admin"}, {"manager", "secretariat", "admin"}
    n_staff = {"other_secretariat", "admin"}
    mech = {"mechanism": m, "area": m_area, "body": b}
    w.things = {
        ("mechanism", "public"): Thing(mech, EVERYONE, m_staff),
        ("mechanism", "restricted"): Thing(
            {"mechanism": n, "area": n_area, "body": nb}, n_staff, n_staff
        ),
        ("body", "public"): Thing(mech, EVERYONE, b_staff),
        ("body", "restricted"): Thing({**mech, "body": rb}, m_staff, m_staff),
        ("meeting", "public"): Thing(
            {**mech, "meeting": p, "participant": p_part}, EVERYONE, b_staff
        ),
        ("meeting", "restricted"): Thing(
            {**mech, "meeting": r, "participant": r_part}, b_staff, b_staff
        ),
        ("session", "public"): Thing(
            {**mech, "meeting": p, "session": p_session}, EVERYONE, b_staff
        ),
        ("session", "restricted"): Thing(
            {**mech, "meeting": p, "session": p_closed}, b_staff, b_staff
        ),
    }
    w.things[("session", "restricted-meeting")] = Thing(
        {**mech, "meeting": r, "session": r_session}, b_staff, b_staff
    )
    nfp = w.users["nfp"]
    # The NFP of M, as a person on the people pages: M's secretariat and admins see them.
    person = {"person": nfp, "role": nfp.roles[0]}
    w.things[("person", "-")] = Thing(person, m_staff, m_staff)
    token = db.session.scalars(
        sa.select(ApiToken).where(ApiToken.user_id == w.users["delegate"].id)
    )
    w.things[("token", "-")] = Thing({"token": token.one()}, {"delegate"}, {"delegate"})
    _add_registrations(w, b_staff)
    _add_notifications(w)
    _add_imports(w)
    _add_documents(w, mech, p, r, p_closed, b_staff)
    _add_actions(w, mech, p, rb, m_staff, b_staff)
    return w


def _add_actions(w: World, mech: dict, p, rb, m_staff: set[str], b_staff: set[str]) -> None:
    """An action of B decided at P and led by Japan (the NFP reports on it), with a progress
    update and its attachment; one of the restricted body RB."""
    rb_meeting = rb.meetings[0]
    cases = {
        "public": (p, {"lead_kind": "member_state", "lead_country": "JP"}, EVERYONE, b_staff),
        "restricted": (rb_meeting, {}, m_staff, m_staff),
    }
    image = samples.png()
    for variant, (meeting, fields, sees, manages) in cases.items():
        action = create_action(
            meeting.body, title=f"Action {variant}", meeting_id=meeting.id, **fields
        )
        update = post_progress(action, None, "Started", uploads=[Upload("map.png", image)])
        objects = {
            **mech,
            "body": meeting.body,
            "meeting": meeting,
            "action": action,
            "attachment": update.attachments[0],
        }
        w.things[("action", variant)] = Thing(objects, sees, manages)
    db.session.commit()


def _add_documents(w: World, mech: dict, p, r, p_closed, b_staff: set[str]) -> None:
    """An issued document of P (everyone), a draft (staff), a closed session's document and
    one of the restricted meeting R (those who see them), each with a file (an image: no
    text to read). P and R keep their documents: deleting them is refused (409)."""
    cases = {
        "public": (p, {"status": "issued"}, EVERYONE),
        "restricted": (p, {"status": "draft"}, b_staff),
        "closed-session": (p, {"status": "issued", "session_id": p_closed.id}, b_staff),
        "restricted-meeting": (r, {"status": "issued"}, b_staff),
    }
    image = samples.png()
    for variant, (meeting, fields, sees) in cases.items():
        doc = create_document(
            meeting.body,
            type="information",
            title=f"Document {variant}",
            meeting_id=meeting.id,
            upload=Upload("map.png", image, "en"),
            **fields,
        )
        objects = {**mech, "meeting": meeting, "document": doc, "file": doc.files[0]}
        w.things[("document", variant)] = Thing(objects, sees, b_staff)
    db.session.commit()


def _add_registrations(w: World, b_staff: set[str]) -> None:
    """The delegate's pending registration for P and for R; theirs to cancel, as staff's."""
    delegate = w.users["delegate"]
    for variant in ("public", "restricted"):
        meeting = w.things[("meeting", variant)].objects["meeting"]
        now = utcnow()
        window = {"opens_at": now - timedelta(days=1), "closes_at": now + timedelta(days=30)}
        save_settings(meeting, **window, categories=["observer"], needs_approval=True)
        new = register(
            meeting,
            "secretariat",
            user=delegate,
            name="D",
            email=delegate.email,
            category="observer",
        )
        w.things[("meeting", variant)].objects["registration"] = new.registration
    db.session.commit()
    mine = w.things[("meeting", "public")].objects["registration"]
    w.things[("registration", "-")] = Thing(
        {"registration": mine}, {"delegate"} | b_staff, {"delegate"} | b_staff
    )


def _add_notifications(w: World) -> None:
    """A notification for P and for R, turned off by the delegate: nothing to send again."""
    for variant in ("public", "restricted"):
        objects = w.things[("meeting", variant)].objects
        notification = Notification(
            key=f"matrix:{variant}",
            kind="registration_status",
            recipient=w.users["delegate"].email,
            meeting_id=objects["meeting"].id,
            registration_id=objects["registration"].id,
            status=NotificationStatus.SKIPPED,
            reason="Turned off by the recipient.",
        )
        db.session.add(notification)
        objects["notification"] = notification
    db.session.commit()


def _add_imports(w: World) -> None:
    """A checked participants upload for P and for R, by M's secretariat: theirs alone."""
    for variant in ("public", "restricted"):
        objects = w.things[("meeting", variant)].objects
        job = ParticipantImport(
            meeting_id=objects["meeting"].id,
            user_id=w.users["secretariat"].id,
            filename="people.csv",
            rows=[{"name": "I", "email": f"import-{variant}@example.org", "category": "observer"}],
            status=ImportStatus.CHECKED,
            results=[{"number": 2, "errors": {}, "status": "pending"}],
        )
        db.session.add(job)
        objects["job"] = job
    db.session.commit()


@dataclass(frozen=True)
class Expect:
    """What a route does: `kind` of check, the thing it names, the status when allowed."""

    kind: str  # open | signed_in | admin | view | follow | manage | own | people
    target: str | None = None  # mechanism | body | meeting | session | person | token
    ok: int = 200
    allowed: frozenset[str] = frozenset()  # who may, when not the target's managers


ACTION_REPORTERS = frozenset({"nfp", "manager", "secretariat", "admin"})
PAGE_FORM = {"GET": Expect("manage", ok=200), "POST": Expect("manage", ok=200)}


def _form(target: str) -> dict[str, Expect]:
    return {m: Expect(e.kind, target, e.ok) for m, e in PAGE_FORM.items()}


EXPECTATIONS: dict[str, dict[str, Expect]] = {
    "static": {},  # files of the stylesheet and scripts, public by nature
    "api-docs.openapi_json": {"GET": Expect("open")},
    "schedule.home": {"GET": Expect("open")},
    "schedule.meeting_list": {"GET": Expect("open")},
    "mechanisms.index": {"GET": Expect("open")},
    "core.set_timezone": {"POST": Expect("open", ok=302)},
    "mechanisms.detail": {"GET": Expect("view", "mechanism")},
    "bodies.detail": {"GET": Expect("view", "body")},
    "schedule.meeting_detail": {"GET": Expect("view", "meeting")},
    "mechanisms.new": {"GET": Expect("admin"), "POST": Expect("admin")},
    "mechanisms.edit": _form("mechanism"),
    "mechanisms.area_new": _form("mechanism"),
    "mechanisms.area_edit": _form("mechanism"),
    "bodies.new": _form("mechanism"),
    "bodies.edit": _form("body"),
    "schedule.meeting_new": _form("body"),
    "schedule.meeting_schedule_next": _form("body"),
    "schedule.meeting_edit": _form("meeting"),
    "schedule.meeting_delete": {
        "GET": Expect("manage", "meeting"),
        "POST": Expect("manage", "meeting", ok=302),
    },
    "schedule.session_new": _form("meeting"),
    "schedule.session_edit": _form("session"),
    "schedule.session_delete": {"POST": Expect("manage", "session", ok=302)},
    "mechanisms_api.list_all": {"GET": Expect("open")},
    "mechanisms_api.read": {"GET": Expect("view", "mechanism")},
    "bodies_api.list_all": {"GET": Expect("open")},
    "bodies_api.read": {"GET": Expect("view", "body")},
    "meetings_api.list_all": {"GET": Expect("open")},
    "meetings_api.read": {"GET": Expect("view", "meeting")},
    # Clashes name the people expected at both meetings: for the body's staff, who plan it.
    "planning_api.clashes": {"GET": Expect("manage", "meeting")},
    # The planning calendar: for everyone, of the bodies they may see.
    "planning.index": {"GET": Expect("open")},
    "planning.year": {"GET": Expect("open")},
    "planning.month": {"GET": Expect("open")},
    "planning_api.projection": {"GET": Expect("open")},
    "planning_api.calendar": {"GET": Expect("open")},
    # Themes: the vocabulary is public; what a theme lists is what the reader may see.
    # Health and readiness: for load balancers, saying only which part is wrong.
    "health.livez": {"GET": Expect("open")},
    "health.healthz": {"GET": Expect("open")},
    "health.readyz": {"GET": Expect("open")},
    "themes.index": {"GET": Expect("open")},
    "themes.detail": {"GET": Expect("open")},
    "themes_api.list_all": {"GET": Expect("open")},
    "themes_api.read": {"GET": Expect("open")},
    # Accounts: signing in and the links sent by email are for everyone.
    "accounts.sign_in": {"GET": Expect("open"), "POST": Expect("open")},
    "accounts.forgot_password": {"GET": Expect("open"), "POST": Expect("open")},
    "accounts.sign_out": {"POST": Expect("open", ok=302)},
    "accounts.reset_password": {"GET": Expect("open", ok=302)},
    "accounts.accept_invitation": {"GET": Expect("open", ok=302)},
    # Without a link in the session these pages say the link is missing.
    "accounts.reset_password_form": {"GET": Expect("open", ok=400), "POST": Expect("open", ok=400)},
    "accounts.invitation_form": {"GET": Expect("open", ok=400), "POST": Expect("open", ok=400)},
    "accounts.profile": {"GET": Expect("signed_in")},
    "accounts.change_password": {"GET": Expect("signed_in"), "POST": Expect("signed_in")},
    "accounts.tokens": {"GET": Expect("signed_in"), "POST": Expect("signed_in")},
    "accounts.revoke_token": {"POST": Expect("own", "token", ok=302)},
    "accounts.users": {"GET": Expect("people")},
    "accounts.invite": {"GET": Expect("people"), "POST": Expect("people")},
    "accounts.user_detail": {"GET": Expect("people", "person")},
    "accounts.grant_role": {"POST": Expect("people", "person")},
    "accounts.revoke_role": {"POST": Expect("people", "person", ok=302)},
    # Audit log: a mechanism's secretariat reads its log; administrators read everything.
    "audit.mechanism_log": {"GET": Expect("manage", "mechanism")},
    "audit.site_log": {"GET": Expect("admin")},
    # Registration: the body's staff set it up and handle each registration; whoever sees the
    # meeting reaches its public form (in this world it takes nominations only, and says so);
    # the mechanism's NFPs nominate; people cancel their own registration (others: 404).
    # A POST without data keeps the settings the world has: saved again, back to the list.
    "registrations.settings": {
        "GET": Expect("manage", "meeting"),
        "POST": Expect("manage", "meeting", ok=302),
    },
    "registrations.manage": {"GET": Expect("manage", "meeting")},
    "registrations.approve": {"POST": Expect("manage", "meeting", ok=302)},
    "registrations.decline": {"POST": Expect("manage", "meeting", ok=302)},
    "registrations.move_up": {"POST": Expect("manage", "meeting", ok=302)},
    "registrations.attendance": {"POST": Expect("manage", "meeting", ok=302)},
    "registrations.register": {"GET": Expect("view", "meeting"), "POST": Expect("view", "meeting")},
    "registrations.confirm": {"GET": Expect("open", ok=404), "POST": Expect("open", ok=404)},
    "registrations.nominate": {
        m: Expect("manage", "meeting", allowed=frozenset({"nfp"})) for m in ("GET", "POST")
    },
    "registrations.mine": {"GET": Expect("signed_in")},
    "registrations.cancel": {"POST": Expect("own", "registration", ok=302)},
    # Following a body or meeting, and one's own calendar address: signed-in people, for
    # what they may see; the follow buttons send them back to the page.
    "subscriptions.my_calendar": {"GET": Expect("signed_in"), "POST": Expect("signed_in")},
    "subscriptions.follow_body": {"POST": Expect("follow", "body", ok=302)},
    "subscriptions.unfollow_body": {"POST": Expect("follow", "body", ok=302)},
    "subscriptions.follow_meeting": {"POST": Expect("follow", "meeting", ok=302)},
    "subscriptions.unfollow_meeting": {"POST": Expect("follow", "meeting", ok=302)},
    "audit_api.list_all": {"GET": Expect("admin")},
    "participants.meeting_participants": _form("meeting"),
    "participants.remove": {"POST": Expect("manage", "meeting", ok=302)},
    # The list of participants and its exports: the body's staff see every entry, the
    # mechanism's NFPs their delegation's (the delegate's registration is only pending);
    # badges and the bulk import are the staff's. Committing without an upload goes back.
    "participant_lists.show": {
        "GET": Expect(
            "manage", "meeting", allowed=frozenset({"nfp", "manager", "secretariat", "admin"})
        )
    },
    "participant_lists.export": {
        "GET": Expect(
            "manage", "meeting", allowed=frozenset({"nfp", "manager", "secretariat", "admin"})
        )
    },
    "participant_lists.badges": {"GET": Expect("manage", "meeting")},
    "participant_lists.import_upload": _form("meeting"),
    # An upload (its rows are personal data) is its uploader's, M's secretariat here.
    "participant_lists.import_job": {"GET": Expect("uploader", "meeting")},
    "participant_lists.import_commit": {"POST": Expect("uploader", "meeting", ok=302)},
    # The write API, called with an empty JSON object: an allowed call gets as far as
    # validating it (422), an empty PATCH changes nothing (200), a delete is done (204) or
    # refused while the thing still has children (409: every mechanism and body here has).
    "mechanisms_api.create": {"POST": Expect("admin", ok=422)},
    "mechanisms_api.update": {"PATCH": Expect("manage", "mechanism")},
    "mechanisms_api.delete": {"DELETE": Expect("admin", "mechanism", ok=409)},
    "mechanisms_api.create_area": {"POST": Expect("manage", "mechanism", ok=422)},
    "mechanisms_api.read_area": {"GET": Expect("view", "mechanism")},
    "mechanisms_api.update_area": {"PATCH": Expect("manage", "mechanism")},
    # These name their parent in the body: without one, every signed-in caller gets a 422.
    "bodies_api.create": {"POST": Expect("signed_in", ok=422)},
    "meetings_api.create": {"POST": Expect("signed_in", ok=422)},
    "bodies_api.update": {"PATCH": Expect("manage", "body")},
    "bodies_api.delete": {
        "DELETE": Expect("manage", "body", ok=409, allowed=frozenset({"secretariat", "admin"}))
    },
    "meetings_api.update": {"PATCH": Expect("manage", "meeting")},
    # Both meetings hold documents: deleting them is refused until those are moved (409).
    "meetings_api.delete": {"DELETE": Expect("manage", "meeting", ok=409)},
    "meetings_api.create_session": {"POST": Expect("manage", "meeting", ok=422)},
    "sessions_api.read": {"GET": Expect("view", "session")},
    "sessions_api.update": {"PATCH": Expect("manage", "session")},
    "sessions_api.delete": {"DELETE": Expect("manage", "session", ok=204)},
    # Registration API: whoever sees the meeting reads its settings, the body's staff change
    # them; signed-in people list what is theirs; staff and the mechanism's NFPs register (P
    # is not open to the public); the person or the staff see and cancel one registration.
    "registrations_api.read_settings": {"GET": Expect("view", "meeting")},
    "registrations_api.update_settings": {"PUT": Expect("manage", "meeting", ok=422)},
    "registrations_api.list_registrations": {"GET": Expect("follow", "meeting")},
    "registrations_api.create_registration": {
        "POST": Expect(
            "manage",
            "meeting",
            ok=422,
            allowed=frozenset({"nfp", "manager", "secretariat", "admin"}),
        )
    },
    "registrations_api.read": {"GET": Expect("view", "registration")},
    "registrations_api.approve": {
        "POST": Expect(
            "manage", "registration", allowed=frozenset({"manager", "secretariat", "admin"})
        )
    },
    "registrations_api.decline": {
        "POST": Expect(
            "manage", "registration", allowed=frozenset({"manager", "secretariat", "admin"})
        )
    },
    "registrations_api.move_up": {
        "POST": Expect(
            "manage", "registration", ok=422, allowed=frozenset({"manager", "secretariat", "admin"})
        )
    },
    "registrations_api.attendance": {
        "POST": Expect(
            "manage", "registration", ok=422, allowed=frozenset({"manager", "secretariat", "admin"})
        )
    },
    "registrations_api.cancel": {"DELETE": Expect("manage", "registration", ok=204)},
    # Calendar feeds: public ones exist only for what everyone may see, whoever asks (cookies
    # are ignored); a made-up personal address is unknown to all.
    "calendars.mechanism_feed": {"GET": Expect("feed", "mechanism")},
    "calendars.body_feed": {"GET": Expect("feed", "body")},
    "calendars.meeting_feed": {"GET": Expect("feed", "meeting")},
    "calendars.personal_feed": {"GET": Expect("open", ok=404)},
    "calendars.personal_deadlines": {"GET": Expect("open", ok=404)},
    # Notifications: one's own email settings (a POST without data saves them as they are);
    # a meeting's log and "send again" for its staff (nothing failed here: back to the log);
    # the emailed unsubscribe link works for whoever holds it (its button turns the kind off,
    # RFC 8058's one click too); an invalid link is a 404 (tests/notifications).
    "notifications.preferences": {
        "GET": Expect("signed_in"),
        "POST": Expect("signed_in", ok=302),
    },
    "notifications.meeting_log": {"GET": Expect("manage", "meeting")},
    "notifications.retry": {"POST": Expect("manage", "meeting", ok=302)},
    "notifications.unsubscribe_page": {"GET": Expect("open"), "POST": Expect("open", ok=302)},
    "notifications.unsubscribe_one_click": {"POST": Expect("open")},
    "notifications_api.list_notifications": {"GET": Expect("manage", "meeting")},
    "notifications_api.read_preferences": {"GET": Expect("signed_in")},
    "notifications_api.update_preferences": {"PUT": Expect("signed_in")},
    # Documents: whoever sees a document reads and downloads it (drafts and a closed
    # session's documents: the body's staff); the body's staff add, change, adopt, upload
    # and delete. Forms posted empty show their errors; the delete is done.
    "documents.detail": {"GET": Expect("view", "document")},
    "documents.download": {"GET": Expect("view", "document")},
    "documents.body_index": {"GET": Expect("view", "body")},
    "documents.new_for_body": _form("body"),
    "documents.new_for_meeting": _form("meeting"),
    "documents.edit": _form("document"),
    "documents.upload": _form("document"),
    "documents.adopt": {  # posted empty: adopted where it was tabled (P has taken place)
        "GET": Expect("manage", "document"),
        "POST": Expect("manage", "document", ok=302),
    },
    "documents.delete": {
        "GET": Expect("manage", "document"),
        "POST": Expect("manage", "document", ok=302),
    },
    "documents_api.list_all": {"GET": Expect("open")},
    "documents_api.read": {"GET": Expect("view", "document")},
    "documents_api.download_file": {"GET": Expect("view", "document")},
    "documents_api.create": {"POST": Expect("signed_in", ok=422)},
    "documents_api.update": {"PATCH": Expect("manage", "document")},
    "documents_api.delete": {"DELETE": Expect("manage", "document", ok=204)},
    "documents_api.upload_file": {"POST": Expect("manage", "document", ok=422)},
    # Dashboards of follow-up actions and their exports: whoever sees the scope; counts
    # hold only the actions of bodies the reader may see (tests/actions).
    "action_dashboards.across": {"GET": Expect("open")},
    "action_dashboards.across_export": {"GET": Expect("open")},
    "action_dashboards.mechanism": {"GET": Expect("view", "mechanism")},
    "action_dashboards.mechanism_export": {"GET": Expect("view", "mechanism")},
    "action_dashboards.body": {"GET": Expect("view", "body")},
    "action_dashboards.body_export": {"GET": Expect("view", "body")},
    # Follow-up actions: whoever sees the body reads its actions and their files; the body's
    # staff create, change and review them; the lead (here the NFP of Japan) and the staff
    # report progress (posted empty: the form's errors, or a 422 naming the fields).
    "actions.body_index": {"GET": Expect("view", "body")},
    "actions.detail": {"GET": Expect("view", "action")},
    "actions.download": {"GET": Expect("view", "action")},
    "actions.new_for_body": _form("body"),
    "actions.new_for_meeting": _form("meeting"),
    "actions.new_for_document": _form("document"),
    "actions.edit": _form("action"),
    "actions.new_sub_action": _form("action"),
    "actions.progress": {"POST": Expect("manage", "action", ok=200, allowed=ACTION_REPORTERS)},
    "actions.review": {"POST": Expect("manage", "action", ok=200)},
    "actions_api.list_all": {"GET": Expect("open")},
    "actions_api.read": {"GET": Expect("view", "action")},
    "actions_api.download_attachment": {"GET": Expect("view", "action")},
    "actions_api.create": {"POST": Expect("signed_in", ok=422)},
    "actions_api.update": {"PATCH": Expect("manage", "action")},
    "actions_api.post_update": {
        "POST": Expect("manage", "action", ok=422, allowed=ACTION_REPORTERS)
    },
    "actions_api.record_review": {"POST": Expect("manage", "action", ok=422)},
    # Search: everyone, each seeing what they may (tests/search).
    "search.index": {"GET": Expect("open")},
    "search_api.search": {"GET": Expect("open")},
}


TIERED = {"mechanism", "body", "meeting", "session", "document", "action"}


def _routes(app: Flask) -> list[tuple[str, str, str]]:
    return sorted(
        (rule.endpoint, method, rule.rule)
        for rule in app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
    )


@pytest.fixture(scope="module", params=backends())
def app(request, database_urls, tmp_path_factory) -> Iterator[Flask]:
    """One app per backend for the whole matrix (the conftest's is rebuilt for every test)."""
    url = database_urls[request.param]
    folder = tmp_path_factory.mktemp(f"matrix-{request.param}")
    application = make_app(url, folder)
    application.config["MAIL_OUTBOX"] = str(folder / "outbox")
    with application.app_context():
        if url not in _migrated:
            upgrade()
            _migrated.add(url)
        _empty_tables()
        _worlds.clear()
        yield application
        db.session.remove()
        _empty_tables()
        _worlds.clear()
        db.engine.dispose()


_worlds: dict[str, World] = {}


def _fresh_world() -> World:
    """Empty the database and build the world again, as plain values the requests can name."""
    db.session.remove()
    _empty_tables()
    world = build_world()
    world.users = {role: _frozen(user) for role, user in world.users.items()}
    for thing in world.things.values():
        thing.objects = {name: _frozen(obj) for name, obj in thing.objects.items()}
    db.session.remove()
    return world


def _frozen(obj) -> SimpleNamespace | None:
    """What a URL or a sign-in takes from a record, kept after the session that loaded it."""
    if obj is None:
        return None
    values = {name: getattr(obj, name) for name in ("id", "slug", "filename") if hasattr(obj, name)}
    if hasattr(obj, "get_id"):
        user_id = obj.get_id()
        values["get_id"] = lambda: user_id
    return SimpleNamespace(**values)


def _world(app: Flask, rebuild: bool = False) -> World:
    key = app.config["SQLALCHEMY_DATABASE_URI"]
    if rebuild or key not in _worlds:
        _worlds[key] = _fresh_world()
    return _worlds[key]


def test_every_route_has_an_expectation(app):
    missing = [
        f"{method} {path} ({endpoint})"
        for endpoint, method, path in _routes(app)
        if endpoint != "static" and method not in EXPECTATIONS.get(endpoint, {})
    ]
    assert missing == []


def _cases(app: Flask):
    for endpoint, method, _ in _routes(app):
        expect = EXPECTATIONS.get(endpoint, {}).get(method)
        if expect is None:
            continue
        variants = ["public", "restricted"] if expect.target in TIERED else ["-"]
        if expect.target == "session":
            variants.append("restricted-meeting")
        if expect.target == "document":
            variants += ["closed-session", "restricted-meeting"]
        for variant in variants:
            yield endpoint, method, variant


def pytest_generate_tests(metafunc):
    if "route_case" in metafunc.fixturenames:
        from meetings import create_app

        app = create_app(
            {"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"}
        )
        cases = list(_cases(app))
        metafunc.parametrize("route_case", cases, ids=[" ".join(c) for c in cases])


ID_ARGUMENTS = {
    "mechanism_id": "mechanism",
    "body_id": "body",
    "area_id": "area",
    "user_id": "person",
}


def _url(app: Flask, endpoint: str, thing: Thing | None) -> str:
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    objs = thing.objects if thing else {}
    values = {}
    for name in rule.arguments:
        if name == "secret":
            values[name] = "not-a-secret-anyone-was-sent"
        elif name == "token":  # the guest's emailed unsubscribe link (signed with the app's key)
            values[name] = unsubscribe.token_for("guest@example.org", "registration_status")
        elif name == "fmt":  # an export's format
            values[name] = "csv"
        elif name == "filename":
            values[name] = (objs["file"] if "file" in objs else objs["attachment"]).filename
        elif name in ("year", "month"):  # the planning calendar's
            values[name] = 2026 if name == "year" else 9
        elif name == "slug" and endpoint.startswith("themes"):
            values[name] = THEME
        elif name == "slug":
            family = "mechanism" if "mechanism" in endpoint or endpoint == "bodies.new" else "body"
            values[name] = objs[family].slug
        elif name.endswith("_id"):
            key = ID_ARGUMENTS.get(name, name[: -len("_id")])
            values[name] = objs[key].id
    with app.test_request_context():
        from flask import url_for

        return url_for(endpoint, **values)


PEOPLE_MANAGERS = {"secretariat", "other_secretariat", "admin"}


def _expected(expect: Expect, role: str, thing: Thing | None, method: str, is_api: bool) -> int:
    """The status a role should get; API writes without a token are 401 whatever they name."""
    if expect.kind == "feed":
        return expect.ok if thing.sees == EVERYONE else 404
    anonymous = 401 if is_api else 302
    if expect.kind == "open":
        return expect.ok
    if role == "anonymous" and (
        expect.kind in ("signed_in", "own", "people", "admin", "follow")
        or (is_api and method != "GET")
    ):
        return anonymous
    if expect.kind == "signed_in":
        return expect.ok
    if expect.kind == "people" and role not in PEOPLE_MANAGERS:
        return 403
    if thing is not None and role not in thing.sees:
        return 404
    if expect.kind == "uploader" and role in thing.manages:
        return expect.ok if role == "secretariat" else 404
    allowed = {"admin"} if expect.kind == "admin" else thing.manages if thing else EVERYONE
    if expect.kind in ("view", "follow") or role in (expect.allowed or allowed):
        return expect.ok
    return anonymous if role == "anonymous" else 403


def _request(app: Flask, world: World, role: str, method: str, url: str):
    client = app.test_client()
    headers = {}
    if world.users[role] is not None:
        sign_in(client, world.users[role])
        headers["Authorization"] = f"Bearer {world.tokens[role]}"
    return client.open(url, method=method, headers=headers, json={} if "/api/" in url else None)


def test_route_answers_each_role_as_expected(app, route_case):
    endpoint, method, variant = route_case
    expect = EXPECTATIONS[endpoint][method]
    world, got, wanted = _world(app), {}, {}
    for role in ROLES:
        thing = world.things.get((expect.target, variant))
        url = _url(app, endpoint, thing)
        response = _request(app, world, role, method, url)
        got[role] = response.status_code
        wanted[role] = _expected(expect, role, thing, method, url.startswith("/api/"))
        db.session.remove()
        if method != "GET" and response.status_code < 400:
            world = _world(app, rebuild=True)  # the write may have changed or deleted the thing
    assert got == wanted

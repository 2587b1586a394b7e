"""The rules: who may see and who may change mechanisms, bodies, meetings and sessions.

Each of mechanism, body, meeting and session may set a visibility; every level set along
the chain is a gate the reader must pass (a public meeting of a restricted body stays
restricted). Staff of a thing pass its gates. The same rules exist twice, as Python for one
object and as SQL for lists, and tests check that both agree.
"""

import sqlalchemy as sa

from meetings.access.principal import Principal
from meetings.actions.models import Action, LeadKind
from meetings.bodies.models import Body
from meetings.core.visibility import Visibility
from meetings.documents.models import Document, DocumentStatus
from meetings.mechanisms.models import Mechanism
from meetings.registrations.models import Registration
from meetings.schedule.models import Meeting, Session

OPEN = (None, Visibility.PUBLIC)


def _mechanism_gate(p: Principal, level: Visibility | None, mechanism_id: int) -> bool:
    if level in OPEN or p.is_admin:
        return True
    if level is Visibility.MEMBERS:
        return p.is_member(mechanism_id)
    return p.is_secretariat(mechanism_id) or mechanism_id in p.manages_in


def _body_gate(p: Principal, level: Visibility | None, mechanism_id: int, body_id: int) -> bool:
    if level in OPEN or p.is_body_staff(mechanism_id, body_id):
        return True
    return level is Visibility.MEMBERS and p.is_member(mechanism_id)


def _meeting_gate(p: Principal, level: Visibility | None, meeting: Meeting) -> bool:
    if level is Visibility.PARTICIPANTS and meeting.id in p.participates_in:
        return True
    return _body_gate(p, level, meeting.body.mechanism_id, meeting.body_id)


def can_view_mechanism(p: Principal, mechanism: Mechanism) -> bool:
    return _mechanism_gate(p, mechanism.visibility, mechanism.id)


def can_view_body(p: Principal, body: Body) -> bool:
    return can_view_mechanism(p, body.mechanism) and _body_gate(
        p, body.visibility, body.mechanism_id, body.id
    )


def can_view_meeting(p: Principal, meeting: Meeting) -> bool:
    return can_view_body(p, meeting.body) and _meeting_gate(p, meeting.visibility, meeting)


def seen_wherever_body_is(meeting: Meeting, body: Body) -> bool:
    """Whether everyone who may see the body (of the same mechanism) may see the meeting:
    what a record of the body may name of the meeting (an action due by it) without telling
    anyone of a meeting hidden from them."""
    members_only = body.visibility not in OPEN or body.mechanism.visibility not in OPEN
    staff_only = body.visibility is Visibility.SECRETARIAT
    for level in (meeting.body.visibility, meeting.visibility):
        if level in OPEN:
            continue
        if level is Visibility.MEMBERS:
            if not members_only:
                return False
        elif not (staff_only and meeting.body_id == body.id):  # that body's staff only
            return False
    return True


def can_view_session(p: Principal, session: Session) -> bool:
    meeting = session.meeting
    return can_view_meeting(p, meeting) and _meeting_gate(p, session.visibility, meeting)


def can_view_document(p: Principal, document: Document) -> bool:
    """Every gate of its body, meeting and session, its own level; drafts to staff only."""
    body = document.body
    if document.deleted_at is not None:
        return False
    if document.meeting is not None:
        if not can_view_meeting(p, document.meeting):
            return False
        if document.session is not None and not can_view_session(p, document.session):
            return False
        if not _meeting_gate(p, document.visibility, document.meeting):
            return False
    elif not (
        can_view_body(p, body) and _body_gate(p, document.visibility, body.mechanism_id, body.id)
    ):
        return False
    return document.status is not DocumentStatus.DRAFT or p.is_body_staff(
        body.mechanism_id, body.id
    )


def can_manage_document(p: Principal, document: Document) -> bool:
    """Edit, upload to, adopt, supersede or delete: the body's staff."""
    return document.deleted_at is None and can_manage_body(p, document.body)


def can_view_action(p: Principal, action: Action) -> bool:
    """As its body: the actions of a body are followed by whoever may see the body."""
    return can_view_body(p, action.body)


def can_manage_action(p: Principal, action: Action) -> bool:
    """Create, change, review: the body's staff."""
    return can_manage_body(p, action.body)


def leads_action(p: Principal, action: Action) -> bool:
    """The person named as lead, or the NFP of the member state that leads it."""
    if action.lead_kind is LeadKind.PERSON:
        return p.is_authenticated and action.lead_user_id == p.user_id
    if action.lead_kind is LeadKind.MEMBER_STATE and action.lead_country:
        return (action.body.mechanism_id, action.lead_country) in p.nfp_of
    return False


def can_report_on_action(p: Principal, action: Action) -> bool:
    """Post progress: its lead, or the body's staff."""
    return can_view_action(p, action) and (leads_action(p, action) or can_manage_action(p, action))


def can_create_mechanism(p: Principal) -> bool:
    return p.is_admin


def can_manage_mechanism(p: Principal, mechanism_id: int) -> bool:
    """Edit the mechanism, its programme areas and bodies; read its audit log; invite."""
    return p.is_secretariat(mechanism_id)


def can_manage_body(p: Principal, body: Body) -> bool:
    """Edit the body, and create, edit and delete its meetings and their sessions."""
    return p.is_body_staff(body.mechanism_id, body.id)


# Personal data of registered people: email, job title, organisation and country.
# Shown to the person, the NFP of their delegation in the meeting's mechanism, that
# mechanism's secretariat and administrators; everyone else who may see a list of
# registrations (a body's managers, and the public where a list is public) sees the name,
# category and delegation (and, if staff, the status) only. Pages, the API and every export
# ask these functions; none of them reads the database.

PERSONAL_DATA_NOTE = (
    "Contact details (email, job title, organisation and country) are shown to the "
    "secretariat and National Focal Points only."
)


def is_own_registration(p: Principal, registration: Registration) -> bool:
    """The registration of the person asking: by their account, or their account's email."""
    if not p.is_authenticated:
        return False
    if registration.user_id is not None and registration.user_id == p.user_id:
        return True
    return bool(p.email) and registration.email == p.email.lower()


def is_nfp_of_registration(p: Principal, registration: Registration, meeting=None) -> bool:
    """The asker is the NFP, in the meeting's mechanism, of the registration's delegation."""
    country = registration.delegation_country
    if country is None:
        return False
    mechanism_id = (meeting or registration.meeting).body.mechanism_id
    return (mechanism_id, country) in p.nfp_of


def can_see_all_personal_data(p: Principal, meeting: Meeting) -> bool:
    """Sees the personal data of everyone registered for the meeting: its mechanism's
    secretariat and administrators."""
    return p.is_secretariat(meeting.body.mechanism_id)


def can_see_personal_data(
    p: Principal, registration: Registration, meeting: Meeting | None = None
) -> bool:
    """Sees this registration's email, job title, organisation and country. Pass the meeting
    when it is at hand (lists), else the registration's own is used."""
    meeting = meeting or registration.meeting
    return (
        can_see_all_personal_data(p, meeting)
        or is_own_registration(p, registration)
        or is_nfp_of_registration(p, registration, meeting)
    )


# The same gates as SQL, for lists. Each expects Mechanism, Body (and Meeting) to be joined.


def _in(column, ids) -> sa.ColumnElement[bool]:
    return column.in_(sorted(ids)) if ids else sa.false()


def _level(column, *levels: Visibility) -> sa.ColumnElement[bool]:
    return column.in_([v.value for v in levels])


def mechanism_visible(p: Principal) -> sa.ColumnElement[bool]:
    if p.is_admin:
        return sa.true()
    vis = Mechanism.visibility
    return sa.or_(
        vis.is_(None),
        _level(vis, Visibility.PUBLIC),
        sa.and_(_level(vis, Visibility.MEMBERS), _in(Mechanism.id, p.member_of)),
        sa.and_(
            _level(vis, Visibility.SECRETARIAT),
            _in(Mechanism.id, p.secretariat_of | p.manages_in),
        ),
    )


def _body_staff(p: Principal) -> sa.ColumnElement[bool]:
    return sa.or_(_in(Body.mechanism_id, p.secretariat_of), _in(Body.id, p.manages))


def _body_level_gate(p: Principal, vis) -> sa.ColumnElement[bool]:
    return sa.or_(
        vis.is_(None),
        _level(vis, Visibility.PUBLIC),
        _body_staff(p),
        sa.and_(_level(vis, Visibility.MEMBERS), _in(Body.mechanism_id, p.member_of)),
    )


def body_visible(p: Principal) -> sa.ColumnElement[bool]:
    if p.is_admin:
        return sa.true()
    return sa.and_(mechanism_visible(p), _body_level_gate(p, Body.visibility))


def _meeting_level_gate(p: Principal, vis) -> sa.ColumnElement[bool]:
    return sa.or_(
        _body_level_gate(p, vis),
        sa.and_(_level(vis, Visibility.PARTICIPANTS), _in(Meeting.id, p.participates_in)),
    )


def meeting_visible(p: Principal) -> sa.ColumnElement[bool]:
    if p.is_admin:
        return sa.true()
    return sa.and_(body_visible(p), _meeting_level_gate(p, Meeting.visibility))


def session_visible(p: Principal) -> sa.ColumnElement[bool]:
    """Expects Session joined to its Meeting, Body and Mechanism."""
    if p.is_admin:
        return sa.true()
    return sa.and_(meeting_visible(p), _meeting_level_gate(p, Session.visibility))


def document_visible(p: Principal) -> sa.ColumnElement[bool]:
    """Expects Document joined to its Body and Mechanism, and outer-joined to its Meeting
    (tabled at) and Session, so that a document without them passes their gates."""
    live = Document.deleted_at.is_(None)
    if p.is_admin:
        return live
    return sa.and_(
        live,
        body_visible(p),
        _meeting_level_gate(p, Meeting.visibility),
        _meeting_level_gate(p, Session.visibility),
        _meeting_level_gate(p, Document.visibility),
        sa.or_(Document.status != DocumentStatus.DRAFT.value, _body_staff(p)),
    )

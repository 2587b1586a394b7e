"""Find people by name, only where the viewer may already see that name, and say where.

A person is found by the words of a name shown to the viewer somewhere in the site, and
nowhere else; a result gives that name and the places that show it, never an email address
or other contact details:
- a confirmed registration, on the meeting's list of participants: to the staff of the
  meeting's body, the National Focal Point of the person's delegation, and the person
  (`participants_list.audience_for`, as SQL);
- an account's name:
  - as the lead of a follow-up action, to whoever may see the action (`Action.lead_label`);
  - as a participant of a meeting, to the staff of its body (the meeting's participants);
  - in the list of people, to administrators (everyone) and a mechanism's secretariat
    (those holding roles in it: `accounts.permissions`).

Anonymous readers thus find only the leads of the actions they may see. People are found by
words alone: a filter (mechanism, body, year, document type...) leaves them out.
"""

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from meetings.access.policies import body_visible, meeting_visible
from meetings.access.principal import Principal
from meetings.accounts.models import RoleAssignment, User
from meetings.accounts.permissions import can_see_people, visible_roles
from meetings.actions.models import Action, LeadKind
from meetings.bodies.models import Body
from meetings.core.countries import country_name
from meetings.extensions import db
from meetings.mechanisms.models import Mechanism
from meetings.participants.models import Participant
from meetings.registrations.models import Category, Registration, RegistrationStatus
from meetings.registrations.participants_list import role_label
from meetings.schedule.models import Meeting
from meetings.search.models import SearchEntry
from meetings.search.query import Results, SearchFilter, matching_entries

MAX_PLACES = 5  # of one kind, for one person; the rest are counted
NO_NAME = "No name given"


@dataclass(frozen=True)
class Place:
    """Where the viewer sees the person: a sentence and the page that shows them."""

    label: str
    endpoint: str
    values: dict = field(default_factory=dict, hash=False)


@dataclass
class Person:
    name: str
    places: list[Place] = field(default_factory=list)
    more: int = 0  # places left out of the list


def _staff_bodies(p: Principal) -> sa.ColumnElement[bool]:
    """Body is one the viewer manages (its mechanism's secretariat, or its manager)."""
    if p.is_admin:
        return sa.true()
    mechanisms, bodies = sorted(p.secretariat_of), sorted(p.manages)
    return sa.or_(
        Body.mechanism_id.in_(mechanisms) if mechanisms else sa.false(),
        Body.id.in_(bodies) if bodies else sa.false(),
    )


def _is_staff_anywhere(p: Principal) -> bool:
    return p.is_admin or bool(p.secretariat_of or p.manages)


def _own_registration(p: Principal) -> sa.ColumnElement[bool]:
    if not p.is_authenticated:
        return sa.false()
    own = Registration.user_id == p.user_id
    return sa.or_(own, Registration.email == p.email.lower()) if p.email else own


def _nfp_delegation(p: Principal) -> sa.ColumnElement[bool]:
    if not p.nfp_of:
        return sa.false()
    countries = [
        sa.and_(Body.mechanism_id == mechanism_id, Registration.delegation_country == country)
        for mechanism_id, country in sorted(p.nfp_of)
    ]
    return sa.and_(Registration.category == Category.DELEGATION.value, sa.or_(*countries))


def visible_registrations(p: Principal) -> sa.Select:
    """Ids of the confirmed registrations on lists of participants the viewer sees them on."""
    return (
        sa.select(Registration.id)
        .join(Meeting, Registration.meeting_id == Meeting.id)
        .join(Body, Meeting.body_id == Body.id)
        .join(Mechanism, Body.mechanism_id == Mechanism.id)
        .where(
            Registration.status == RegistrationStatus.CONFIRMED.value,
            meeting_visible(p),
            sa.or_(_staff_bodies(p), _nfp_delegation(p), _own_registration(p)),
        )
    )


def _leads(p: Principal) -> sa.Select:
    """Actions the viewer may see that a person leads (Body and Mechanism joined)."""
    return (
        sa.select(Action)
        .join(Body, Action.body_id == Body.id)
        .join(Mechanism, Body.mechanism_id == Mechanism.id)
        .where(Action.lead_kind == LeadKind.PERSON.value, body_visible(p))
    )


def _participations(p: Principal) -> sa.Select:
    """Participants of meetings whose body the viewer manages."""
    return (
        sa.select(Participant)
        .join(Meeting, Participant.meeting_id == Meeting.id)
        .join(Body, Meeting.body_id == Body.id)
        .join(Mechanism, Body.mechanism_id == Mechanism.id)
        .where(_staff_bodies(p), meeting_visible(p))
    )


def visible_users(p: Principal) -> sa.ColumnElement[bool]:
    """SearchEntry rows of the accounts whose name the viewer sees somewhere."""
    if p.is_admin:
        return SearchEntry.user_id.is_not(None)
    shown = [_leads(p).with_only_columns(Action.lead_user_id)]
    if p.secretariat_of:
        roles = sa.select(RoleAssignment.user_id)
        shown.append(roles.where(RoleAssignment.mechanism_id.in_(sorted(p.secretariat_of))))
    if _is_staff_anywhere(p):
        shown.append(_participations(p).with_only_columns(Participant.user_id))
    return SearchEntry.user_id.in_(sa.union(*shown) if len(shown) > 1 else shown[0])


def _by_name() -> sa.ColumnElement:
    """The entry's words (the name, folded) in code-point order, the same on both databases."""
    if db.engine.dialect.name == "postgresql":
        return sa.collate(SearchEntry.terms, "C")
    return SearchEntry.terms


def search_people(viewer: Principal, f: SearchFilter, page: int, per_page: int) -> Results:
    """People by the words of their name, by name; each with where the viewer sees them."""
    if f.has_filters or not f.words:
        return Results()
    stmt = sa.select(SearchEntry).where(
        matching_entries(f.words),
        sa.or_(
            SearchEntry.registration_id.in_(visible_registrations(viewer)),
            visible_users(viewer),
        ),
    )
    total = db.session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery())) or 0
    stmt = (
        stmt.options(
            selectinload(SearchEntry.registration).selectinload(Registration.meeting),
            selectinload(SearchEntry.user),
        )
        .order_by(_by_name(), SearchEntry.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    entries = list(db.session.scalars(stmt))
    users = [e.user for e in entries if e.user is not None]
    places = _account_places(viewer, users)
    return Results([_person(e, places) for e in entries], total)


def _person(entry: SearchEntry, places: dict[int, list[Place]]) -> Person:
    if entry.registration is not None:
        return Person(entry.registration.name, [_registration_place(entry.registration)])
    user = entry.user
    found = places.get(user.id, [])
    return Person(user.name or NO_NAME, found[:MAX_PLACES], max(len(found) - MAX_PLACES, 0))


def _registration_place(r: Registration) -> Place:
    where = country_name(r.delegation_country) if r.category is Category.DELEGATION else ""
    role = ", ".join(part for part in (where, role_label(r)) if part)
    return Place(
        f"{role}: list of participants of {r.meeting.title}",
        "participant_lists.show",
        {"meeting_id": r.meeting_id},
    )


def _account_places(p: Principal, users: list[User]) -> dict[int, list[Place]]:
    """Where each account's name is shown to the viewer, in a fixed number of statements."""
    if not users:
        return {}
    ids = sorted(u.id for u in users)
    places: dict[int, list[Place]] = {i: [] for i in ids}
    if can_see_people(p):
        for user in _with_roles(ids):
            roles = visible_roles(p, user)
            if p.is_admin or roles:  # accounts.permissions.can_see_person, roles loaded
                named = "; ".join(r.label for r in roles)
                label = f"Account ({named})" if named else "Account"
                places[user.id].append(Place(label, "accounts.user_detail", {"user_id": user.id}))
    leads = _leads(p).where(Action.lead_user_id.in_(ids)).order_by(Action.id)
    for action in db.session.scalars(leads):
        label = f"Leads the follow-up action “{action.title}”"
        places[action.lead_user_id].append(Place(label, "actions.detail", {"action_id": action.id}))
    if _is_staff_anywhere(p):
        taking_part = _participations(p).add_columns(Meeting.title)
        taking_part = taking_part.where(Participant.user_id.in_(ids)).order_by(Participant.id)
        for participant, title in db.session.execute(taking_part):
            places[participant.user_id].append(
                Place(
                    f"Participant of {title}",
                    "participants.meeting_participants",
                    {"meeting_id": participant.meeting_id},
                )
            )
    return places


def _with_roles(ids: list[int]) -> list[User]:
    stmt = sa.select(User).where(User.id.in_(ids)).order_by(User.id)
    stmt = stmt.options(
        selectinload(User.roles).options(
            selectinload(RoleAssignment.mechanism),
            selectinload(RoleAssignment.body).selectinload(Body.mechanism),
        )
    )
    return list(db.session.scalars(stmt))

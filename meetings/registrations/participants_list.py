"""The list of participants of a meeting: who may see which entries, and their grouping.

The conventional order: member-state delegations alphabetically by country name (head of
delegation first, then delegates, then advisers), then the other categories.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import sqlalchemy as sa

from meetings.access.policies import (
    can_manage_body,
    can_see_all_personal_data,
    can_see_personal_data,
)
from meetings.access.principal import Principal
from meetings.core.countries import country_name
from meetings.extensions import db
from meetings.registrations.models import (
    CATEGORY_LABELS,
    DELEGATION_ROLE_LABELS,
    Category,
    DelegationRole,
    Registration,
    RegistrationStatus,
)
from meetings.schedule.models import Meeting

OTHER_GROUPS = {
    Category.SECRETARIAT: "Secretariat",
    Category.INTERNATIONAL_ORGANISATION: "International organisations",
    Category.OBSERVER: "Observers",
    Category.NGO: "Non-governmental organisations",
    Category.PRIVATE_SECTOR: "Private sector",
    Category.RESOURCE_PERSON: "Resource persons",
    Category.MEDIA: "Media",
}
ROLE_ORDER = {DelegationRole.HEAD: 0, DelegationRole.DELEGATE: 1, DelegationRole.ADVISER: 2}
MEMBER_STATES, OTHERS = "Member States", "Other participants"


@dataclass(frozen=True)
class Audience:
    """Which entries of a meeting's list a principal may see."""

    everything: bool = False
    countries: frozenset[str] = frozenset()  # delegations of which they are the NFP
    user_id: int | None = None
    email: str = ""

    def sees(self, registration: Registration) -> bool:
        if self.everything:
            return True
        own = registration.user_id is not None and registration.user_id == self.user_id
        own = own or (bool(self.email) and registration.email == self.email.lower())
        delegation = registration.category is Category.DELEGATION
        return own or (delegation and registration.delegation_country in self.countries)


@dataclass(frozen=True)
class Group:
    section: str  # Member States | Other participants
    heading: str  # the country, or the category
    registrations: tuple[Registration, ...]


def audience_for(p: Principal, meeting: Meeting, registrations=()) -> Audience | None:
    """Staff see all; an NFP their delegation; a participant their own entry; else None."""
    if can_manage_body(p, meeting.body):
        return Audience(everything=True)
    mechanism_id = meeting.body.mechanism_id
    countries = frozenset(c for m, c in p.nfp_of if m == mechanism_id)
    audience = Audience(countries=countries, user_id=p.user_id, email=p.email)
    if countries or any(audience.sees(r) for r in registrations):
        return audience
    return None


# Whether the reader sees one entry's personal data (email, title, organisation, country).
ShowsPersonal = Callable[[Registration], bool]


def hides_all(registration: Registration) -> bool:
    """The rule for no one in particular: personal data hidden (the safe default)."""
    return False


def personal_data_rule(p: Principal, meeting: Meeting) -> ShowsPersonal:
    """policies.can_see_personal_data for one reader and one meeting's entries (no queries)."""
    if can_see_all_personal_data(p, meeting):
        return lambda registration: True
    return lambda registration: can_see_personal_data(p, registration, meeting)


def confirmed_registrations(meeting: Meeting) -> list[Registration]:
    stmt = sa.select(Registration).where(
        Registration.meeting_id == meeting.id,
        Registration.status == RegistrationStatus.CONFIRMED,
    )
    return list(db.session.scalars(stmt))


def _delegation_key(r: Registration) -> tuple:
    return (ROLE_ORDER.get(r.delegation_role, 1), r.name.casefold(), r.id or 0)


def _name_key(r: Registration) -> tuple:
    return (r.name.casefold(), r.id or 0)


def group_participants(registrations: Iterable[Registration]) -> list[Group]:
    """Build the list's groups in the conventional order (pure: no database access)."""
    delegations: dict[str, list[Registration]] = {}
    others: dict[Category, list[Registration]] = {}
    for r in registrations:
        if r.category is Category.DELEGATION:
            delegations.setdefault(r.delegation_country or "", []).append(r)
        else:
            others.setdefault(r.category, []).append(r)
    groups = [
        Group(MEMBER_STATES, country_name(code), tuple(sorted(members, key=_delegation_key)))
        for code, members in sorted(delegations.items(), key=lambda kv: country_name(kv[0]))
    ]
    groups += [
        Group(OTHERS, heading, tuple(sorted(others[category], key=_name_key)))
        for category, heading in OTHER_GROUPS.items()
        if category in others
    ]
    return groups


def visible_groups(meeting: Meeting, audience: Audience) -> list[Group]:
    return group_participants(r for r in confirmed_registrations(meeting) if audience.sees(r))


def role_label(r: Registration) -> str:
    if r.category is Category.DELEGATION:
        return DELEGATION_ROLE_LABELS.get(r.delegation_role, "")
    return CATEGORY_LABELS[r.category]


def affiliation(r: Registration, personal: bool = True) -> str:
    """What a badge shows under the name: the delegation, or else the organisation (personal
    data: empty when the reader may not see it)."""
    if r.category is Category.DELEGATION and r.delegation_country:
        return country_name(r.delegation_country)
    return r.organisation if personal else ""

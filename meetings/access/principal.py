"""The principal: who is asking, with their roles reduced to sets of ids, once per request."""

from dataclasses import dataclass, field

import sqlalchemy as sa

from meetings.accounts.models import Role, RoleAssignment, TokenScope, User
from meetings.extensions import db
from meetings.participants.models import Participant
from meetings.registrations.models import Registration, RegistrationStatus


@dataclass(frozen=True)
class Principal:
    """What access checks need to know about a person; the anonymous public is the default."""

    user_id: int | None = None
    email: str = ""
    is_admin: bool = False
    secretariat_of: frozenset[int] = frozenset()  # mechanism ids
    manages: frozenset[int] = frozenset()  # body ids
    # Mechanisms whose bodies they manage: they see those mechanisms' secretariat-only pages.
    manages_in: frozenset[int] = frozenset()
    member_of: frozenset[int] = frozenset()  # mechanisms in which they hold any role
    nfp_of: frozenset[tuple[int, str]] = frozenset()  # (mechanism id, country code)
    participates_in: frozenset[int] = frozenset()  # meeting ids
    # An API token may narrow what the person can do to reading.
    scope: TokenScope = TokenScope.READ_WRITE
    channel: str = "web"
    extra: dict = field(default_factory=dict, compare=False)

    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None

    @property
    def can_write(self) -> bool:
        return self.is_authenticated and self.scope is TokenScope.READ_WRITE

    def is_secretariat(self, mechanism_id: int) -> bool:
        return self.is_admin or mechanism_id in self.secretariat_of

    def is_body_staff(self, mechanism_id: int, body_id: int) -> bool:
        """Manages the body: its mechanism's secretariat, or its own manager."""
        return self.is_secretariat(mechanism_id) or body_id in self.manages

    def is_member(self, mechanism_id: int) -> bool:
        return self.is_admin or mechanism_id in self.member_of


ANONYMOUS = Principal()


def principal_for(
    user: User | None, scope: TokenScope = TokenScope.READ_WRITE, channel: str = "web"
) -> Principal:
    """Load a person's roles and participations in two statements."""
    if user is None:
        return Principal(channel=channel)
    roles = db.session.scalars(sa.select(RoleAssignment).where(RoleAssignment.user_id == user.id))
    roles = list(roles)
    listed = sa.select(Participant.meeting_id).where(Participant.user_id == user.id)
    registered = sa.select(Registration.meeting_id).where(
        Registration.user_id == user.id, Registration.status == RegistrationStatus.CONFIRMED
    )
    meetings = db.session.scalars(sa.union(listed, registered))

    def ids(role: Role, attr: str = "mechanism_id") -> frozenset:
        return frozenset(getattr(r, attr) for r in roles if r.role is role)

    return Principal(
        user_id=user.id,
        email=user.email,
        is_admin=any(r.role is Role.ADMIN for r in roles),
        secretariat_of=ids(Role.SECRETARIAT),
        manages=ids(Role.BODY_MANAGER, "body_id"),
        manages_in=ids(Role.BODY_MANAGER),
        member_of=frozenset(r.mechanism_id for r in roles if r.mechanism_id is not None),
        nfp_of=frozenset((r.mechanism_id, r.country_code) for r in roles if r.role is Role.NFP),
        participates_in=frozenset(meetings),
        scope=scope,
        channel=channel,
    )


# The application itself (numbering, seeding, staff-only choices): sees everything.
SYSTEM = Principal(is_admin=True, email="system", channel="system")

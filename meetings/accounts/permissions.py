"""Who may see people and give or take away roles: administrators everywhere, a
mechanism's secretariat within that mechanism (every role but administrator)."""

from meetings.access.principal import Principal
from meetings.accounts.models import Role, RoleAssignment, User

# What a secretariat may give within its own mechanisms.
SECRETARIAT_GRANTS = (Role.SECRETARIAT, Role.BODY_MANAGER, Role.NFP, Role.DELEGATE)


def can_see_people(p: Principal) -> bool:
    return p.is_admin or bool(p.secretariat_of)


def grantable_roles(p: Principal) -> tuple[Role, ...]:
    """The roles this principal may invite to or grant, in the order forms offer them."""
    if p.is_admin:
        return tuple(Role)
    return SECRETARIAT_GRANTS if p.secretariat_of else ()


def can_grant(p: Principal, role: Role | str, mechanism_id: int | None) -> bool:
    """May give this role; the mechanism is that of the role's scope (a body's mechanism)."""
    if p.is_admin:
        return True
    return role in SECRETARIAT_GRANTS and mechanism_id in p.secretariat_of


def can_revoke(p: Principal, assignment: RoleAssignment) -> bool:
    """As granting; an administrator may not drop their own administrator role."""
    if assignment.role is Role.ADMIN and assignment.user_id == p.user_id:
        return False
    return can_grant(p, assignment.role, assignment.mechanism_id)


def visible_roles(p: Principal, user: User) -> list[RoleAssignment]:
    """The roles of a person that this principal sees: all for an administrator."""
    if p.is_admin:
        return list(user.roles)
    return [r for r in user.roles if r.mechanism_id in p.secretariat_of]


def can_see_person(p: Principal, user: User) -> bool:
    return p.is_admin or bool(visible_roles(p, user))

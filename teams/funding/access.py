"""Who sees a person's money and hours: the team, the person, and the circle they choose."""

from families.access import PersonAccess, Role
from teams.funding.models import DEFAULT_SEEN_BY, Funding


def may_see_money(access: PersonAccess, funding: Funding | None) -> bool:
    """The person's choice per kind of circle member; without a plan yet, the default one."""
    if access.role in (Role.TEAM, Role.SELF):
        return True
    if access.circle_member is None:
        return False
    chosen = funding.seen_by_kinds if funding is not None else DEFAULT_SEEN_BY
    return access.circle_member.kind in chosen


def may_change_money(access: PersonAccess) -> bool:
    """The team enters the plan, with the person's agreement written down."""
    return access.is_team

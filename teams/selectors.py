"""Reads about teams, for their own current members."""

from typing import TYPE_CHECKING, TypedDict

from django.db.models import Prefetch, QuerySet

from core.models import User
from families.models import Person
from teams.models import Membership, Team

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class _WithCurrentMembers(TypedDict):
    current_members: list[Membership]


def teams_for_user(user: User) -> QuerySet[Team]:
    return Team.objects.filter(memberships__user=user, memberships__left_at__isnull=True)


def team_members(team: Team) -> QuerySet[Membership]:
    return (
        Membership.objects.current()
        .filter(team=team)
        .select_related("user")
        .order_by("user__display_name")
    )


def team_people(team: Team) -> QuerySet[Person]:
    return Person.objects.filter(team=team).select_related("coordinator")


def memberships_for_user(user: User) -> QuerySet[Membership]:
    """The teams someone is in now, with the label each team gives them."""
    return (
        Membership.objects.current()
        .filter(user_id=user.pk)
        .select_related("team")
        .order_by("team__name")
    )


def teams_with_members_for_user(
    user: User,
) -> "QuerySet[WithAnnotations[Team, _WithCurrentMembers]]":
    """Someone's current teams, each with its current members in ``current_members``."""
    return teams_for_user(user).prefetch_related(
        Prefetch(
            "memberships",
            queryset=Membership.objects.current()
            .select_related("user")
            .order_by("user__display_name"),
            to_attr="current_members",
        )
    )

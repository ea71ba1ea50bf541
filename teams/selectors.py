"""Reads about teams, for their own current members."""

from django.db.models import QuerySet

from core.models import User
from families.models import Person
from teams.models import Membership, Team


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

"""The one answer to "what may this user see and do for this person".

Every page, fragment, API call, socket and push asks here. Anything a user may not see is
answered exactly like something that does not exist: ``None`` from the ``*_access`` functions,
``Http404`` from the ``*_or_404`` ones. Nobody learns who else is supported.

Who sees a person:
- a current member of the person's team: everything;
- the person themself, through their own account: their record;
- a current member of the person's circle with an account: what the person shares with them;
- nobody else.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from families.models import CircleMember, Person
from teams.models import Membership, Team

if TYPE_CHECKING:
    from core.models import User

    AnyUser = User | AnonymousUser


class Role(StrEnum):
    TEAM = "team"
    SELF = "self"
    CIRCLE = "circle"


class Audience(StrEnum):
    """Who an item about a person is for. A team-only item never reaches the circle."""

    TEAM = "team"
    CIRCLE = "circle"


@dataclass(frozen=True)
class PersonAccess:
    person: Person
    role: Role
    circle_member: CircleMember | None = None

    @property
    def is_team(self) -> bool:
        return self.role is Role.TEAM

    @property
    def audiences(self) -> frozenset[Audience]:
        """The audiences whose items this user may receive for this person."""
        if self.is_team:
            return frozenset({Audience.TEAM, Audience.CIRCLE})
        return frozenset({Audience.CIRCLE})

    @property
    def can_edit_profile(self) -> bool:
        return self.role in (Role.TEAM, Role.SELF)

    @property
    def can_manage_circle(self) -> bool:
        return self.is_team

    @property
    def can_see_contact_details(self) -> bool:
        return self.is_team


def _signed_in(user: AnyUser | None) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def current_team_ids(user: AnyUser) -> QuerySet:
    return Membership.objects.current().filter(user_id=user.pk).values("team_id")


def visible_people(user: AnyUser) -> QuerySet[Person]:
    """Every person this user may see at all, for lists. Empty for anyone signed out."""
    if not _signed_in(user):
        return Person.objects.none()
    in_circle = CircleMember.objects.filter(user_id=user.pk, removed_at__isnull=True)
    return Person.objects.filter(
        Q(team_id__in=current_team_ids(user))
        | Q(pk__in=in_circle.values("person_id"))
        | Q(user_id=user.pk)
    )


def person_access(user: AnyUser, person_id: int | str) -> PersonAccess | None:
    """How this user may see one person, in one query; ``None`` if not at all."""
    if not _signed_in(user):
        return None
    try:
        person_pk = int(person_id)
    except (TypeError, ValueError):
        return None
    circle_places = CircleMember.objects.filter(
        person_id=OuterRef("pk"), user_id=user.pk, removed_at__isnull=True
    )
    person = (
        Person.objects.filter(pk=person_pk)
        .select_related("team", "coordinator")
        .annotate(
            _in_team=Exists(
                Membership.objects.current().filter(team_id=OuterRef("team_id"), user_id=user.pk)
            ),
            _circle_place=Subquery(circle_places.values("pk")[:1]),
        )
        .first()
    )
    if person is None:
        return None
    if person._in_team:
        return PersonAccess(person=person, role=Role.TEAM)
    if person.user_id == user.pk:
        return PersonAccess(person=person, role=Role.SELF)
    if person._circle_place is not None:
        place = CircleMember.objects.get(pk=person._circle_place)
        return PersonAccess(person=person, role=Role.CIRCLE, circle_member=place)
    return None


def person_access_or_404(user: AnyUser, person_id: int | str) -> PersonAccess:
    access = person_access(user, person_id)
    if access is None:
        raise Http404
    return access


def team_access(user: AnyUser, team_id: int | str) -> Team | None:
    """A team, for its own current members only."""
    if not _signed_in(user):
        return None
    try:
        team_pk = int(team_id)
    except (TypeError, ValueError):
        return None
    return Team.objects.filter(pk=team_pk, pk__in=current_team_ids(user)).first()


def team_access_or_404(user: AnyUser, team_id: int | str) -> Team:
    team = team_access(user, team_id)
    if team is None:
        raise Http404
    return team


def visible_users(user: AnyUser) -> QuerySet:
    """Accounts whose name and photo this user may see: the people around those they see."""
    from core.models import User

    if not _signed_in(user):
        return User.objects.none()
    people = visible_people(user)
    teams_seen = Q(team_id__in=current_team_ids(user)) | Q(team_id__in=people.values("team_id"))
    carers = Membership.objects.current().filter(teams_seen).values("user_id")
    return User.objects.filter(
        Q(pk=user.pk)
        | Q(pk__in=carers)
        | Q(circles__person__in=people, circles__removed_at__isnull=True)
        | Q(own_record__in=people)
    ).distinct()

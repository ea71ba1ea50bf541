"""Reads about people and their circles, already scoped by families.access."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet

from core.models import User
from families.access import (
    TEAM_AUDIENCE_KINDS_SHAREABLE,
    PersonAccess,
    circle_kinds_for,
    current_team_ids,
    visible_people,
)
from families.models import CircleMember, Invitation, Person
from teams.models import Membership


@dataclass(frozen=True)
class MyPeople:
    supported_by_my_team: list[Person]
    in_my_circles: list[Person]
    my_own_record: Person | None

    @property
    def is_empty(self) -> bool:
        return not (self.supported_by_my_team or self.in_my_circles or self.my_own_record)

    @property
    def all(self) -> list[Person]:
        own = [self.my_own_record] if self.my_own_record else []
        return own + self.in_my_circles + self.supported_by_my_team


def people_for_user(user: User) -> MyPeople:
    """Everyone this user may see, grouped by how they know them, in one query."""
    team_ids = set(current_team_ids(user).values_list("team_id", flat=True))
    circle_ids = set(
        CircleMember.objects.filter(user_id=user.pk, removed_at__isnull=True).values_list(
            "person_id", flat=True
        )
    )
    people = list(visible_people(user).select_related("team", "coordinator"))
    team, circle, own = [], [], None
    for person in people:
        if person.team_id in team_ids:
            team.append(person)
        elif person.user_id == user.pk:
            own = person
        elif person.pk in circle_ids:
            circle.append(person)
    return MyPeople(supported_by_my_team=team, in_my_circles=circle, my_own_record=own)


def circle_of(person: Person) -> QuerySet[CircleMember]:
    return (
        CircleMember.objects.filter(person=person, removed_at__isnull=True)
        .select_related("user")
        .prefetch_related(
            Prefetch(
                "invitations",
                queryset=Invitation.objects.filter(
                    accepted_at__isnull=True, revoked_at__isnull=True
                ),
                to_attr="open_invitations",
            )
        )
    )


def circle_member_view(member: CircleMember, access: PersonAccess) -> dict[str, Any]:
    """What one reader is told about one member of the circle, and nothing more.

    The one place that decides it: the person's page, the API and the copy of the record
    are all built from it, so none can say more than the others. Contact details are the
    team's working data; the person and their circle see None.
    """
    contact = access.can_see_contact_details
    return {
        "id": member.pk,
        "name": member.name,
        "kind": member.kind,
        "kind_label": str(member.get_kind_display()),
        "relationship": member.relationship,
        "has_account": member.user_id is not None,
        "phone": (member.phone or None) if contact else None,
        "email": (member.email or None) if contact else None,
    }


@dataclass(frozen=True)
class WhosWho:
    coordinator: User | None
    coordinator_phone: str
    carers: list[User]
    family_and_friends: list[CircleMember]
    professionals: list[CircleMember]


def whos_who(access: PersonAccess) -> WhosWho:
    """Everyone around the person, the named coordinator first: the family's first contact."""
    person = access.person
    members = (
        Membership.objects.current()
        .filter(team_id=person.team_id)
        .select_related("user")
        .order_by("user__display_name")
    )
    carers = [m.user for m in members if m.user_id != person.coordinator_id]
    circle = list(circle_of(person))
    for member in circle:
        # What the reader may not see is dropped before anything can render it.
        shown = circle_member_view(member, access)
        member.phone, member.email = shown["phone"] or "", shown["email"] or ""
    return WhosWho(
        coordinator=person.coordinator,
        coordinator_phone=coordinator_phone_for(access),
        carers=carers,
        family_and_friends=[m for m in circle if m.kind != CircleMember.Kind.PROFESSIONAL],
        professionals=[m for m in circle if m.kind == CircleMember.Kind.PROFESSIONAL],
    )


def circle_seeing_team_notes(person_id: int) -> dict[str, list[CircleMember]]:
    """Who in the circle, besides the team, sees each kind of team note about the person.

    A concern is written for the team, but the person may let someone they name see concerns
    (families.services.sharing); families.access decides it and this asks the same question, so
    a note never claims "the team only" while a district nurse reads it. Members without an
    account cannot see anything in Kith, so they are not named. One query for every kind: a
    page of notes asks it once, whichever kinds the page holds.
    """
    members = list(
        CircleMember.objects.filter(
            person_id=person_id, removed_at__isnull=True, user__isnull=False
        )
        .select_related("person")
        .order_by("name")
    )
    return {
        kind: [m for m in members if kind in circle_kinds_for(m.person, m)]
        for kind in TEAM_AUDIENCE_KINDS_SHAREABLE
    }


def coordinator_phone_for(access: PersonAccess) -> str:
    """The named coordinator's phone, for those the access layer lets call them.

    Being the first contact is the coordinator's job, so everyone who may see the person
    (their team, the person, their circle) may call them; access.can_call_coordinator says so.
    """
    coordinator = access.person.coordinator
    if coordinator is None or not access.can_call_coordinator:
        return ""
    return coordinator.phone or ""


def own_record(user: User) -> Person | None:
    """The record of the person this account belongs to, when they use Kith themself."""
    if not user.is_authenticated:
        return None
    return Person.objects.filter(user_id=user.pk).select_related("team", "coordinator").first()

"""Who may see a person, and what of theirs: the heart of the access layer."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from typing import TYPE_CHECKING, TypeGuard, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, Model, OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from core.audience import Audience as Audience
from core.prepared import PreparedQuery
from families.models import (
    CIRCLE_DEFAULT_KINDS,
    CIRCLE_MEMBER_KINDS,
    CircleMember,
    Person,
)
from teams.models import Membership, Team

if TYPE_CHECKING:
    from core.models import User

    AnyUser = User | AnonymousUser


class Role(StrEnum):
    TEAM = "team"
    SELF = "self"
    CIRCLE = "circle"


# Every kind of note there is; the team sees them all. Kept as plain values so this module
# needs nothing from the notes code.
ALL_NOTE_KINDS = frozenset({"visit", "moment", "concern", "family_update", "handover"})
# Written for the team only, but the person may let someone they name see them.
TEAM_AUDIENCE_KINDS_SHAREABLE = frozenset({"concern"})


def circle_kinds_for(person: Person, circle_member: CircleMember | None) -> frozenset[str]:
    """The kinds of note one circle member is shown: their own choice, else the circle's."""
    if circle_member is not None and circle_member.note_kinds is not None:
        return frozenset(circle_member.note_kinds) & frozenset(CIRCLE_MEMBER_KINDS)
    return frozenset(person.circle_note_kinds or ()) & frozenset(CIRCLE_DEFAULT_KINDS)


def about_me_shown_to(circle_member: CircleMember) -> bool:
    """Whether one circle member reads the person's About Me: the person's choice for them,
    else yes for family and friends and no for visiting professionals."""
    if circle_member.sees_about_me is not None:
        return circle_member.sees_about_me
    return circle_member.kind != CircleMember.Kind.PROFESSIONAL


@dataclass(frozen=True)
class PersonAccess:
    person: Person
    role: Role
    circle_member: CircleMember | None = None

    @property
    def viewer_id(self) -> int | None:
        """The account looking, when it is the person or someone in their circle."""
        if self.role is Role.SELF:
            return self.person.user_id
        if self.circle_member is not None:
            return self.circle_member.user_id
        return None

    @cached_property
    def note_kinds_visible(self) -> frozenset[str]:
        """The kinds of note this viewer is shown: all for the team; the person's choice else.

        The person sees every kind written for the circle about them.
        """
        if self.is_team:
            return ALL_NOTE_KINDS
        if self.role is Role.SELF:
            return frozenset(CIRCLE_DEFAULT_KINDS)
        return circle_kinds_for(self.person, self.circle_member)

    def may_see_note(self, *, kind: str, audience: str, author_id: int | None) -> bool:
        """The one rule for one note; ``notes_filter`` is the same rule for a query."""
        if self.is_team:
            return True
        if audience == Audience.CIRCLE and author_id is not None and author_id == self.viewer_id:
            # What someone wrote themself stays in front of them, whatever else they see.
            return True
        if kind not in self.note_kinds_visible:
            return False
        return audience == Audience.CIRCLE or kind in TEAM_AUDIENCE_KINDS_SHAREABLE

    def notes_filter(self) -> Q:
        """The notes about this person this viewer may see, as a query on Note."""
        if self.is_team:
            return Q(audience__in=[a.value for a in Audience])
        kinds = self.note_kinds_visible
        shown = Q(audience=Audience.CIRCLE.value, kind__in=sorted(kinds))
        extra = sorted(kinds & TEAM_AUDIENCE_KINDS_SHAREABLE)
        if extra:
            shown |= Q(kind__in=extra)
        if self.viewer_id is not None:
            shown |= Q(audience=Audience.CIRCLE.value, author_id=self.viewer_id)
        return shown

    @property
    def may_see_about_me(self) -> bool:
        """About Me: the team and the person always; in the circle, as the person chose for
        that member, or as usual: family and friends yes, visiting professionals no."""
        if self.role in (Role.TEAM, Role.SELF):
            return True
        return self.circle_member is not None and about_me_shown_to(self.circle_member)

    @property
    def may_read_about_me_history(self) -> bool:
        """Earlier versions are for the team and the person: the circle reads the current one."""
        return self.role in (Role.TEAM, Role.SELF)

    @property
    def can_call_coordinator(self) -> bool:
        """The named coordinator is everyone's first contact: their phone is for all who see
        the person. Circle members' own numbers stay the team's (can_see_contact_details)."""
        return self.role in (Role.TEAM, Role.SELF, Role.CIRCLE)

    @property
    def is_team(self) -> bool:
        return self.role is Role.TEAM

    @property
    def is_self(self) -> bool:
        """The person themself, through their own account."""
        return self.role is Role.SELF

    @property
    def person_id(self) -> int:
        return self.person.pk

    @property
    def can_read_trail(self) -> bool:
        """The person, their coordinator and their team read a person's trail; nobody else."""
        return self.role in (Role.TEAM, Role.SELF)

    @property
    def audiences(self) -> frozenset[Audience]:
        """The audiences whose items this user may receive for this person."""
        if self.is_team:
            return frozenset({Audience.TEAM, Audience.CIRCLE})
        return frozenset({Audience.CIRCLE})

    @property
    def live_audience(self) -> Audience:
        """The one audience whose fragments this viewer's open pages receive."""
        return Audience.TEAM if self.is_team else Audience.CIRCLE

    @property
    def can_edit_profile(self) -> bool:
        return self.role in (Role.TEAM, Role.SELF)

    @property
    def can_manage_circle(self) -> bool:
        return self.is_team

    @property
    def can_see_contact_details(self) -> bool:
        return self.is_team


# The largest id a database row can have (a signed 64-bit integer).
MAX_PK = 2**63 - 1


def as_pk(value: object) -> int | None:
    """An id from outside (a URL, a form, JSON) as an int, or None if it cannot be one.

    Out of range is "does not exist", never a database error.
    """
    try:
        # Anything may come in; int() refusing it is the check (the except below).
        pk = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError, OverflowError):
        return None
    return pk if 0 < pk <= MAX_PK else None


def _signed_in(user: AnyUser | None) -> TypeGuard[User]:
    return user is not None and user.is_authenticated and user.is_active


def current_team_ids(user: User) -> QuerySet:
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


def _person_with_places_query(*, person_id: int, user_id: int) -> QuerySet[Person]:
    """The person, with whether the user is in their team and the user's place in their circle."""
    circle_places = CircleMember.objects.filter(
        person_id=OuterRef("pk"), user_id=user_id, removed_at__isnull=True
    )
    return (
        Person.objects.filter(pk=person_id)
        .select_related("team", "coordinator")
        .annotate(
            _in_team=Exists(
                Membership.objects.current().filter(team_id=OuterRef("team_id"), user_id=user_id)
            ),
            _circle_place=Subquery(circle_places.values("pk")[:1]),
        )
        .order_by("pk")[:1]
    )


# Every access check is this one query with other ids: built and compiled once, not per call.
_person_with_places = PreparedQuery(_person_with_places_query, {"person_id": 1, "user_id": 2})


def person_access(user: AnyUser, person_id: int | str) -> PersonAccess | None:
    """How this user may see one person; ``None`` if not at all.

    One query for the team and the person themself; two for a circle member (their place in
    the circle is read once it is known they have one).
    """
    if not _signed_in(user):
        return None
    person_pk = as_pk(person_id)
    if person_pk is None:
        return None
    found = _person_with_places.first(person_id=person_pk, user_id=user.pk)
    if found is None:
        return None
    person, places = found
    if places["_in_team"]:
        return PersonAccess(person=person, role=Role.TEAM)
    if person.user_id == user.pk:
        return PersonAccess(person=person, role=Role.SELF)
    if places["_circle_place"] is not None:
        place = CircleMember.objects.get(pk=places["_circle_place"])
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
    team_pk = as_pk(team_id)
    if team_pk is None:
        return None
    return Team.objects.filter(pk=team_pk, pk__in=current_team_ids(user)).first()


def team_access_or_404(user: AnyUser, team_id: int | str) -> Team:
    team = team_access(user, team_id)
    if team is None:
        raise Http404
    return team


TeamRow = TypeVar("TeamRow", bound=Model)


def team_row_access(
    user: AnyUser, rows: QuerySet[TeamRow], row_id: object, *, team: str = "team_id"
) -> TeamRow | None:
    """One row of a team's (a visit, an offer, a pattern, a rota change) by id, for its current
    members only. ``rows`` may be locked or narrowed first; ``team`` names the row's team
    ("visit__team_id" for an offer)."""
    if not _signed_in(user):
        return None
    pk = as_pk(row_id)
    if pk is None:
        return None
    return rows.filter(pk=pk, **{f"{team}__in": current_team_ids(user)}).first()


PersonRow = TypeVar("PersonRow", bound=Model)


def person_row_access(
    user: AnyUser, rows: QuerySet[PersonRow], row_id: object
) -> tuple[PersonRow, PersonAccess] | None:
    """One row about a person (it has a ``person``) by id, with how this user sees the person;
    None when either is missing or the person is not theirs to see."""
    pk = as_pk(row_id)
    row = rows.filter(pk=pk).first() if pk is not None else None
    if row is None:
        return None
    access = person_access(user, row.person_id)  # type: ignore[attr-defined]
    return None if access is None else (row, access)


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


def audience_users(person_id: int, audience: Audience | str, *, topic: str = "") -> QuerySet:
    """Every active account that may receive a person's items for this audience.

    The mirror of person_access, for telling people about something: the person's current
    team for TEAM; for CIRCLE also the current circle members with accounts and the person
    themself. With a ``topic`` (a note's kind), only those in the circle shown that kind.
    """
    from core.models import User

    team = Person.objects.filter(pk=person_id).values("team_id")
    reached = Q(pk__in=Membership.objects.current().filter(team_id__in=team).values("user_id"))
    if Audience(audience) is Audience.CIRCLE:
        circle = CircleMember.objects.filter(
            person_id=person_id, removed_at__isnull=True, user__isnull=False
        )
        if topic:
            person = Person.objects.filter(pk=person_id).first()
            shown = []
            if person is not None:
                members = circle.only("user_id", "note_kinds")
                shown = [m.user_id for m in members if topic in circle_kinds_for(person, m)]
            reached |= Q(pk__in=shown)
            if topic in CIRCLE_DEFAULT_KINDS:
                reached |= Q(pk__in=Person.objects.filter(pk=person_id).values("user_id"))
        else:
            reached |= Q(pk__in=circle.values("user_id"))
            reached |= Q(pk__in=Person.objects.filter(pk=person_id).values("user_id"))
    return User.objects.filter(reached, is_active=True)


def in_a_team(user: AnyUser) -> bool:
    """Whether this account is a current member of any team."""
    return _signed_in(user) and current_team_ids(user).exists()


def _family_places(person_id: int) -> QuerySet:
    return CircleMember.objects.filter(
        person_id=person_id,
        kind=CircleMember.Kind.FAMILY,
        removed_at__isnull=True,
        user__isnull=False,
        user__is_active=True,
    ).order_by("added_at", "pk")


def first_family_contact_id(person_id: int) -> int | None:
    """The account of the person's first contact in the family: the family member longest in
    their circle with an account. Some notifications ("running late") are on for them unless
    they chose otherwise, and off for everyone else unless chosen."""
    return _family_places(person_id).values_list("user_id", flat=True).first()


def is_first_family_contact(user: AnyUser) -> bool:
    """Whether this account is the first contact in the family of anyone at all."""
    if not _signed_in(user):
        return False
    person_ids = CircleMember.objects.filter(
        user_id=user.pk, kind=CircleMember.Kind.FAMILY, removed_at__isnull=True
    ).values_list("person_id", flat=True)
    return any(first_family_contact_id(person_id) == user.pk for person_id in person_ids)


def around_someone(user: AnyUser) -> bool:
    """Whether this account sees someone its own teams do not support: the person themself,
    or someone in their circle."""
    if not _signed_in(user):
        return False
    return visible_people(user).exclude(team_id__in=current_team_ids(user)).exists()

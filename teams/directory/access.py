"""Who may see and change what in the neighbourhood directory.

Built on the one access layer (families.access) and asked by every page, API call and service:
anything a user may not see is ``None`` here and a 404 in the web layer.

- A current member of the entry's team: everything, suggestions waiting included, with the
  entry's history and the team's own people connected to it.
- A current member of another team of the same organisation: a confirmed entry marked shared,
  and nothing about anyone connected to it.
- Someone who sees a person (their circle, the person themself): the confirmed entries linked
  to that person, and the confirmed entries their team shares.
- A suggestion is for the team alone until one of them confirms it, whoever suggested it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeGuard

from django.db.models import Q, QuerySet
from django.http import Http404

from families.access import (
    PersonAccess,
    as_pk,
    current_team_ids,
    person_access,
    team_access,
    visible_people,
)
from teams.models import Connection, DirectoryEntry, Team

if TYPE_CHECKING:
    from core.models import User
    from families.access.people import AnyUser


@dataclass(frozen=True)
class EntryAccess:
    entry: DirectoryEntry
    # A current member of the team the entry belongs to: may change it and see its history.
    is_team: bool
    # The viewer's own teams: whose people they may see connected to the entry.
    viewer_team_ids: frozenset[int]

    @property
    def can_edit(self) -> bool:
        return self.is_team

    @property
    def sees_people(self) -> bool:
        """Only team members see anyone connected, and only the people of their own teams."""
        return bool(self.viewer_team_ids)


def _signed_in(user: AnyUser | None) -> TypeGuard[User]:
    return user is not None and user.is_authenticated and user.is_active


def shared_in_organisation(team_ids: QuerySet | list[int]) -> Q:
    """Confirmed entries other teams of these teams' organisations have shared."""
    organisations = Team.objects.filter(pk__in=team_ids, organisation__isnull=False).values(
        "organisation_id"
    )
    return Q(
        status=DirectoryEntry.Status.CONFIRMED,
        shared=True,
        team__organisation_id__in=organisations,
    )


def public_for_people(people: QuerySet) -> Q:
    """Confirmed entries linked to these people, or shared by their teams."""
    confirmed = Q(status=DirectoryEntry.Status.CONFIRMED)
    linked = Q(pk__in=Connection.objects.filter(person__in=people).values("entry_id"))
    shared = Q(shared=True, team_id__in=people.values("team_id"))
    return confirmed & (linked | shared)


def entries_visible_to(user: AnyUser) -> QuerySet[DirectoryEntry]:
    """Every entry this user may open, for lookups by id. Empty for anyone signed out."""
    if not _signed_in(user):
        return DirectoryEntry.objects.none()
    mine = current_team_ids(user)
    return DirectoryEntry.objects.filter(
        Q(team_id__in=mine) | shared_in_organisation(mine) | public_for_people(visible_people(user))
    )


def entry_access(user: AnyUser, entry_id: int | str) -> EntryAccess | None:
    pk = as_pk(entry_id)
    if pk is None or not _signed_in(user):
        return None
    entry = entries_visible_to(user).filter(pk=pk).select_related("team").first()
    if entry is None:
        return None
    team_ids = frozenset(current_team_ids(user).values_list("team_id", flat=True))
    return EntryAccess(entry=entry, is_team=entry.team_id in team_ids, viewer_team_ids=team_ids)


def entry_access_or_404(user: AnyUser, entry_id: int | str) -> EntryAccess:
    access = entry_access(user, entry_id)
    if access is None:
        raise Http404
    return access


def entry_team_access_or_404(user: AnyUser, entry_id: int | str) -> EntryAccess:
    """For changes: the entry's own team only; everyone else is answered as if it were not there."""
    access = entry_access(user, entry_id)
    if access is None or not access.is_team:
        raise Http404
    return access


def directory_team_or_404(user: AnyUser, team_id: int | str) -> Team:
    """A team's directory, for its current members only."""
    team = team_access(user, team_id)
    if team is None:
        raise Http404
    return team


def entries_for_person(access: PersonAccess) -> Q:
    """Entries that may be offered as connections for this person, as a query on entries:
    the team's own confirmed entries and those shared with it by its organisation."""
    team_id = access.person.team_id
    return Q(team_id=team_id, status=DirectoryEntry.Status.CONFIRMED) | shared_in_organisation(
        [team_id]
    )


def connection_access(
    user: AnyUser, connection_id: int | str
) -> tuple[Connection, PersonAccess] | None:
    """A connection with how the user sees its person; ``None`` for anyone who does not."""
    pk = as_pk(connection_id)
    if pk is None or not _signed_in(user):
        return None
    connection = Connection.objects.filter(pk=pk).select_related("entry", "outcome").first()
    if connection is None:
        return None
    access = person_access(user, connection.person_id)
    if access is None:
        return None
    return connection, access


def connection_access_or_404(
    user: AnyUser, connection_id: int | str
) -> tuple[Connection, PersonAccess]:
    found = connection_access(user, connection_id)
    if found is None:
        raise Http404
    return found

"""The rota's things by id: for current members of the team they belong to."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.http import Http404

from core.audience import Audience as Audience
from teams.models import Offer, RotaChange, Visit, VisitPattern

if TYPE_CHECKING:
    from core.models import User

    AnyUser = User | AnonymousUser


from families.access.people import _signed_in, as_pk, current_team_ids

# The rota's things: for current members of the team they belong to -------------------------


def visit_access(
    user: AnyUser, visit_id: object, *, lock: bool = False, queryset: QuerySet[Visit] | None = None
) -> Visit | None:
    """A visit of one of the user's current teams, or ``None`` exactly like a missing one.

    ``queryset`` lets a selector add its joins; ``lock`` holds the row for a service's write.
    """
    pk = as_pk(visit_id)
    if pk is None or not _signed_in(user):
        return None
    visits = (Visit.objects.all() if queryset is None else queryset).filter(
        pk=pk, team_id__in=current_team_ids(user)
    )
    if lock:
        visits = visits.select_for_update()
    return visits.first()


def visit_access_or_404(user: AnyUser, visit_id: object, *, lock: bool = False) -> Visit:
    visit = visit_access(user, visit_id, lock=lock)
    if visit is None:
        raise Http404
    return visit


def offer_access_or_404(user: AnyUser, offer_id: object) -> Offer:
    """An offer of a visit in one of the user's current teams, else 404."""
    pk = as_pk(offer_id)
    if pk is None or not _signed_in(user):
        raise Http404
    offer = (
        Offer.objects.select_related("visit", "from_user", "accepted_by")
        .filter(pk=pk, visit__team_id__in=current_team_ids(user))
        .first()
    )
    if offer is None:
        raise Http404
    return offer


def rota_change_access_or_404(
    user: AnyUser, change_id: object, *, lock: bool = False
) -> RotaChange:
    """One line of a team's rota activity, for the team's current members only."""
    pk = as_pk(change_id)
    if pk is None or not _signed_in(user):
        raise Http404
    changes = RotaChange.objects.filter(pk=pk, team_id__in=current_team_ids(user))
    if lock:
        changes = changes.select_for_update()
    change = changes.first()
    if change is None:
        raise Http404
    return change


def pattern_access_or_404(user: AnyUser, pattern_id: object) -> VisitPattern:
    pk = as_pk(pattern_id)
    if pk is None or not _signed_in(user):
        raise Http404
    pattern = VisitPattern.objects.filter(pk=pk, team_id__in=current_team_ids(user)).first()
    if pattern is None:
        raise Http404
    return pattern

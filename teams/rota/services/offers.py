"""Offers and swaps: offer your visit, take a colleague's, take your offer back."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import User
from families.access import (
    offer_access_or_404,
    visit_access_or_404,
)
from teams.models import (
    Offer,
    RotaChange,
    Visit,
)
from teams.rota import live
from teams.rota.services.common import (
    AlreadyTaken,
    _announce,
    _current_members,
    _record,
    snapshot,
)

# Offers and swaps ------------------------------------------------------------------------------


@transaction.atomic
def visit_offer(
    *, actor: User, visit_id: int, to_user_id: int | None = None, note: str = ""
) -> Offer:
    """Offer your visit to the whole team, or ask one colleague to take it."""
    visit = visit_access_or_404(actor, visit_id, lock=True)
    if actor.pk not in visit.carer_ids:
        raise ValidationError(_("Only someone going to this visit can offer it."))
    if visit.status == Visit.Status.CANCELLED:
        raise ValidationError(_("This visit is cancelled."))
    if to_user_id is not None:
        if to_user_id == actor.pk or to_user_id in visit.carer_ids:
            raise ValidationError({"to_user": [_("Please choose someone not already going.")]})
        if not _current_members(visit.team_id, [to_user_id]):
            raise ValidationError({"to_user": [_("Please choose someone who is in the team.")]})
    try:
        with transaction.atomic():
            offer = Offer.objects.create(
                visit=visit, from_user=actor, to_user_id=to_user_id, note=note.strip()
            )
    except IntegrityError:
        raise ValidationError(_("This visit has already been offered.")) from None
    _record(
        team_id=visit.team_id,
        actor=actor,
        kind=RotaChange.Kind.OFFER_MADE,
        visit=visit,
        offer=offer,
        after={"offer_status": offer.status},
    )
    live.offer_changed(offer, kind="offer.made")
    return offer


@transaction.atomic
def offer_accept(*, actor: User, offer_id: int) -> Visit:
    """Take an offered visit. Done at once: there is no approval step."""
    offer = offer_access_or_404(actor, offer_id)
    _offer_not_for(actor, offer)
    now = timezone.now()
    # The visit first, then its offer, as every change to a visit and its offers takes them
    # ("I can't make it", skipping it): the other way round, two of them can deadlock.
    visit = visit_access_or_404(actor, offer.visit_id, lock=True)
    won = Offer.objects.filter(pk=offer.pk, status=Offer.Status.OPEN).update(
        status=Offer.Status.ACCEPTED, accepted_by=actor, decided_at=now
    )
    if not won:
        offer.refresh_from_db()
        offer_accept_refusal(actor=actor, offer=offer)
        raise ValidationError(_("This offer was taken back, so nothing has changed."))
    if actor.pk in visit.carer_ids:
        raise ValidationError(_("You are already going to this visit."))
    before = snapshot(visit)
    # Swap the offering carer for the one accepting, in whichever place they had.
    if visit.carer_id == offer.from_user_id:
        visit.carer = actor
    elif visit.second_carer_id == offer.from_user_id:
        visit.second_carer = actor
    else:
        # The visit changed hands since it was offered: the offer no longer means anything.
        raise ValidationError(_("This visit has changed since it was offered. Nothing changed."))
    visit.status = Visit.Status.ASSIGNED
    visit.updated_at = now
    visit.save(update_fields=["carer", "second_carer", "status", "updated_at"])
    offer.refresh_from_db()
    _announce(
        actor=actor, kind=RotaChange.Kind.OFFER_ACCEPTED, visit=visit, before=before, offer=offer
    )
    live.offer_changed(offer, kind="offer.accepted")
    return visit


@transaction.atomic
def offer_withdraw(*, actor: User, offer_id: int) -> Offer:
    """Take back your own offer while nobody has accepted it."""
    offer = offer_access_or_404(actor, offer_id)
    if offer.from_user_id != actor.pk:
        raise ValidationError(_("Only the person who made this offer can take it back."))
    won = Offer.objects.filter(pk=offer.pk, status=Offer.Status.OPEN).update(
        status=Offer.Status.WITHDRAWN, decided_at=timezone.now()
    )
    offer.refresh_from_db()
    if not won:
        if offer.status == Offer.Status.ACCEPTED:
            name = offer.accepted_by.display_name if offer.accepted_by else _("someone else")
            raise AlreadyTaken(
                _("%(name)s has already taken this visit.") % {"name": name},
                taken_by=offer.accepted_by,
            )
        raise ValidationError(_("This offer was already taken back."))
    _record(
        team_id=offer.visit.team_id,
        actor=actor,
        kind=RotaChange.Kind.OFFER_WITHDRAWN,
        visit=offer.visit,
        offer=offer,
        before={"offer_status": Offer.Status.OPEN},
        after={"offer_status": offer.status},
    )
    live.offer_changed(offer, kind="offer.withdrawn")
    return offer


def _offer_not_for(actor: User, offer: Offer) -> None:
    if offer.to_user_id is not None and offer.to_user_id != actor.pk:
        raise ValidationError(_("This visit was offered to someone else."))
    if offer.from_user_id == actor.pk:
        raise ValidationError(_("This is your own offer."))


def offer_accept_refusal(*, actor: User, offer: Offer) -> None:
    """Raise why ``actor`` cannot take this offer now, if they cannot; else nothing."""
    _offer_not_for(actor, offer)
    if offer.status == Offer.Status.WITHDRAWN:
        raise ValidationError(_("This offer was taken back, so nothing has changed."))
    if offer.status == Offer.Status.ACCEPTED:
        name = offer.accepted_by.display_name if offer.accepted_by else _("someone else")
        raise AlreadyTaken(
            _("%(name)s has already taken this visit.") % {"name": name},
            taken_by=offer.accepted_by,
        )

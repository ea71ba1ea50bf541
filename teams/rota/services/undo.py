"""Undo: put back what a change did, if nothing has changed since."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import User
from families.access import (
    offer_access_or_404,
    rota_change_access_or_404,
    visit_access_or_404,
)
from teams.models import (
    Availability,
    Offer,
    RotaChange,
    Visit,
)
from teams.rota import live
from teams.rota.clock import local_today
from teams.rota.selectors import UNDOABLE_VISIT_KINDS
from teams.rota.services.common import (
    _from_json,
    _record,
    snapshot,
)

# Undo ------------------------------------------------------------------------------------------

# Everything the activity page offers to undo.
UNDOABLE_KINDS = UNDOABLE_VISIT_KINDS | {
    RotaChange.Kind.OFFER_MADE,
    RotaChange.Kind.OFFER_WITHDRAWN,
    RotaChange.Kind.AVAILABILITY_SET,
    RotaChange.Kind.PATTERN_CREATED,
}


@transaction.atomic
def change_undo(*, actor: User, change_id: int) -> RotaChange:
    """Put back what a change did, if nothing has changed since. Recorded as a change itself."""
    change = rota_change_access_or_404(actor, change_id, lock=True)
    if RotaChange.objects.filter(undoes=change).exists():
        raise ValidationError(_("This has already been undone."))
    changed_since = ValidationError(
        _("This has changed again since, so it cannot be undone. Please change it by hand.")
    )
    if change.kind in UNDOABLE_VISIT_KINDS:
        undo = _undo_visit_change(actor, change, changed_since)
    elif change.kind == RotaChange.Kind.OFFER_MADE:
        undo = _undo_offer_made(actor, change, changed_since)
    elif change.kind == RotaChange.Kind.OFFER_WITHDRAWN:
        undo = _undo_offer_withdrawn(actor, change, changed_since)
    elif change.kind == RotaChange.Kind.AVAILABILITY_SET:
        deleted = 0
        if change.availability_id is not None:
            deleted, _rows = Availability.objects.filter(
                pk=change.availability_id, team_id=change.team_id
            ).delete()
        if not deleted:
            raise changed_since
        undo = _undo_record(actor, change)
    elif change.kind == RotaChange.Kind.PATTERN_CREATED:
        undo = _undo_pattern(actor, change, changed_since)
    else:
        raise ValidationError(_("This cannot be undone. To change it back, make the change again."))
    return undo


def _undo_record(actor: User, change: RotaChange, **fields: Any) -> RotaChange:
    try:
        with transaction.atomic():
            return _record(
                team_id=change.team_id,
                actor=actor,
                kind=RotaChange.Kind.UNDONE,
                undoes=change,
                visit=change.visit,
                offer=change.offer,
                pattern=change.pattern,
                **fields,
            )
    except IntegrityError:
        # Someone pressed undo on the same change at the same moment.
        raise ValidationError(_("This has already been undone.")) from None


def _undo_visit_change(
    actor: User, change: RotaChange, changed_since: ValidationError
) -> RotaChange:
    if change.visit_id is None:
        raise changed_since
    visit = visit_access_or_404(actor, change.visit_id, lock=True)
    current = snapshot(visit)
    if any(current[name] != value for name, value in change.after.items()):
        raise changed_since
    if change.kind == RotaChange.Kind.VISIT_CREATED:
        restore = {"status": Visit.Status.CANCELLED}
    else:
        restore = change.before
    for name, value in restore.items():
        setattr(visit, name, _from_json(name, value))
    visit.updated_at = timezone.now()
    visit.save()
    undo = _undo_record(actor, change, before=current, after=snapshot(visit))
    live.visit_changed(visit, kind="visit.changed", old_date=_from_json("date", current["date"]))
    if change.kind == RotaChange.Kind.OFFER_ACCEPTED and change.offer_id is not None:
        _reopen_offer(actor, change.offer_id)
    return undo


def _reopen_offer(actor: User, offer_id: int) -> None:
    """Taking an offer undone: it is on offer again, as it was, for the team to take."""
    try:
        with transaction.atomic():
            reopened = Offer.objects.filter(pk=offer_id, status=Offer.Status.ACCEPTED).update(
                status=Offer.Status.OPEN, accepted_by=None, decided_at=None
            )
    except IntegrityError:
        return  # the visit has been offered again since: that offer stands
    if reopened:
        live.offer_changed(offer_access_or_404(actor, offer_id), kind="offer.made")


def _undo_offer_made(actor: User, change: RotaChange, changed_since: ValidationError) -> RotaChange:
    if change.offer_id is None:
        raise changed_since
    won = Offer.objects.filter(pk=change.offer_id, status=Offer.Status.OPEN).update(
        status=Offer.Status.WITHDRAWN, decided_at=timezone.now()
    )
    if not won:
        raise changed_since
    offer = offer_access_or_404(actor, change.offer_id)
    live.offer_changed(offer, kind="offer.withdrawn")
    return _undo_record(
        actor, change, before={"offer_status": "open"}, after={"offer_status": offer.status}
    )


def _undo_offer_withdrawn(
    actor: User, change: RotaChange, changed_since: ValidationError
) -> RotaChange:
    if change.offer_id is None:
        raise changed_since
    try:
        with transaction.atomic():
            won = Offer.objects.filter(
                pk=change.offer_id,
                status=Offer.Status.WITHDRAWN,
                visit__carer_id__isnull=False,
                visit__status=Visit.Status.ASSIGNED,
            ).update(status=Offer.Status.OPEN, decided_at=None)
    except IntegrityError:
        # Another offer of the same visit is open now.
        raise changed_since from None
    if not won:
        raise changed_since
    offer = offer_access_or_404(actor, change.offer_id)
    live.offer_changed(offer, kind="offer.made")
    return _undo_record(
        actor, change, before={"offer_status": "withdrawn"}, after={"offer_status": "open"}
    )


def _undo_pattern(actor: User, change: RotaChange, changed_since: ValidationError) -> RotaChange:
    """End the pattern and cancel its visits to come that nobody has changed since."""
    pattern = change.pattern
    if pattern is None:
        raise changed_since
    today = local_today()
    pattern.ends_on = today - dt.timedelta(days=1)
    pattern.save(update_fields=["ends_on"])
    untouched = Visit.objects.filter(
        pattern=pattern, date__gte=today, date=F("original_date")
    ).exclude(status=Visit.Status.CANCELLED)
    untouched = untouched.exclude(changes__kind__in=UNDOABLE_VISIT_KINDS)
    cancelled = untouched.update(status=Visit.Status.CANCELLED, updated_at=timezone.now())
    live.team_rota_changed(pattern.team_id, person_id=pattern.person_id)
    return _undo_record(actor, change, after={"cancelled_visits": cancelled})

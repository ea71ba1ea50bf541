"""Visits: add one, cancel, move, and "I'll go" on an open one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import User
from families.access import (
    person_access_or_404,
    visit_access_or_404,
)
from teams.models import (
    Offer,
    RotaChange,
    Visit,
)
from teams.rota.services.common import (
    AlreadyTaken,
    _announce,
    _carers_for,
    _check_purpose,
    _check_window,
    _from_json,
    snapshot,
)

# Visits ----------------------------------------------------------------------------------------


@transaction.atomic
def visit_create(
    *,
    actor: User,
    person_id: int,
    date: dt.date,
    window_start: dt.time,
    window_end: dt.time,
    minutes: int,
    purpose: str,
    window_label: str = "",
    exact_time: dt.time | None = None,
    carer_ids: Sequence[int] = (),
) -> Visit:
    """One visit agreed with the person. With no carer it is open for anyone to take."""
    access = person_access_or_404(actor, person_id)
    if not access.is_team:
        raise Http404
    person = access.person
    _check_window(
        day=date,
        window_start=window_start,
        window_end=window_end,
        exact_time=exact_time,
        minutes=minutes,
    )
    purpose = _check_purpose(purpose)
    carers = _carers_for(person.team_id, carer_ids)
    visit = Visit.objects.create(
        team_id=person.team_id,
        person=person,
        date=date,
        window_label=window_label.strip(),
        window_start=window_start,
        window_end=window_end,
        exact_time=exact_time,
        minutes=minutes,
        purpose=purpose,
        carer=carers[0] if carers else None,
        second_carer=carers[1] if len(carers) > 1 else None,
        status=Visit.Status.ASSIGNED if carers else Visit.Status.OPEN,
    )
    _announce(
        actor=actor, kind=RotaChange.Kind.VISIT_CREATED, visit=visit, live_kind="visit.created"
    )
    return visit


@transaction.atomic
def visit_skip(*, actor: User, visit_id: int) -> Visit:
    """Cancel one visit. A visit from a pattern stays cancelled when the pattern expands again."""
    visit = visit_access_or_404(actor, visit_id, lock=True)
    if visit.status == Visit.Status.CANCELLED:
        raise ValidationError(_("This visit is already cancelled."))
    before = snapshot(visit)
    visit.status = Visit.Status.CANCELLED
    visit.updated_at = timezone.now()
    visit.save(update_fields=["status", "updated_at"])
    Offer.objects.filter(visit=visit, status=Offer.Status.OPEN).update(
        status=Offer.Status.WITHDRAWN, decided_at=timezone.now()
    )
    _announce(actor=actor, kind=RotaChange.Kind.VISIT_SKIPPED, visit=visit, before=before)
    return visit


@transaction.atomic
def visit_move(
    *,
    actor: User,
    visit_id: int,
    date: dt.date,
    window_start: dt.time,
    window_end: dt.time,
    window_label: str | None = None,
    exact_time: dt.time | None = None,
) -> Visit:
    """Move one visit to another day or time. A pattern's visit keeps its place in the pattern."""
    visit = visit_access_or_404(actor, visit_id, lock=True)
    if visit.status == Visit.Status.CANCELLED:
        raise ValidationError(_("This visit is cancelled, so it cannot be moved."))
    _check_window(day=date, window_start=window_start, window_end=window_end, exact_time=exact_time)
    before = snapshot(visit)
    visit.date = date
    visit.window_start = window_start
    visit.window_end = window_end
    visit.exact_time = exact_time
    if window_label is not None:
        visit.window_label = window_label.strip()
    visit.updated_at = timezone.now()
    visit.save()
    _announce(
        actor=actor,
        kind=RotaChange.Kind.VISIT_MOVED,
        visit=visit,
        before=before,
        old_date=_from_json("date", before["date"]),
    )
    return visit


@transaction.atomic
def visit_claim(*, actor: User, visit_id: int) -> Visit:
    """Take an open visit. Of two people claiming at once exactly one wins.

    The claim is a conditional UPDATE: the database lets only one "still open" row change, so
    the loser updates nothing and is told who got it.
    """
    visit = visit_access_or_404(actor, visit_id)
    before = snapshot(visit)
    now = timezone.now()
    won = Visit.objects.filter(pk=visit.pk, status=Visit.Status.OPEN, carer__isnull=True).update(
        carer=actor, status=Visit.Status.ASSIGNED, updated_at=now
    )
    if not won:
        visit.refresh_from_db()
        visit_claim_refusal(actor=actor, visit=visit)
        raise AlreadyTaken(
            _("%(name)s has already taken this visit.") % {"name": _("someone else")},
            taken_by=None,
        )
    visit.refresh_from_db()
    _announce(actor=actor, kind=RotaChange.Kind.VISIT_CLAIMED, visit=visit, before=before)
    from teams.rota.lateness import urgent_visit_taken  # it builds on this module

    urgent_visit_taken(visit=visit, actor=actor)
    return visit


def visit_claim_refusal(*, actor: User, visit: Visit) -> None:
    """Raise why ``actor`` cannot take this visit now, if they cannot; else nothing.

    Asked before the claim (to show the confirm step only when it can work) and by the claim
    that lost a race, so both say the same words.
    """
    if visit.status == Visit.Status.CANCELLED:
        raise ValidationError(_("This visit has been cancelled, so there is nothing to take."))
    if visit.carer_id == actor.pk:
        raise AlreadyTaken(_("You are already going to this visit."), taken_by=actor)
    if visit.status != Visit.Status.OPEN or visit.carer_id is not None:
        name = visit.carer.display_name if visit.carer else _("someone else")
        raise AlreadyTaken(
            _("%(name)s has already taken this visit.") % {"name": name},
            taken_by=visit.carer,
        )

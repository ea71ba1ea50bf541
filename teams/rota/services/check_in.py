"""I'm with Jean now: a carer going says they are there."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.access import (
    visit_access_or_404,
)
from core.models import User
from teams.models import (
    RotaChange,
    Visit,
)
from teams.rota import live
from teams.rota.clock import local_today
from teams.rota.services.common import (
    _record,
)


def shares_check_ins(person) -> bool:
    """Whether the person has agreed that their circle sees "I'm with them now".

    It is the person's own choice, on their sharing page.
    """
    return person.share_check_ins


@transaction.atomic
def visit_check_in(*, actor: User, visit_id: int) -> Visit:
    """ "I'm with Jean now", from one of the carers going, on the day of the visit."""
    visit = visit_access_or_404(actor, visit_id, lock=True)
    if actor.pk not in visit.carer_ids:
        raise ValidationError(_("Only someone going to this visit can say they are there."))
    if visit.status == Visit.Status.CANCELLED:
        raise ValidationError(_("This visit is cancelled."))
    if visit.date != local_today():
        raise ValidationError(_("You can say you are there only on the day of the visit."))
    if visit.checked_in_at is not None:
        return visit  # pressed twice, or sent again from a phone that was offline
    visit.checked_in_at = timezone.now()
    visit.checked_in_by = actor
    visit.save(update_fields=["checked_in_at", "checked_in_by"])
    _record(
        team_id=visit.team_id,
        actor=actor,
        kind=RotaChange.Kind.VISIT_CHECKED_IN,
        visit=visit,
        after={"checked_in_at": visit.checked_in_at.isoformat()},
    )
    live.visit_changed(visit, kind="visit.checked_in", circle=shares_check_ins(visit.person))
    return visit

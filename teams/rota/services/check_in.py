"""I'm with Jean now: a carer going says they are there.

Only from shortly before the agreed window until it ends: earlier it would tell the family
something untrue, and afterwards the visit is over. Whether the family sees it is the person's
own choice, on their sharing page.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _

from core.dates import day_in_words
from core.models import User
from families.access import visit_access_or_404
from families.models import Person
from teams.models import RotaChange, Visit
from teams.rota import live
from teams.rota.clock import UTC, aware, rota_zone, visit_interval
from teams.rota.services.common import _record

# How long before the agreed window a carer may say they are there (parking, an early bus).
CHECK_IN_EARLY = dt.timedelta(minutes=30)


def shares_check_ins(person: Person) -> bool:
    """Whether the person has agreed that their circle sees "I'm with them now"."""
    return person.share_check_ins


def check_in_window(visit: Visit) -> tuple[dt.datetime, dt.datetime]:
    """From half an hour before the window opens until the visit ends, in UTC."""
    opens = aware(visit.date, visit.window_start).astimezone(UTC) - CHECK_IN_EARLY
    window_end = aware(visit.date, visit.window_end).astimezone(UTC)
    _begins, planned_end = visit_interval(visit)
    return opens, max(window_end, planned_end.astimezone(UTC))


def check_in_open(visit: Visit, *, now: dt.datetime | None = None) -> bool:
    """Whether "I'm with them now" may be said about this visit at this moment."""
    if visit.status == Visit.Status.CANCELLED:
        return False
    opens, closes = check_in_window(visit)
    return opens <= (now or timezone.now()).astimezone(UTC) < closes


@transaction.atomic
def visit_check_in(*, actor: User, visit_id: int) -> Visit:
    """ "I'm with Jean now", from one of the carers going, during the visit's time."""
    visit = visit_access_or_404(actor, visit_id, lock=True)
    if actor.pk not in visit.carer_ids:
        raise ValidationError(_("Only someone going to this visit can say they are there."))
    if visit.status == Visit.Status.CANCELLED:
        raise ValidationError(_("This visit is cancelled."))
    if visit.checked_in_at is not None:
        return visit  # pressed twice, or sent again from a phone that was offline
    now = timezone.now()
    opens, closes = check_in_window(visit)
    if now.astimezone(UTC) < opens:
        local = opens.astimezone(rota_zone())
        at = time_format(local.time(), "H:i")
        if local.date() == now.astimezone(rota_zone()).date():
            message = _("It is too early to say you are there. You can from %(time)s.") % {
                "time": at
            }
        else:
            message = _(
                "It is too early to say you are there. You can from %(time)s on %(day)s."
            ) % {"time": at, "day": day_in_words(local.date())}
        raise ValidationError(message, code="too_early")
    if now.astimezone(UTC) >= closes:
        raise ValidationError(
            _("This visit's time is over, so you cannot say you are there now."), code="over"
        )
    visit.checked_in_at = now
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

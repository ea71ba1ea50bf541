"""Writing a person's funding: entered by the team, with the person's agreement."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.models import AuditEntry, User
from families.models import CircleMember, Person
from teams.funding.models import Funding

# Limits that catch a slip of the finger (an extra nought), not real plans.
MAX_HOURLY_RATE_PENCE = 1_000 * 100
MAX_BUDGET_PENCE = 1_000_000 * 100
HOURS_IN_A_WEEK = Decimal(168)


def _check(
    *,
    weekly_hours: Decimal,
    hourly_rate_pence: int,
    budget_pence: int,
    seen_by_kinds: list[str],
    period_starts_on: dt.date,
    ends_on: dt.date | None,
) -> None:
    errors: dict[str, str] = {}
    if ends_on is not None and ends_on < period_starts_on:
        errors["ends_on"] = _("The plan cannot end before it starts. Check the two days.")
    if weekly_hours < 0 or weekly_hours > HOURS_IN_A_WEEK:
        errors["weekly_hours"] = _("A week has 168 hours: give a number from 0 to 168.")
    if hourly_rate_pence <= 0:
        errors["hourly_rate"] = _("Give the cost of an hour, more than £0.")
    elif hourly_rate_pence > MAX_HOURLY_RATE_PENCE:
        errors["hourly_rate"] = _("That is over £1,000 an hour. Check the figure.")
    if budget_pence <= 0:
        errors["budget"] = _("Give the budget, more than £0.")
    elif budget_pence > MAX_BUDGET_PENCE:
        errors["budget"] = _("That is over £1,000,000. Check the figure.")
    if not set(seen_by_kinds) <= set(CircleMember.Kind.values):
        errors["seen_by_kinds"] = _("Choose who sees it from the list.")
    if errors:
        raise ValidationError(errors)


def funding_save(
    *,
    person: Person,
    by: User,
    kind: str,
    weekly_hours: Decimal,
    hourly_rate_pence: int,
    budget_pence: int,
    budget_period: str,
    period_starts_on: dt.date,
    ends_on: dt.date | None,
    seen_by_kinds: list[str],
    agreed_by: str,
    agreed_how: str,
) -> Funding:
    """Create or change the person's funding; the record log says who changed it."""
    _check(
        weekly_hours=weekly_hours,
        hourly_rate_pence=hourly_rate_pence,
        budget_pence=budget_pence,
        seen_by_kinds=seen_by_kinds,
        period_starts_on=period_starts_on,
        ends_on=ends_on,
    )
    values = {
        "kind": Funding.Kind(kind),
        "weekly_hours": weekly_hours,
        "hourly_rate_pence": hourly_rate_pence,
        "budget_pence": budget_pence,
        "budget_period": Funding.Period(budget_period),
        "period_starts_on": period_starts_on,
        "ends_on": ends_on,
        "seen_by_kinds": sorted(set(seen_by_kinds)),
        "agreed_by": agreed_by,
        "agreed_how": agreed_how,
        "changed_by": by,
        "changed_at": timezone.now(),
    }
    with transaction.atomic():
        funding, created = Funding.objects.select_for_update().update_or_create(
            person=person, defaults=values
        )
        audit_record(
            actor=by,
            action=AuditEntry.Action.FUNDING_CHANGED,
            person_id=person.pk,
            team_id=person.team_id,
            detail={
                "kind": funding.kind,
                "weekly_hours": str(funding.weekly_hours),
                "hourly_rate_pence": funding.hourly_rate_pence,
                "budget_pence": funding.budget_pence,
                "budget_period": funding.budget_period,
                "first": created,
            },
        )
    return funding

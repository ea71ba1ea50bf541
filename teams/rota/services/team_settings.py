"""Availability and the team's agreements: when a carer can work, the goal, agreed hours."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.models import User
from families.access import (
    team_access_or_404,
)
from teams.models import (
    AgreedHours,
    Availability,
    Membership,
    RotaChange,
    RotaSettings,
    Team,
)
from teams.rota.services.common import (
    _record,
)

# Availability and team agreements --------------------------------------------------------------


@transaction.atomic
def availability_set(
    *,
    actor: User,
    team_id: int,
    kind: str,
    date: dt.date | None = None,
    weekday: int | None = None,
    start_time: dt.time | None = None,
    end_time: dt.time | None = None,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    reason: str = "",
) -> Availability:
    """A carer says when they can or cannot work, for one day or every week on a weekday."""
    team = team_access_or_404(actor, team_id)
    errors: dict[str, list[str]] = {}
    if kind not in Availability.Kind.values:
        errors["kind"] = [_("Please say whether you can or cannot work.")]
    if (date is None) == (weekday is None):
        errors["date"] = [_("Please choose one day, or a day of the week.")]
    elif weekday is not None and not 0 <= weekday <= 6:
        errors["weekday"] = [_("Please choose a day of the week.")]
    if (start_time is None) != (end_time is None):
        errors["end_time"] = [_("Please give both times, or neither for the whole day.")]
    elif start_time is not None and end_time is not None and end_time <= start_time:
        errors["end_time"] = [_("The end must be after the start.")]
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = [_("The last day must be after the first day.")]
    if errors:
        raise ValidationError(errors)
    entry = Availability(
        team=team,
        user=actor,
        kind=kind,
        date=date,
        weekday=weekday,
        start_time=start_time,
        end_time=end_time,
        starts_on=starts_on if weekday is not None else None,
        ends_on=ends_on if weekday is not None else None,
        reason=reason.strip(),
    )
    entry.full_clean()
    entry.save()
    _record(
        team_id=team.pk,
        actor=actor,
        kind=RotaChange.Kind.AVAILABILITY_SET,
        availability_id=entry.pk,
        after={"availability_id": entry.pk},
    )
    return entry


@transaction.atomic
def continuity_goal_set(*, actor: User, team_id: int, goal: int) -> RotaSettings:
    team = team_access_or_404(actor, team_id)
    if not 1 <= goal <= 20:
        raise ValidationError({"goal": [_("Please choose a number between 1 and 20.")]})
    settings, _created = RotaSettings.objects.update_or_create(
        team=team, defaults={"continuity_goal": goal}
    )
    return settings


@transaction.atomic
def agreed_hours_set(*, actor: User, team_id: int, weekly_hours: Decimal) -> AgreedHours:
    """A carer records the hours a week they have agreed with the team (for themself)."""
    team = team_access_or_404(actor, team_id)
    if not Decimal(0) < weekly_hours <= Decimal(80):
        raise ValidationError({"weekly_hours": [_("Please give between 1 and 80 hours.")]})
    membership = Membership.objects.current().get(team=team, user=actor)
    hours, _created = AgreedHours.objects.update_or_create(
        membership=membership, defaults={"weekly_hours": weekly_hours}
    )
    return hours


def rota_settings_for(team: Team) -> RotaSettings:
    """The team's agreements, or the defaults when the team has not changed them."""
    return RotaSettings.objects.filter(team=team).first() or RotaSettings(team=team)

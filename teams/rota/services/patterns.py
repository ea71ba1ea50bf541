"""Visits that repeat: the rule, its days, and keeping them made weeks ahead."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from dateutil.rrule import DAILY, MONTHLY, WEEKLY, rrule, rrulestr
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from core.models import User
from families.access import (
    pattern_access_or_404,
    person_access_or_404,
)
from teams.models import (
    RotaChange,
    Visit,
    VisitPattern,
)
from teams.rota import live
from teams.rota.clock import local_today, normalise_wall_time
from teams.rota.services.common import (
    WEEKDAY_CODES,
    WEEKS_AHEAD,
    _carers_for,
    _check_purpose,
    _check_window,
    _record,
)

# Patterns --------------------------------------------------------------------------------------


def weekly_rule(weekdays: Iterable[int]) -> str:
    """An RRULE for "every week on these days" (0 is Monday)."""
    days = sorted(set(weekdays))
    if not days or any(not 0 <= d <= 6 for d in days):
        raise ValidationError({"weekdays": [_("Please choose at least one day of the week.")]})
    return "FREQ=WEEKLY;BYDAY=" + ",".join(WEEKDAY_CODES[d] for d in days)


def _parse_rule(rule: str, starts_on: dt.date) -> rrule:
    text = rule.strip()
    if text.upper().startswith("RRULE:"):
        text = text[len("RRULE:") :]
    problem = ValidationError({"rule": [_("We could not understand how often this repeats.")]})
    if not text or "DTSTART" in text.upper() or "\n" in text:
        raise problem
    try:
        parsed = rrulestr(text, dtstart=dt.datetime.combine(starts_on, dt.time()))
    except (ValueError, TypeError):
        raise problem from None
    # Visits are by the day: anything more often than daily is not a rota pattern.
    if not isinstance(parsed, rrule):
        raise problem
    # dateutil keeps a rule's frequency only in a private attribute, which its stubs leave out.
    if parsed._freq not in (DAILY, WEEKLY, MONTHLY):  # type: ignore[attr-defined]
        raise problem
    return parsed


def occurrence_dates(pattern: VisitPattern, *, start: dt.date, until: dt.date) -> list[dt.date]:
    """The days a pattern falls on between two dates, both included, by dateutil's rrule.

    Recurrence runs on naive dates: wall-clock times are attached per day afterwards, so a
    clock change can never shift a visit to another hour or day.
    """
    first = max(start, pattern.starts_on)
    last = min(until, pattern.ends_on) if pattern.ends_on else until
    if last < first:
        return []
    parsed = _parse_rule(pattern.rule, pattern.starts_on)
    moments = parsed.between(
        dt.datetime.combine(first, dt.time()),
        dt.datetime.combine(last, dt.time.max),
        inc=True,
    )
    return sorted({moment.date() for moment in moments})


def _expand(pattern: VisitPattern, *, until: dt.date, start: dt.date | None = None) -> int:
    """Make the pattern's missing visits up to ``until``. Running it twice adds nothing."""
    start = start or local_today()
    days = occurrence_dates(pattern, start=start, until=until)
    if not days:
        return 0
    have = set(
        Visit.objects.filter(pattern=pattern, original_date__in=days).values_list(
            "original_date", flat=True
        )
    )
    status = Visit.Status.ASSIGNED if pattern.carer_id else Visit.Status.OPEN
    new = []
    for day in days:
        if day in have:
            continue
        # On the day the clocks go forward a skipped time moves on with the clocks.
        new.append(
            Visit(
                team_id=pattern.team_id,
                person_id=pattern.person_id,
                date=day,
                window_label=pattern.window_label,
                window_start=normalise_wall_time(day, pattern.window_start),
                window_end=normalise_wall_time(day, pattern.window_end),
                exact_time=(
                    normalise_wall_time(day, pattern.exact_time) if pattern.exact_time else None
                ),
                minutes=pattern.minutes,
                purpose=pattern.purpose,
                carer_id=pattern.carer_id,
                status=status,
                pattern=pattern,
                original_date=day,
            )
        )
    # A concurrent expansion may have made some of these: the unique constraint keeps one.
    Visit.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


@transaction.atomic
def pattern_create(
    *,
    actor: User,
    person_id: int,
    rule: str,
    starts_on: dt.date,
    window_start: dt.time,
    window_end: dt.time,
    minutes: int,
    purpose: str,
    window_label: str = "",
    exact_time: dt.time | None = None,
    carer_id: int | None = None,
    ends_on: dt.date | None = None,
    weeks_ahead: int = WEEKS_AHEAD,
) -> VisitPattern:
    """Visits that repeat, made several weeks ahead straight away."""
    access = person_access_or_404(actor, person_id)
    if not access.is_team:
        raise Http404
    person = access.person
    # Every day the pattern falls on is checked as it is expanded; the times themselves
    # only need to make sense here.
    _check_window(
        day=starts_on,
        window_start=window_start,
        window_end=window_end,
        exact_time=exact_time,
        minutes=minutes,
        check_clock=False,
    )
    if ends_on is not None and ends_on < starts_on:
        raise ValidationError({"ends_on": [_("The last day must be after the first day.")]})
    _parse_rule(rule, starts_on)
    purpose = _check_purpose(purpose)
    if carer_id is not None:
        _carers_for(person.team_id, [carer_id])
    pattern = VisitPattern.objects.create(
        team_id=person.team_id,
        person=person,
        rule=rule.strip(),
        window_label=window_label.strip(),
        window_start=window_start,
        window_end=window_end,
        exact_time=exact_time,
        minutes=minutes,
        purpose=purpose,
        carer_id=carer_id,
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=actor,
    )
    # From its first day (never in the past), several weeks ahead.
    first = max(starts_on, local_today())
    _expand(pattern, until=first + dt.timedelta(weeks=weeks_ahead), start=first)
    _record(
        team_id=pattern.team_id,
        actor=actor,
        kind=RotaChange.Kind.PATTERN_CREATED,
        pattern=pattern,
        after={"pattern_id": pattern.pk},
    )
    live.team_rota_changed(pattern.team_id, person_id=pattern.person_id)
    return pattern


@transaction.atomic
def pattern_expand(*, actor: User, pattern_id: int, until: dt.date) -> int:
    """Make a pattern's visits up to ``until``; returns how many were new."""
    pattern = pattern_access_or_404(actor, pattern_id)
    made = _expand(pattern, until=until)
    if made:
        live.team_rota_changed(pattern.team_id, person_id=pattern.person_id)
    return made


def patterns_expand_all(*, until: dt.date | None = None) -> int:
    """The daily job: keep every pattern expanded several weeks ahead. Not for users."""
    until = until or local_today() + dt.timedelta(weeks=WEEKS_AHEAD)
    made = 0
    for pattern in VisitPattern.objects.all().iterator():
        with transaction.atomic():
            made += _expand(pattern, until=until)
    return made

"""Reading money and hours: what the rota has delivered and plans, against the funding.

Hours come from the rota. A visit that happened counts with its real times when a carer
checked in and marked it done, otherwise with its planned length (and says so). Each carer
on a visit counts: two carers for an hour are two hours. Money follows from the hourly rate,
worked out per visit and rounded to the nearest penny (half a penny rounds up).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from dateutil.relativedelta import relativedelta

from teams.funding.models import Funding
from teams.models import Visit

PERIOD_DAYS = {Funding.Period.WEEK: 7, Funding.Period.FOUR_WEEKS: 28}


@dataclass(frozen=True)
class VisitCost:
    visit_id: int
    date: dt.date
    minutes: int  # carer-minutes: the visit's length times the carers on it
    pence: int
    happened: bool  # in the past (or marked done); otherwise still planned
    recorded: bool  # real times from check-in to done, not the planned length


@dataclass(frozen=True)
class Span:
    """The hours and money of the visits in [starts_on, ends_on), against what was agreed."""

    starts_on: dt.date
    ends_on: dt.date  # the day after the last
    delivered_minutes: int
    recorded_minutes: int
    planned_minutes: int
    delivered_pence: int
    planned_pence: int
    agreed_minutes: int

    @property
    def last_day(self) -> dt.date:
        return self.ends_on - dt.timedelta(days=1)


@dataclass(frozen=True)
class MoneyPicture:
    funding: Funding
    today: dt.date
    week: Span
    month: Span
    period: Span
    # Spending per day across the period, added up (pence at the end of each day).
    running_total: list[tuple[dt.date, int]]
    # After this day the picture goes on at the agreed hours: the rota plans no further.
    projected_after: dt.date | None
    runs_out_on: dt.date | None

    @property
    def budget_pence(self) -> int:
        return self.funding.budget_pence

    @property
    def days_early(self) -> int:
        """How many days before the period ends the budget runs out (0 if it lasts)."""
        if self.runs_out_on is None:
            return 0
        return (self.period.ends_on - self.runs_out_on).days

    @property
    def left_pence(self) -> int:
        """What is left of this period's budget once what happened so far is paid."""
        return self.funding.budget_pence - self.period.delivered_pence


def pence_for(*, minutes: int, hourly_rate_pence: int) -> int:
    exact = Decimal(minutes) * Decimal(hourly_rate_pence) / Decimal(60)
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def period_containing(funding: Funding, day: dt.date) -> tuple[dt.date, dt.date]:
    """The budget period holding day, as [start, end): periods follow on from the first, and
    the last stops when the plan ends."""
    start, end = _whole_period_containing(funding, day)
    if funding.ends_on is not None:
        end = max(start + dt.timedelta(days=1), min(end, funding.ends_on + dt.timedelta(days=1)))
    return start, end


def _whole_period_containing(funding: Funding, day: dt.date) -> tuple[dt.date, dt.date]:
    first = funding.period_starts_on
    if funding.budget_period == Funding.Period.YEAR:
        years = max(0, relativedelta(day, first).years) if day >= first else 0
        start = first + relativedelta(years=years)
        return start, first + relativedelta(years=years + 1)
    length = PERIOD_DAYS[Funding.Period(funding.budget_period)]
    periods = max(0, (day - first).days // length)
    start = first + dt.timedelta(days=periods * length)
    return start, start + dt.timedelta(days=length)


def week_containing(day: dt.date) -> tuple[dt.date, dt.date]:
    monday = day - dt.timedelta(days=day.weekday())
    return monday, monday + dt.timedelta(days=7)


def month_containing(day: dt.date) -> tuple[dt.date, dt.date]:
    first = day.replace(day=1)
    return first, first + relativedelta(months=1)


def _cost_of(visit: Mapping[str, Any], *, today: dt.date, rate: int) -> VisitCost:
    carers = max(1, sum(1 for key in ("carer_id", "second_carer_id") if visit[key] is not None))
    began, ended = visit["checked_in_at"], visit["done_at"]
    recorded = began is not None and ended is not None and ended > began
    happened = visit["done_at"] is not None or (
        visit["date"] < today and visit["status"] == Visit.Status.ASSIGNED
    )
    # Real elapsed time: aware datetimes count the hour a clock change adds or takes away.
    length = round((ended - began).total_seconds() / 60) if recorded else visit["minutes"]
    minutes = length * carers
    return VisitCost(
        visit_id=visit["id"],
        date=visit["date"],
        minutes=minutes,
        pence=pence_for(minutes=minutes, hourly_rate_pence=rate),
        happened=happened,
        recorded=recorded,
    )


def visit_costs(
    *, funding: Funding, starts_on: dt.date, ends_on: dt.date, today: dt.date
) -> list[VisitCost]:
    """Every visit of the person in [starts_on, ends_on) that happened or is still to come.

    One query, however many visits. A visit nobody took whose day has passed did not happen;
    one still to come counts: the team will cover it.
    """
    rows = (
        Visit.objects.filter(person_id=funding.person_id, date__gte=starts_on, date__lt=ends_on)
        .exclude(status=Visit.Status.CANCELLED)
        .values(
            "id", "date", "minutes", "status", "carer_id", "second_carer_id",
            "checked_in_at", "done_at",
        )
        .order_by("date", "window_start", "id")
    )  # fmt: skip
    costs = [_cost_of(row, today=today, rate=funding.hourly_rate_pence) for row in rows]
    return [cost for cost in costs if cost.happened or cost.date >= today]


def _span(costs: Iterable[VisitCost], start: dt.date, end: dt.date, weekly_hours: Decimal) -> Span:
    inside = [cost for cost in costs if start <= cost.date < end]
    done = [cost for cost in inside if cost.happened]
    planned = [cost for cost in inside if not cost.happened]
    agreed = Decimal(weekly_hours) * 60 * (end - start).days / 7
    return Span(
        starts_on=start,
        ends_on=end,
        delivered_minutes=sum(cost.minutes for cost in done),
        recorded_minutes=sum(cost.minutes for cost in done if cost.recorded),
        planned_minutes=sum(cost.minutes for cost in planned),
        delivered_pence=sum(cost.pence for cost in done),
        planned_pence=sum(cost.pence for cost in planned),
        agreed_minutes=int(agreed.quantize(Decimal(1), rounding=ROUND_HALF_UP)),
    )


def _running_total(
    costs: list[VisitCost], funding: Funding, start: dt.date, end: dt.date, today: dt.date
) -> tuple[list[tuple[dt.date, int]], dt.date | None]:
    """Spending added up day by day; past the rota's last planned visit, at the agreed hours.

    What happened stays as it happened: days gone by with no visits cost nothing.
    """
    by_day: dict[dt.date, int] = {}
    for cost in costs:
        if start <= cost.date < end:
            by_day[cost.date] = by_day.get(cost.date, 0) + cost.pence
    yesterday = today - dt.timedelta(days=1)
    planned_until = max([*by_day, yesterday, start - dt.timedelta(days=1)])
    projected_after = planned_until if planned_until < end - dt.timedelta(days=1) else None
    per_day = Decimal(funding.weekly_hours) * funding.hourly_rate_pence / 7
    total, carried, running = 0, Decimal(0), []
    day = start
    while day < end:
        if projected_after is not None and day > projected_after:
            carried += per_day
            whole = int(carried)
            total, carried = total + whole, carried - whole
        else:
            total += by_day.get(day, 0)
        running.append((day, total))
        day += dt.timedelta(days=1)
    return running, projected_after


def money_picture(*, funding: Funding, today: dt.date) -> MoneyPicture:
    """This week, this month and this budget period, against the plan. One query for visits."""
    week, month, period = (
        week_containing(today),
        month_containing(today),
        period_containing(funding, today),
    )
    costs = visit_costs(
        funding=funding,
        starts_on=min(week[0], month[0], period[0]),
        ends_on=max(week[1], month[1], period[1]),
        today=today,
    )
    running, projected_after = _running_total(costs, funding, *period, today)
    runs_out_on = next((day for day, total in running if total > funding.budget_pence), None)
    return MoneyPicture(
        funding=funding,
        today=today,
        week=_span(costs, *week, funding.weekly_hours),
        month=_span(costs, *month, funding.weekly_hours),
        period=_span(costs, *period, funding.weekly_hours),
        running_total=running,
        projected_after=projected_after,
        runs_out_on=runs_out_on,
    )


def funding_for(person_id: int) -> Funding | None:
    return Funding.objects.filter(person_id=person_id).first()

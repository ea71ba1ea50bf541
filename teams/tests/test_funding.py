"""Money and hours: funding against what the rota delivers and plans."""

import datetime as dt
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import AuditEntry
from teams.funding.models import Funding
from teams.funding.selectors import money_picture, pence_for, period_containing
from teams.funding.services import funding_save
from teams.models import Visit

LONDON = ZoneInfo("Europe/London")
# A Wednesday; the four-week budget below runs from Monday 23 November to Sunday 20 December.
TODAY = dt.date(2026, 12, 2)


def _plan(personas, **changes) -> Funding:
    values: dict[str, Any] = {
        "kind": Funding.Kind.SELF_FUNDED,
        "weekly_hours": Decimal("14"),
        "hourly_rate_pence": 2100,
        "budget_pence": 150_000,
        "budget_period": Funding.Period.FOUR_WEEKS,
        "period_starts_on": dt.date(2026, 11, 23),
        "ends_on": None,
        "seen_by_kinds": ["family"],
        "agreed_by": "Jean",
        "agreed_how": "at her review, with Sarah",
    }
    values.update(changes)
    return funding_save(person=personas.person, by=personas.carer, **values)


def _visit(personas, day: dt.date, minutes: int = 60, **fields) -> Visit:
    defaults = {
        "team": personas.team,
        "person": personas.person,
        "date": day,
        "window_start": dt.time(8),
        "window_end": dt.time(10),
        "minutes": minutes,
        "purpose": "Breakfast and a chat",
        "carer": personas.carer,
        "status": Visit.Status.ASSIGNED,
    }
    defaults.update(fields)
    return Visit.objects.create(**defaults)


@pytest.mark.parametrize("kind", Funding.Kind.values)
def test_each_kind_of_funding_is_saved_and_written_in_the_record_log(personas, kind):
    funding = _plan(personas, kind=kind)
    assert funding.kind == Funding.objects.get(person=personas.person).kind == kind
    entry = AuditEntry.objects.get(action=AuditEntry.Action.FUNDING_CHANGED)
    assert (entry.actor, entry.person_id) == (personas.carer, personas.person.pk)


def test_saving_again_changes_the_one_plan(personas):
    _plan(personas)
    _plan(personas, hourly_rate_pence=2300)
    assert Funding.objects.get().hourly_rate_pence == 2300
    assert AuditEntry.objects.filter(action=AuditEntry.Action.FUNDING_CHANGED).count() == 2


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"hourly_rate_pence": -100}, "hourly_rate"),
        ({"hourly_rate_pence": 0}, "hourly_rate"),
        ({"hourly_rate_pence": 100_001}, "hourly_rate"),
        ({"budget_pence": 100_000_001}, "budget"),
        ({"budget_pence": -1}, "budget"),
        ({"weekly_hours": Decimal("168.5")}, "weekly_hours"),
        ({"weekly_hours": Decimal("-1")}, "weekly_hours"),
        ({"ends_on": dt.date(2026, 11, 1)}, "ends_on"),
        ({"seen_by_kinds": ["everyone"]}, "seen_by_kinds"),
    ],
)
def test_absurd_figures_are_refused_saying_what_to_fix_and_nothing_changes(
    personas, changes, field
):
    _plan(personas)
    with pytest.raises(ValidationError) as refused:
        _plan(personas, **changes)
    assert field in refused.value.message_dict
    assert Funding.objects.get().hourly_rate_pence == 2100
    assert AuditEntry.objects.filter(action=AuditEntry.Action.FUNDING_CHANGED).count() == 1


def test_pence_are_rounded_half_up_per_visit():
    assert pence_for(minutes=45, hourly_rate_pence=2150) == 1613  # 1612.5
    assert pence_for(minutes=1, hourly_rate_pence=2100) == 35


def test_periods_follow_on_from_the_first_day(personas):
    funding = _plan(personas)
    assert period_containing(funding, TODAY) == (dt.date(2026, 11, 23), dt.date(2026, 12, 21))
    assert period_containing(funding, dt.date(2026, 12, 21))[0] == dt.date(2026, 12, 21)
    yearly = _plan(
        personas, budget_period=Funding.Period.YEAR, period_starts_on=dt.date(2026, 4, 6)
    )
    assert period_containing(yearly, dt.date(2027, 4, 5)) == (
        dt.date(2026, 4, 6),
        dt.date(2027, 4, 6),
    )
    ending = _plan(personas, ends_on=dt.date(2026, 12, 10))
    assert period_containing(ending, TODAY) == (dt.date(2026, 11, 23), dt.date(2026, 12, 11))


@time_machine.travel(dt.datetime(2026, 12, 2, 12, tzinfo=LONDON), tick=False)
def test_delivered_counts_real_times_when_recorded_and_planned_times_otherwise(personas):
    funding = _plan(personas)
    recorded = _visit(personas, dt.date(2026, 11, 30), minutes=60)
    recorded.checked_in_at = dt.datetime(2026, 11, 30, 8, 5, tzinfo=LONDON)
    recorded.done_at = dt.datetime(2026, 11, 30, 9, 35, tzinfo=LONDON)  # 90 minutes
    recorded.save()
    _visit(personas, dt.date(2026, 12, 1), minutes=60)  # happened, as planned
    _visit(personas, dt.date(2026, 12, 1), minutes=60, status=Visit.Status.CANCELLED)
    _visit(personas, dt.date(2026, 12, 1), minutes=60, status=Visit.Status.OPEN, carer=None)
    _visit(personas, dt.date(2026, 12, 2), minutes=30)  # today, still to come
    _visit(personas, dt.date(2026, 12, 4), minutes=60, second_carer=personas.other_carer)

    week = money_picture(funding=funding, today=TODAY).week
    assert week.delivered_minutes == 150
    assert week.recorded_minutes == 90
    assert week.planned_minutes == 30 + 120  # two carers for an hour are two hours
    assert week.delivered_pence == pence_for(minutes=150, hourly_rate_pence=2100)
    assert week.agreed_minutes == 14 * 60


def test_real_times_across_the_clock_change_count_the_extra_hour(personas):
    """A waking night over the last Sunday of October: the clocks go back, the night is
    eleven hours long, though the clock says ten."""
    funding = _plan(personas, period_starts_on=dt.date(2026, 10, 19))
    night = _visit(personas, dt.date(2026, 10, 24), minutes=600)
    night.checked_in_at = dt.datetime(2026, 10, 24, 22, tzinfo=LONDON)
    night.done_at = dt.datetime(2026, 10, 25, 8, tzinfo=LONDON)
    night.save()
    spring = _visit(personas, dt.date(2026, 3, 28), minutes=600)
    spring.checked_in_at = dt.datetime(2026, 3, 28, 22, tzinfo=LONDON)
    spring.done_at = dt.datetime(2026, 3, 29, 8, tzinfo=LONDON)
    spring.save()
    autumn = money_picture(funding=funding, today=dt.date(2026, 10, 26)).period
    assert autumn.delivered_minutes == 11 * 60
    march = _plan(personas, period_starts_on=dt.date(2026, 3, 23))
    assert (
        money_picture(funding=march, today=dt.date(2026, 3, 31)).period.delivered_minutes == 9 * 60
    )


def test_the_run_out_day_is_found_and_said_in_days_early(personas):
    # £21 an hour, 10 hours a day: £210 a day against £1,500 for four weeks.
    funding = _plan(personas, budget_pence=150_000)
    day = dt.date(2026, 11, 23)
    while day < dt.date(2026, 12, 21):
        _visit(personas, day, minutes=600)
        day += dt.timedelta(days=1)
    picture = money_picture(funding=funding, today=TODAY)
    # 7 days are £1,470; the eighth takes it over £1,500.
    assert picture.runs_out_on == dt.date(2026, 11, 30)
    assert picture.days_early == 21
    assert picture.projected_after is None


def test_past_the_rota_the_picture_goes_on_at_the_agreed_hours(personas):
    funding = _plan(personas, weekly_hours=Decimal("70"), budget_pence=150_000)
    _visit(personas, dt.date(2026, 11, 24), minutes=60)
    picture = money_picture(funding=funding, today=TODAY)
    # Nothing more on the rota: from today, 10 hours a day at £21 is £210 a day. The days
    # gone by with no visits cost nothing. £21 + 7 x £210 = £1,491 by the 8th; over on the 9th.
    assert picture.projected_after == TODAY - dt.timedelta(days=1)
    assert picture.runs_out_on == dt.date(2026, 12, 9)


def test_a_budget_that_lasts_has_no_run_out_day(personas):
    funding = _plan(personas, budget_pence=1_000_000)
    _visit(personas, dt.date(2026, 11, 24))
    assert money_picture(funding=funding, today=TODAY).runs_out_on is None


def test_the_picture_costs_the_same_queries_for_ten_visits_or_three_hundred(personas):
    funding = _plan(
        personas, budget_period=Funding.Period.YEAR, period_starts_on=dt.date(2026, 4, 6)
    )

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            money_picture(funding=funding, today=TODAY)
        return len(captured)

    for offset in range(10):
        _visit(personas, dt.date(2026, 11, 1) + dt.timedelta(days=offset))
    few = queries()
    for offset in range(290):
        _visit(personas, dt.date(2026, 5, 1) + dt.timedelta(days=offset % 200))
    assert queries() == few == 1, "one query for the visits, however many there are"

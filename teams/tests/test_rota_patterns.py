"""Repeating visits: expanded by dateutil's rrule, idempotent, wall-clock across clock changes."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from teams.models import RotaChange, Visit, VisitPattern
from teams.rota import services
from teams.rota.clock import aware, normalise_wall_time, wall_time_exists
from teams.tests.rota_helpers import BEFORE_THE_NAMED_DATES


@pytest.fixture(autouse=True)
def _before_the_named_dates(time_machine):
    # A pattern only makes visits from today on: the dates below must still be to come.
    time_machine.move_to(BEFORE_THE_NAMED_DATES, tick=True)


def _pattern(personas, *, starts_on, rule="FREQ=WEEKLY;BYDAY=MO,WE,FR", **extra):
    fields = {
        "window_start": dt.time(9),
        "window_end": dt.time(11),
        "window_label": "morning",
        "minutes": 45,
        "purpose": "Breakfast and getting dressed",
        **extra,
    }
    return services.pattern_create(
        actor=personas.carer, person_id=personas.person.pk, rule=rule, starts_on=starts_on, **fields
    )


def test_weekly_rule_from_weekdays():
    assert services.weekly_rule([4, 0, 2, 0]) == "FREQ=WEEKLY;BYDAY=MO,WE,FR"
    with pytest.raises(ValidationError):
        services.weekly_rule([])


def test_a_pattern_makes_visits_on_its_days_and_expanding_twice_adds_nothing(personas):
    start = dt.date(2027, 1, 4)  # a Monday
    pattern = _pattern(personas, starts_on=start, ends_on=dt.date(2027, 1, 31))
    days = list(Visit.objects.filter(pattern=pattern).values_list("date", flat=True))
    assert days == [start + dt.timedelta(days=d) for d in range(28) if d % 7 in (0, 2, 4)]
    again = services._expand(pattern, until=dt.date(2027, 3, 1), start=start)
    assert again == 0
    assert Visit.objects.filter(pattern=pattern).count() == 12
    assert RotaChange.objects.filter(kind=RotaChange.Kind.PATTERN_CREATED).count() == 1


def test_skipping_and_moving_one_visit_keeps_the_pattern(personas):
    start = dt.date(2027, 1, 4)
    pattern = _pattern(personas, starts_on=start, ends_on=dt.date(2027, 1, 17))
    monday, wednesday = Visit.objects.filter(pattern=pattern).order_by("date")[:2]
    services.visit_skip(actor=personas.carer, visit_id=monday.pk)
    services.visit_move(
        actor=personas.carer,
        visit_id=wednesday.pk,
        date=dt.date(2027, 1, 7),
        window_start=dt.time(14),
        window_end=dt.time(15),
    )
    services._expand(pattern, until=dt.date(2027, 1, 17), start=start)
    visits = Visit.objects.filter(pattern=pattern)
    assert visits.count() == 6  # nothing made again for the skipped or moved days
    assert visits.get(original_date=start).status == Visit.Status.CANCELLED
    moved = visits.get(original_date=dt.date(2027, 1, 6))
    assert (moved.date, moved.window_start) == (dt.date(2027, 1, 7), dt.time(14))


def test_a_pattern_across_the_clock_change_keeps_its_wall_clock_time(personas):
    # The clocks go forward on Sunday 28 March 2027 and back on Sunday 31 October 2027.
    pattern = _pattern(
        personas,
        starts_on=dt.date(2027, 3, 22),
        ends_on=dt.date(2027, 4, 4),
        rule="FREQ=DAILY",
    )
    visits = Visit.objects.filter(pattern=pattern).order_by("date")
    assert visits.count() == 14
    assert {v.window_start for v in visits} == {dt.time(9)}
    offsets = {aware(v.date, v.window_start).utcoffset() for v in visits}
    assert offsets == {dt.timedelta(0), dt.timedelta(hours=1)}


def test_a_night_time_the_clocks_skip_moves_on_with_the_clocks(personas):
    pattern = _pattern(
        personas,
        starts_on=dt.date(2027, 3, 27),
        ends_on=dt.date(2027, 3, 29),
        rule="FREQ=DAILY",
        window_start=dt.time(1, 30),
        window_end=dt.time(3),
        minutes=20,
    )
    times = dict(Visit.objects.filter(pattern=pattern).values_list("date", "window_start"))
    assert times == {
        dt.date(2027, 3, 27): dt.time(1, 30),
        dt.date(2027, 3, 28): dt.time(2, 30),
        dt.date(2027, 3, 29): dt.time(1, 30),
    }


@pytest.mark.parametrize(
    "rule", ["", "FREQ=HOURLY", "FREQ=WEEKLY;BYDAY=XX", "DTSTART:20270101\nFREQ=DAILY", "nonsense"]
)
def test_a_rule_we_cannot_use_is_refused(personas, rule):
    with pytest.raises(ValidationError):
        _pattern(personas, starts_on=dt.date(2027, 1, 4), rule=rule)
    assert not VisitPattern.objects.exists()


@pytest.mark.parametrize("who", ["other_carer", "family", "person_user", "outsider"])
def test_patterns_are_for_the_team(personas, who):
    with pytest.raises(Http404):
        services.pattern_create(
            actor=personas.all_users()[who],
            person_id=personas.person.pk,
            rule="FREQ=DAILY",
            starts_on=dt.date(2027, 1, 4),
            window_start=dt.time(9),
            window_end=dt.time(10),
            minutes=30,
            purpose="Tea",
        )
    pattern = _pattern(personas, starts_on=dt.date(2027, 1, 4))
    with pytest.raises(Http404):
        services.pattern_expand(
            actor=personas.all_users()[who], pattern_id=pattern.pk, until=dt.date(2027, 2, 1)
        )


def test_undoing_a_pattern_cancels_its_untouched_visits_to_come(personas):
    from teams.rota.clock import local_today

    start = local_today() + dt.timedelta(days=1)
    pattern = _pattern(
        personas, starts_on=start, rule="FREQ=DAILY", ends_on=start + dt.timedelta(6)
    )
    first = Visit.objects.filter(pattern=pattern).order_by("date").first()
    assert first is not None
    services.visit_claim(actor=personas.carer, visit_id=first.pk)
    created = RotaChange.objects.get(kind=RotaChange.Kind.PATTERN_CREATED)
    services.change_undo(actor=personas.carer, change_id=created.pk)
    statuses = list(
        Visit.objects.filter(pattern=pattern).order_by("date").values_list("status", flat=True)
    )
    assert statuses == [Visit.Status.ASSIGNED] + [Visit.Status.CANCELLED] * 6
    assert services._expand(pattern, until=start + dt.timedelta(days=30)) == 0


# Properties ------------------------------------------------------------------------------------

weekdays = st.sets(st.integers(0, 6), min_size=1)
wall_times = st.times().map(lambda t: t.replace(second=0, microsecond=0))
starts = st.dates(min_value=dt.date(2026, 1, 1), max_value=dt.date(2030, 12, 31))


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(days=weekdays, start=starts, at=wall_times, weeks=st.integers(1, 60))
def test_expansion_falls_on_the_chosen_weekdays_and_keeps_wall_clock_time(days, start, at, weeks):
    pattern = VisitPattern(
        rule=services.weekly_rule(days),
        starts_on=start,
        window_start=at,
        window_end=at,
    )
    until = start + dt.timedelta(weeks=weeks)
    found = services.occurrence_dates(pattern, start=start, until=until)
    expected = [
        start + dt.timedelta(days=n)
        for n in range((until - start).days + 1)
        if (start + dt.timedelta(days=n)).weekday() in days
    ]
    assert found == expected
    for day in found:
        kept = normalise_wall_time(day, at)
        assert wall_time_exists(day, kept)
        # Only a time the clocks skip moves, and then by exactly the hour they skip.
        if wall_time_exists(day, at):
            assert kept == at
        else:
            moved = dt.datetime.combine(day, kept) - dt.datetime.combine(day, at)
            assert moved == dt.timedelta(hours=1)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(days=weekdays, at=wall_times, weeks_before=st.integers(0, 3))
def test_expanding_again_never_duplicates(personas, days, at, weeks_before):
    start = dt.date(2027, 3, 1) + dt.timedelta(weeks=weeks_before)
    end = dt.time(23, 59)
    at = min(at, dt.time(23, 0))
    pattern = VisitPattern.objects.create(
        team=personas.team,
        person=personas.person,
        rule=services.weekly_rule(days),
        starts_on=start,
        window_start=at,
        window_end=end,
        minutes=30,
        purpose="Tea",
    )
    first = services._expand(pattern, until=dt.date(2027, 5, 1), start=start)
    second = services._expand(pattern, until=dt.date(2027, 5, 1), start=start)
    assert second == 0
    visits = Visit.objects.filter(pattern=pattern)
    assert visits.count() == first
    assert len(set(visits.values_list("original_date", flat=True))) == first
    for visit in visits:
        assert wall_time_exists(visit.date, visit.window_start)


def test_the_daily_job_expands_every_pattern_once(personas):
    from io import StringIO

    from django.core.management import call_command

    from teams.rota.clock import local_today

    start = local_today() + dt.timedelta(days=1)
    pattern = _pattern(personas, starts_on=start, rule="FREQ=DAILY", weeks_ahead=1)
    before = pattern.visits.count()
    out = StringIO()
    call_command("expand_rota", "--weeks=3", stdout=out)
    assert pattern.visits.count() > before
    assert out.getvalue().strip() == f"{pattern.visits.count() - before} new visits"
    call_command("expand_rota", "--weeks=3", stdout=StringIO())
    assert len(set(pattern.visits.values_list("date", flat=True))) == pattern.visits.count()


def test_fifty_two_weeks_for_forty_people_expands_in_a_few_queries_each(personas):
    # How fast is bench/rota_bench.py's to say (a year of patterns for 40 people); here, that
    # a year of visits is written in bulk, never a query per visit.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from core.tests.factories import PersonFactory

    people = [PersonFactory.create(team=personas.team) for _ in range(40)]
    patterns = [
        VisitPattern.objects.create(
            team=personas.team,
            person=person,
            rule="FREQ=WEEKLY;BYDAY=MO,WE,FR",
            starts_on=dt.date(2027, 1, 4),
            window_start=dt.time(9),
            window_end=dt.time(11),
            minutes=45,
            purpose="Breakfast",
        )
        for person in people
    ]
    counts = []
    for pattern in patterns:
        with CaptureQueriesContext(connection) as captured:
            services._expand(pattern, until=dt.date(2028, 1, 2), start=dt.date(2027, 1, 4))
        counts.append(len(captured.captured_queries))
    assert Visit.objects.count() == 40 * 52 * 3
    # 156 visits per pattern, the same handful of queries for each.
    assert len(set(counts)) == 1
    assert counts[0] <= 10, counts

"""The person's own My day: the greeting by part of day, who is coming to see them next in the
first person, today and tomorrow, their goals, how they said they feel."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from core.dates import greeting, part_of_day
from families import services as family_services
from teams.models import Visit
from teams.rota.my_day import my_day_for
from teams.tests.rota_helpers import teammate

# Wednesday 2 December 2026 in London (GMT, so UTC is the wall clock).
WEDNESDAY = dt.date(2026, 12, 2)


def at(hour: int, minute: int = 0, day: dt.date = WEDNESDAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=dt.UTC)


def visit(personas, *, day=WEDNESDAY, start=(12, 0), end=(13, 30), carer="me", **extra) -> Visit:
    carer = personas.carer if carer == "me" else carer
    extra.setdefault("status", Visit.Status.ASSIGNED if carer else Visit.Status.OPEN)
    return Visit.objects.create(
        team=personas.team,
        person=personas.person,
        date=day,
        window_start=dt.time(*start),
        window_end=dt.time(*end),
        minutes=30,
        purpose="Lunch and a chat",
        carer=carer,
        **extra,
    )


@pytest.mark.parametrize(
    ("hour", "words"),
    [
        (6, "Good morning, Jean."),
        (11, "Good morning, Jean."),
        (12, "Good afternoon, Jean."),
        (17, "Good afternoon, Jean."),
        (18, "Good evening, Jean."),
        (23, "Good evening, Jean."),
    ],
)
def test_it_greets_the_person_by_the_part_of_the_day(personas, hour, words):
    with time_machine.travel(at(hour, 30), tick=False):
        assert my_day_for(personas.person).greeting == words


def test_the_greeting_is_in_welsh_for_a_welsh_speaker():
    with translation.override("cy"):
        assert greeting("Gwen", at=dt.time(9)) == "Bore da, Gwen."
        assert greeting("Gwen", at=dt.time(14)) == "Prynhawn da, Gwen."
        assert greeting("Gwen", at=dt.time(20)) == "Noswaith dda, Gwen."
    assert part_of_day(dt.time(11, 59)) == "morning"


def test_it_says_who_is_coming_next_to_the_person(personas):
    personas.carer.display_name = "Priya Shah"
    personas.carer.save()
    visit(personas)
    with time_machine.travel(at(9), tick=False):
        day = my_day_for(personas.person)
    assert day.next_visit is not None
    assert day.next_visit.sentence == (
        "Priya is coming to see you this afternoon, between 12 and 1.30."
    )
    assert [c.pk for c in day.next_visit.carers] == [personas.carer.pk]
    assert day.later_today == []


def test_two_carers_are_coming_together(personas):
    personas.carer.display_name = "Priya Shah"
    personas.carer.save()
    visit(personas, second_carer=teammate(personas, "Gareth Llewellyn"))
    with time_machine.travel(at(9), tick=False):
        day = my_day_for(personas.person)
    assert day.next_visit is not None
    assert day.next_visit.sentence == (
        "Priya and Gareth are coming to see you this afternoon, between 12 and 1.30."
    )


def test_with_no_visit_today_it_says_so_and_shows_tomorrows(personas):
    personas.carer.display_name = "Priya Shah"
    personas.carer.save()
    visit(personas, day=WEDNESDAY + dt.timedelta(days=1), start=(8, 0), end=(10, 0))
    with time_machine.travel(at(9), tick=False):
        day = my_day_for(personas.person)
    assert day.today_visits == []
    assert day.next_visit is not None
    assert day.next_visit.sentence == (
        "Priya is coming to see you tomorrow morning, between 8 and 10."
    )
    assert day.tomorrow_rest == []


def test_a_visit_whose_window_is_over_is_not_coming_any_more(personas):
    visit(personas, start=(8, 0), end=(10, 0))
    later = visit(personas, day=WEDNESDAY + dt.timedelta(days=1), carer=None)
    with time_machine.travel(at(10, 30), tick=False):
        day = my_day_for(personas.person)
    assert day.today_visits == []
    assert day.next_visit is not None
    assert day.next_visit.visit == later
    assert day.next_visit.sentence == (
        "Someone from the team is coming to see you tomorrow afternoon, between 12 and 1.30."
    )


def test_a_carer_who_has_arrived_is_with_you_now(personas):
    personas.carer.display_name = "Priya Shah"
    personas.carer.save()
    visit(personas, checked_in_at=at(12, 5), checked_in_by=personas.carer)
    with time_machine.travel(at(12, 10), tick=False):
        day = my_day_for(personas.person)
    assert day.next_visit is not None
    assert day.next_visit.here_now
    assert day.next_visit.sentence == "Priya is with you now."


def test_with_nothing_planned_for_a_week_there_is_no_next_visit(personas):
    visit(personas, day=WEDNESDAY + dt.timedelta(days=9))
    with time_machine.travel(at(9), tick=False):
        assert my_day_for(personas.person).next_visit is None


def test_a_cancelled_visit_is_not_coming(personas):
    visit(personas, status=Visit.Status.CANCELLED)
    with time_machine.travel(at(9), tick=False):
        assert my_day_for(personas.person).next_visit is None


def test_later_today_and_tomorrow_follow_the_next_visit(personas):
    first = visit(personas, start=(8, 0), end=(10, 0))
    second = visit(personas, start=(17, 0), end=(18, 30))
    tomorrow = visit(personas, day=WEDNESDAY + dt.timedelta(days=1))
    with time_machine.travel(at(7), tick=False):
        day = my_day_for(personas.person)
    assert day.next_visit is not None
    assert day.next_visit.visit == first
    assert [e.visit for e in day.later_today] == [second]
    assert [e.visit for e in day.tomorrow_rest] == [tomorrow]
    assert day.later is None


def test_goals_in_their_own_words_with_what_they_are_working_on_first(personas):
    done = family_services.outcome_create(
        actor=personas.carer, person_id=personas.person.pk, title="Write my own list"
    )
    family_services.outcome_update(actor=personas.carer, outcome_id=done.pk, status="achieved")
    working = family_services.outcome_create(
        actor=personas.carer, person_id=personas.person.pk, title="Walk to church"
    )
    paused = family_services.outcome_create(
        actor=personas.carer, person_id=personas.person.pk, title="Swim again"
    )
    family_services.outcome_update(actor=personas.carer, outcome_id=paused.pk, status="paused")
    day = my_day_for(personas.person)
    assert [g.pk for g in day.goals] == [working.pk, done.pk]


def test_the_whole_day_costs_three_queries_however_many_visits(personas):
    for offset in range(4):
        visit(personas, day=WEDNESDAY + dt.timedelta(days=offset), second_carer=teammate(personas))
    with time_machine.travel(at(9), tick=False), CaptureQueriesContext(connection) as queries:
        day = my_day_for(personas.person)
        [entry.sentence for entry in day.today_visits + day.tomorrow_visits]
    assert len(queries) == 3, "visits, goals and today's feeling: one query each"

"""A carer's Today: the next visit, the rest of the day, and what needs someone."""

import datetime as dt

import pytest
import time_machine

from core.tests.factories import PersonFactory
from families import services as family_services
from families.models import Note
from teams.models import Offer, Visit
from teams.rota import services
from teams.rota.today import today_for
from teams.tests.rota_helpers import teammate

# A Wednesday in December: London is on UTC, so 07:30 here is 07:30 on the clock.
WEDNESDAY_EARLY = dt.datetime(2026, 12, 2, 7, 30, tzinfo=dt.UTC)
WEDNESDAY = WEDNESDAY_EARLY.date()


def visit(personas, *, day=WEDNESDAY, start=8, end=10, carer="me", person=None) -> Visit:
    carer = personas.carer if carer == "me" else carer
    return Visit.objects.create(
        team=(person or personas.person).team,
        person=person or personas.person,
        date=day,
        window_start=dt.time(start),
        window_end=dt.time(end),
        minutes=45,
        purpose="Breakfast and a chat",
        carer=carer,
        status=Visit.Status.ASSIGNED if carer else Visit.Status.OPEN,
    )


def note(personas, *, kind, body, person=None, author=None) -> Note:
    return family_services.note_create(
        actor=author or personas.carer,
        person_id=(person or personas.person).pk,
        kind=kind,
        body=body,
        audience="team",
    )


@pytest.fixture
def early_wednesday():
    with time_machine.travel(WEDNESDAY_EARLY, tick=False):
        yield


@pytest.mark.usefixtures("early_wednesday")
def test_the_next_visit_comes_first_with_its_window_in_words_and_latest_handover(personas):
    later = visit(personas, start=17, end=18, person=personas.neighbour)
    first = visit(personas)
    note(personas, kind="handover", body="Older handover")
    with time_machine.travel(WEDNESDAY_EARLY + dt.timedelta(minutes=1), tick=False):
        note(personas, kind="handover", body="Jean slept badly; go gently.")
    day = today_for(personas.carer)
    assert day.next_visit is not None
    assert day.next_visit.visit == first
    assert day.next_visit.when == "this morning, between 8 and 10"
    assert day.next_visit.handover is not None
    assert day.next_visit.handover.body == "Jean slept badly; go gently."
    assert [e.visit for e in day.rest_of_today] == [later]
    assert day.rest_of_today[0].when == "this evening, between 5 and 6"


def test_a_visit_whose_window_is_over_is_no_longer_next(personas):
    visit(personas)
    afternoon = visit(personas, start=14, end=15)
    with time_machine.travel(dt.datetime(2026, 12, 2, 10, 0, tzinfo=dt.UTC), tick=False):
        day = today_for(personas.carer)
    assert day.next_visit is not None
    assert day.next_visit.visit == afternoon
    assert day.done_today == 1 and day.rest_of_today == []


@pytest.mark.usefixtures("early_wednesday")
def test_with_no_visit_today_it_shows_tomorrows_first(personas):
    tomorrow = WEDNESDAY + dt.timedelta(days=1)
    visit(personas, day=tomorrow, start=12, end=13)
    first = visit(personas, day=tomorrow, start=8, end=9)
    visit(personas, day=WEDNESDAY, carer=None)  # somebody's visit, not mine
    day = today_for(personas.carer)
    assert day.coming_today == [] and not day.had_visits_today
    assert day.next_visit is not None
    assert day.next_visit.visit == first
    assert day.next_visit.when == "tomorrow morning, between 8 and 9"


@pytest.mark.usefixtures("early_wednesday")
def test_what_needs_someone_is_my_teams_only(personas):
    colleague = teammate(personas)
    olive = PersonFactory(team=personas.other_team, full_name="Olive Otherteam")
    open_one = visit(personas, day=WEDNESDAY + dt.timedelta(days=2), carer=None)
    visit(personas, day=WEDNESDAY + dt.timedelta(days=9), carer=None)  # beyond the week
    visit(personas, person=olive, carer=None)  # another team's
    worry = note(personas, kind="concern", body="Jean seemed confused.")
    handled = note(personas, kind="concern", body="A bruise on her arm.")
    family_services.concern_mark_handled(
        actor=personas.carer, note_id=handled.pk, handled_note="Seen by the GP."
    )
    note(personas, kind="concern", body="Olive fell.", person=olive, author=personas.other_carer)
    offered = visit(personas, day=WEDNESDAY + dt.timedelta(days=1), carer=colleague)
    services.visit_offer(actor=colleague, visit_id=offered.pk, note="Hospital appointment")
    mine = visit(personas, day=WEDNESDAY + dt.timedelta(days=3), start=12, end=13)
    services.visit_offer(actor=personas.carer, visit_id=mine.pk)  # my own offer: not for me

    day = today_for(personas.carer)
    assert day.open_concerns == [worry]
    assert day.open_visits == [open_one] and day.open_visits_count == 1
    assert [o.visit for o in day.offers] == [offered]
    assert Offer.objects.count() == 2


@pytest.mark.usefixtures("early_wednesday")
def test_a_former_team_member_sees_nothing_of_the_team(personas):
    visit(personas)
    note(personas, kind="concern", body="Jean seemed confused.")
    personas.carer.memberships.update(left_at=WEDNESDAY_EARLY - dt.timedelta(days=1))
    day = today_for(personas.carer)
    assert day.next_visit is None and day.open_concerns == [] and day.open_visits == []

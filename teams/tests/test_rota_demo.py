"""The demo rota: four weeks, a small core of carers per person, one person above the goal."""

import datetime as dt

from core.tests.factories import MembershipFactory, PersonFactory, UserFactory
from teams.models import Offer, RotaChange, Visit
from teams.rota import selectors
from teams.rota.clock import week_start
from teams.rota.demo import build_demo_rota

TODAY = dt.date(2027, 1, 13)  # a Wednesday


def test_the_demo_rota_has_realistic_continuity_and_one_person_above_the_goal(personas):
    team = personas.team
    carers = [personas.carer] + [UserFactory() for _ in range(5)]
    for user in carers[1:]:
        MembershipFactory(team=team, user=user)
    people = [personas.person] + [PersonFactory(team=team) for _ in range(4)] + [personas.neighbour]

    built = build_demo_rota(team, people, carers, TODAY)

    dates = Visit.objects.filter(team=team).values_list("date", flat=True)
    assert min(dates) == week_start(TODAY) - dt.timedelta(weeks=2)
    assert max(dates) == min(dates) + dt.timedelta(days=27)
    assert built.visits == Visit.objects.filter(team=team).count() > 100
    grid = selectors.team_week(team, start=week_start(TODAY), today=TODAY)
    assert [p.pk for p in grid.people_above_goal] == [personas.neighbour.pk]
    assert built.above_goal == personas.neighbour
    for row in grid.rows:
        if row.person != personas.neighbour:
            assert 1 <= len(row.carers_seen) <= 3, row.person
    future_open = Visit.objects.filter(team=team, status=Visit.Status.OPEN, date__gt=TODAY)
    assert future_open.count() == built.open_visits > 0
    assert not Visit.objects.filter(status=Visit.Status.OPEN, date__lte=TODAY).exists()
    offer = Offer.objects.get(status=Offer.Status.OPEN)
    assert offer.visit.date > TODAY and offer.from_user == offer.visit.carer
    assert RotaChange.objects.filter(kind=RotaChange.Kind.OFFER_MADE).exists()
    # The carer who signs in first sees their own week.
    assert selectors.my_week(personas.carer, start=week_start(TODAY))


def test_with_few_carers_nobody_is_forced_above_the_goal(personas):
    built = build_demo_rota(personas.team, [personas.person], [personas.carer], TODAY)
    assert built.above_goal is None
    assert build_demo_rota(personas.team, [], [personas.carer], TODAY).visits == 0


def test_the_waiting_offer_is_the_same_on_every_run_for_a_given_day(personas):
    # The first and fourth people share a routine, so the earliest visits after today tie on
    # date and time: the offer goes to the first person listed, never to whichever row the
    # database happens to return first.
    carers = [personas.carer] + [UserFactory() for _ in range(5)]
    for user in carers[1:]:
        MembershipFactory(team=personas.team, user=user)
    people = [personas.person] + [PersonFactory(team=personas.team) for _ in range(4)]
    people.append(personas.neighbour)

    build_demo_rota(personas.team, people, carers, TODAY)

    offer = Offer.objects.select_related("visit").get(status=Offer.Status.OPEN)
    visit = offer.visit
    assert (visit.person, visit.date, visit.window_start) == (
        personas.person,
        TODAY + dt.timedelta(days=1),
        dt.time(8),
    )

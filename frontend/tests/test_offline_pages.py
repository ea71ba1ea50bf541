"""frontend.offline.pages_to_save: what a phone keeps for reading with no signal."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.tests.factories import MembershipFactory, PersonFactory, UserFactory
from frontend import offline
from frontend.offline import pages_to_save
from teams.models import Visit

TODAY = dt.date(2027, 3, 10)  # a Wednesday


def visit(person, *, carer=None, second_carer=None, days: int = 1, **extra) -> Visit:
    fields = {
        "team_id": person.team_id,
        "person": person,
        "date": TODAY + dt.timedelta(days=days),
        "window_start": dt.time(9),
        "window_end": dt.time(11),
        "minutes": 45,
        "purpose": "Breakfast and a chat",
        "carer": carer,
        "second_carer": second_carer,
        "status": Visit.Status.ASSIGNED if carer else Visit.Status.OPEN,
        **extra,
    }
    return Visit.objects.create(**fields)


def pages_of(person) -> list[str]:
    return [reverse("person", args=[person.pk]), reverse("timeline", args=[person.pk])]


def people_in_order(urls: list[str]) -> list[str]:
    return [url for url in urls if url.endswith("/timeline/")]


def test_a_carer_keeps_her_week_first_then_the_people_she_will_visit_soonest_first(personas):
    later = PersonFactory(team=personas.team, full_name="Aaron Later")
    visit(personas.neighbour, carer=personas.carer, days=1)
    visit(later, carer=personas.carer, days=4)
    visit(personas.neighbour, carer=personas.carer, days=2)  # a second visit adds nothing

    urls = pages_to_save(personas.carer, today=TODAY)

    assert urls[:3] == [reverse("home"), reverse("rota_my_week"), reverse("people_directory")]
    assert urls[3:7] == pages_of(personas.neighbour) + pages_of(later)
    # Everyone else she may see comes after, once each.
    assert set(urls[7:]) == set(pages_of(personas.person))
    assert len(urls) == len(set(urls))


def test_only_the_next_seven_days_put_someone_first(personas):
    first = PersonFactory.create(team=personas.team, full_name="Zena Soon")
    visit(personas.person, carer=personas.carer, days=-1)  # yesterday
    visit(personas.neighbour, carer=personas.carer, days=7)  # a week today: too far
    visit(first, carer=personas.carer, days=6)

    urls = pages_to_save(personas.carer, today=TODAY)

    assert people_in_order(urls)[0] == reverse("timeline", args=[first.pk])


def test_going_as_the_second_carer_counts_and_a_cancelled_visit_does_not(personas):
    colleague = UserFactory()
    MembershipFactory(team=personas.team, user=colleague)
    cancelled = PersonFactory.create(team=personas.team, full_name="Aaron Cancelled")
    visit(cancelled, carer=personas.carer, days=1, status=Visit.Status.CANCELLED)
    visit(personas.neighbour, carer=colleague, second_carer=personas.carer, days=3)

    urls = pages_to_save(personas.carer, today=TODAY)

    assert people_in_order(urls)[0] == reverse("timeline", args=[personas.neighbour.pk])
    assert reverse("timeline", args=[cancelled.pk]) in urls  # still her team's person


def test_the_people_she_will_visit_survive_the_cap(personas, monkeypatch):
    monkeypatch.setattr(offline, "MAX_PEOPLE", 2)
    for n in range(4):
        PersonFactory(team=personas.team, full_name=f"Aaron Extra {n}")
    visit(personas.neighbour, carer=personas.carer, days=5)
    visit(personas.person, carer=personas.carer, days=2)

    urls = pages_to_save(personas.carer, today=TODAY)

    assert people_in_order(urls) == [
        reverse("timeline", args=[personas.person.pk]),
        reverse("timeline", args=[personas.neighbour.pk]),
    ]


def test_a_visit_never_saves_someone_the_carer_may_not_see(personas):
    # A visit record left over in a team she is not in (or has left) gives her nothing.
    olive = personas.other_team.people.get()
    visit(olive, carer=personas.carer, days=1)

    urls = pages_to_save(personas.carer, today=TODAY)

    assert reverse("person", args=[olive.pk]) not in urls
    assert reverse("timeline", args=[olive.pk]) not in urls


def test_a_carer_who_left_the_team_keeps_no_week_and_no_people(personas):
    visit(personas.person, carer=personas.carer, days=1)
    personas.carer.memberships.update(left_at=dt.datetime(2027, 1, 1, tzinfo=dt.UTC))

    assert pages_to_save(personas.carer, today=TODAY) == [reverse("home")]


@pytest.mark.parametrize("who", ["family", "professional", "person_user"])
def test_family_professionals_and_the_person_keep_only_the_persons_pages(personas, who):
    # A visit to Jean does not make her daughter a carer: no "My week" for her.
    visit(personas.person, carer=personas.carer, days=1)

    urls = pages_to_save(getattr(personas, who), today=TODAY)

    assert urls == [reverse("home"), *pages_of(personas.person)]


def test_someone_connected_to_nobody_keeps_only_the_home_page(personas):
    assert pages_to_save(personas.outsider, today=TODAY) == [reverse("home")]


def test_the_cost_does_not_grow_with_visits_or_people(personas):
    """Asked for on every page load: a busy week must not cost more queries than a quiet one."""
    visit(personas.person, carer=personas.carer, days=1)
    with CaptureQueriesContext(connection) as quiet:
        pages_to_save(personas.carer, today=TODAY)

    colleague = UserFactory()
    MembershipFactory(team=personas.team, user=colleague)
    for n in range(8):
        someone = PersonFactory(team=personas.team)
        visit(someone, carer=personas.carer, days=n % 7)
        visit(someone, carer=colleague, second_carer=personas.carer, days=(n + 3) % 7)
    with CaptureQueriesContext(connection) as busy:
        urls = pages_to_save(personas.carer, today=TODAY)

    assert len(people_in_order(urls)) == 10
    assert len(busy) == len(quiet) <= 5, [q["sql"] for q in busy.captured_queries]

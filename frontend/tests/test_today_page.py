"""The home page of a team member is their Today; everyone else keeps their people."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.tests.factories import PersonFactory
from core.tests.http import signed_in as _client
from families import services as family_services
from teams.models import Visit
from teams.rota import services
from teams.tests.rota_helpers import teammate

WEDNESDAY_EARLY = dt.datetime(2026, 12, 2, 7, 30, tzinfo=dt.UTC)
WEDNESDAY = WEDNESDAY_EARLY.date()


@pytest.fixture(autouse=True)
def early_wednesday():
    with time_machine.travel(WEDNESDAY_EARLY, tick=False):
        yield


def visit(personas, *, day=WEDNESDAY, start=8, end=10, carer="me", person=None) -> Visit:
    carer = personas.carer if carer == "me" else carer
    return Visit.objects.create(
        team=personas.team,
        person=person or personas.person,
        date=day,
        window_start=dt.time(start),
        window_end=dt.time(end),
        minutes=45,
        purpose="Breakfast and a chat",
        carer=carer,
        status=Visit.Status.ASSIGNED if carer else Visit.Status.OPEN,
    )


def handover(personas, body, person=None):
    return family_services.note_create(
        actor=personas.carer,
        person_id=(person or personas.person).pk,
        kind="handover",
        body=body,
        audience="team",
    )


def test_a_carer_with_a_visit_today_sees_it_first_with_a_way_to_write(personas):
    family_services.about_me_write(
        actor=personas.carer,
        person_id=personas.person.pk,
        sections={"what_matters": "My garden and my cat, Biscuit."},
    )
    visit(personas)
    handover(personas, "Jean slept badly; go gently.")
    response = _client(personas.carer).get(reverse("home"))
    assert response.status_code == 200
    page = response.text
    assert "This morning, between 8 and 10" in page
    assert "My garden and my cat, Biscuit." in page
    assert "Jean slept badly; go gently." in page
    write = reverse("timeline", args=[personas.person.pk]) + "#id_body"
    assert f'href="{write}"' in page
    # The next visit comes before the directory link, which is no longer the page itself.
    assert page.index("Jean slept badly") < page.index("Everyone we support")
    assert "People our team supports" not in page


def test_a_carer_with_no_visit_today_is_told_so_and_sees_tomorrows_first(personas):
    visit(personas, day=WEDNESDAY + dt.timedelta(days=1), start=12, end=13)
    page = _client(personas.carer).get(reverse("home")).text
    assert "You have no visits today." in page
    assert "Your next visit" in page
    assert "Tomorrow afternoon, between 12 and 1" in page


def test_a_carer_with_nothing_planned_is_told_plainly(personas):
    page = _client(personas.carer).get(reverse("home")).text
    assert "You have no visits today." in page
    assert "Nothing is planned for you in the coming week." in page
    assert "Nothing is waiting for anyone." in page


def test_what_needs_someone_lists_concerns_open_visits_and_offers(personas):
    colleague = teammate(personas, "Priya Colleague")
    family_services.note_create(
        actor=colleague,
        person_id=personas.neighbour.pk,
        kind="concern",
        body="Neville has not been eating.",
        audience="team",
    )
    visit(personas, day=WEDNESDAY + dt.timedelta(days=2), carer=None, person=personas.neighbour)
    offered = visit(personas, day=WEDNESDAY + dt.timedelta(days=1), carer=colleague)
    services.visit_offer(actor=colleague, visit_id=offered.pk, note="Hospital appointment")
    page = _client(personas.carer).get(reverse("home")).text
    assert "Neville has not been eating." in page
    assert "1 visit nobody has taken in the next 7 days" in page
    assert "Priya offers it to the team" in page and "Hospital appointment" in page
    assert "data-outbox-summary" in page


def test_the_menu_has_today_people_and_the_rota_for_a_team_member(personas):
    page = _client(personas.carer).get(reverse("home")).text
    assert f'href="{reverse("rota_team", args=[personas.team.pk])}"' in page
    assert f'href="{reverse("people_directory")}"' in page
    assert ">Today<" in page


@pytest.mark.parametrize("who", ["family", "professional", "person_user", "outsider"])
def test_anyone_outside_a_team_keeps_their_people_as_home_and_no_rota(personas, who):
    page = _client(getattr(personas, who)).get(reverse("home")).text
    assert "You have no visits today." not in page
    # The person's own home is their My day (test_my_day_page.py).
    assert ("My day" if who == "person_user" else "My people") in page
    assert ">Rota<" not in page


def test_the_directory_is_one_tap_away(personas):
    page = _client(personas.carer).get(reverse("people_directory")).text
    assert "People our team supports" in page
    assert "Neville Neighbour" in page and "Olive Otherteam" not in page


def test_today_costs_the_same_queries_however_many_visits_and_people(
    personas, django_assert_num_queries
):
    client = _client(personas.carer)
    visit(personas)
    handover(personas, "Jean slept badly.")
    client.get(reverse("home"))  # the session and anything cached once are warm
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("home")).status_code == 200
    # Session, user, "in a team?", visits, handovers, open visits, concerns, offers, menu.
    assert len(few.captured_queries) <= 9
    colleague = teammate(personas)
    for hour in range(9, 20):
        someone = PersonFactory.create(team=personas.team, full_name=f"Person {hour}")
        visit(personas, start=hour, end=hour + 1, person=someone)
        visit(personas, day=WEDNESDAY + dt.timedelta(days=1), carer=None, person=someone)
        handover(personas, f"Handover {hour}", person=someone)
        family_services.note_create(
            actor=colleague, person_id=someone.pk, kind="concern", body="A worry", audience="team"
        )
        offered = visit(personas, day=WEDNESDAY + dt.timedelta(days=2), carer=colleague)
        services.visit_offer(actor=colleague, visit_id=offered.pk)
    with django_assert_num_queries(
        len(few.captured_queries),
        info="Today is every carer's first page: its cost must not grow with the team's work",
    ):
        page = client.get(reverse("home")).text
    assert "Person 19" in page

"""Running late, "I can't make it" and done, as the pages show them: real POSTs, plain words.

The clock stands at 07:30 in London on a Wednesday in December; Jean's visit is 8 to 10.
"""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.tests.factories import PersonFactory
from core.tests.http import signed_in
from teams.models import Visit
from teams.rota import lateness, selectors, services
from teams.tests.rota_helpers import teammate

WEDNESDAY_EARLY = dt.datetime(2026, 12, 2, 7, 30, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def early_wednesday():
    with time_machine.travel(WEDNESDAY_EARLY, tick=False):
        yield


def _visit(personas, *, carer="me", person=None, start=8, end=10) -> Visit:
    carer = personas.carer if carer == "me" else carer
    return Visit.objects.create(
        team=personas.team,
        person=person or personas.person,
        date=WEDNESDAY_EARLY.date(),
        window_start=dt.time(start),
        window_end=dt.time(end),
        minutes=45,
        purpose="Breakfast and a chat",
        carer=carer,
        status=Visit.Status.ASSIGNED if carer else Visit.Status.OPEN,
    )


def test_todays_next_visit_offers_running_late_and_cant_make_it(personas):
    visit = _visit(personas)
    page = signed_in(personas.carer).get(reverse("home")).text
    assert "Running late?" in page
    assert f'action="{reverse("visit_late", args=[visit.pk])}"' in page
    for minutes in (10, 20, 30):
        assert f'name="minutes" value="{minutes}"' in page
    assert f'action="{reverse("visit_cant_make_it", args=[visit.pk])}"' in page
    assert 'hx-boost="true"' in page  # htmx enhances; the forms work without it


def test_running_late_without_javascript_comes_back_with_a_message(personas):
    visit = _visit(personas)
    client = signed_in(personas.carer)
    response = client.post(
        reverse("visit_late", args=[visit.pk]), {"minutes": "20", "next": "/"}, expect=302
    )
    assert response["Location"] == "/"
    page = client.get("/").text
    assert "Jean&#x27;s family can see you are running about 20 minutes late." in page
    assert "You said about 20 minutes." in page
    sarahs = signed_in(personas.family).get(reverse("person", args=[personas.person.pk])).text
    assert "Angela is running about 20 minutes late and will be with Jean around 8.20." in sarahs


@pytest.mark.parametrize("minutes", ["45", "", "twenty", "-10"])
def test_minutes_not_offered_are_refused_plainly(personas, minutes):
    visit = _visit(personas)
    client = signed_in(personas.carer)
    client.post(reverse("visit_late", args=[visit.pk]), {"minutes": minutes}, expect=302)
    page = client.get(reverse("rota_visit", args=[visit.pk])).text
    assert "Please choose about 10, 20 or 30 minutes." in page
    visit.refresh_from_db()
    assert visit.late_minutes is None


def test_a_visit_you_may_not_see_is_not_found(personas):
    visit = _visit(personas)
    for who in ("other_carer", "family", "outsider"):
        client = signed_in(personas.all_users()[who])
        for name in ("visit_late", "visit_cant_make_it", "visit_done"):
            client.post(reverse(name, args=[visit.pk]), {"minutes": "20"}, expect=404)
    signed_in(personas.carer).post(reverse("visit_late", args=[987654]), expect=404)


def test_cant_make_it_puts_the_visit_first_for_the_team_marked_urgent(personas):
    kasia = teammate(personas, "Kasia Nowicka")
    # Kasia has been to Jean before, so she is among those who know her best.
    earlier = _visit(personas, carer=kasia)
    Visit.objects.filter(pk=earlier.pk).update(date=WEDNESDAY_EARLY.date() - dt.timedelta(7))
    visit = _visit(personas)
    client = signed_in(personas.carer)
    client.post(reverse("visit_cant_make_it", args=[visit.pk]), expect=302)
    assert "The team has been asked to cover your visit to Jean" in client.get("/").text

    kasias = signed_in(kasia)
    today = kasias.get(reverse("home")).text
    assert "Urgent" in today
    detail = kasias.get(reverse("rota_visit", args=[visit.pk])).text
    assert "Angela can't make it. Can you go?" in detail
    assert "Who knows Jean best" in detail and "Kasia Nowicka" in detail
    listed = kasias.get(reverse("rota_open", args=[personas.team.pk])).text
    assert "Angela can't make it." in listed
    sarahs = signed_in(personas.family).get(reverse("person", args=[personas.person.pk])).text
    assert "so the team is finding someone else" in sarahs

    # Saying it again: told plainly, nothing changes.
    client.post(reverse("visit_cant_make_it", args=[visit.pk]), expect=302)
    assert "You have already said you can&#x27;t make it." in client.get("/").text


def test_a_visit_checked_in_is_marked_done_and_the_family_sees_it(personas):
    visit = _visit(personas, start=7, end=9)
    services.visit_check_in(actor=personas.carer, visit_id=visit.pk)
    client = signed_in(personas.carer)
    page = client.get(reverse("home")).text
    assert "Mark this visit done" in page and "Running late?" not in page
    client.post(reverse("visit_done", args=[visit.pk]), {"next": "/"}, expect=302)
    assert "Thank you. The visit is marked done." in client.get("/").text
    sarahs = signed_in(personas.family).get(reverse("person", args=[personas.person.pk])).text
    assert "Angela visited this morning." in sarahs


def test_running_late_on_someone_elses_visit_is_refused_with_a_message(personas):
    bea = teammate(personas)
    visit = _visit(personas, carer=bea)
    client = signed_in(personas.carer)
    client.post(reverse("visit_late", args=[visit.pk]), {"minutes": "10"}, expect=302)
    assert "This is not your visit." in client.get(reverse("rota_visit", args=[visit.pk])).text


def test_whos_coming_reads_in_one_query_however_many_visits_are_late_or_covered(
    personas, django_assert_num_queries
):
    person = personas.person
    for hour in range(8, 20, 2):
        visit = _visit(personas, start=hour, end=hour + 1)
        if hour % 4:
            lateness.visit_running_late(actor=personas.carer, visit_id=visit.pk, minutes=10)
        else:
            lateness.visit_cant_make_it(actor=personas.carer, visit_id=visit.pk)
    with django_assert_num_queries(
        1, info="Who's coming is on every family page and every live frame: one read, always"
    ):
        sentences = [str(c.sentence) for c in selectors.whos_coming(person)]
    assert any("running about 10 minutes late" in s for s in sentences)
    assert any("finding someone else" in s for s in sentences)


def test_today_still_costs_the_same_with_urgent_visits_in_the_team(personas):
    client = signed_in(personas.carer)
    _visit(personas)
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("home"))
    bea = teammate(personas)
    for hour in range(9, 15):
        someone = PersonFactory(team=personas.team, full_name=f"Person {hour}")
        theirs = _visit(personas, carer=bea, person=someone, start=hour, end=hour + 1)
        lateness.visit_cant_make_it(actor=bea, visit_id=theirs.pk)
    with CaptureQueriesContext(connection) as many:
        page = client.get(reverse("home")).text
    assert page.count("tag-urgent") == 5  # the short list
    assert len(many.captured_queries) == len(few.captured_queries)

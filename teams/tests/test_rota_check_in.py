""" "I'm with Jean now": the team always sees it; the circle only if the person agreed."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse

from core.models import Event
from core.tests.http import CheckedClient as Client
from core.tests.sockets import published
from families.services.sharing import sharing_update
from teams.models import RotaChange
from teams.rota import selectors, services
from teams.rota.clock import local_today
from teams.tests.rota_helpers import open_visit, soon, teammate


@pytest.fixture(autouse=True)
def _midday(time_machine):
    # A check-in is only for a visit today that is not over: at midday on an ordinary
    # Wednesday, an all-day visit is neither over nor tomorrow's, whatever time the tests run.
    time_machine.move_to(dt.datetime(2026, 6, 17, 12, 0, tzinfo=dt.UTC), tick=True)


def _today_visit(personas):
    return open_visit(
        personas,
        day=local_today(),
        carer_ids=[personas.carer.pk],
        window_start=dt.time(0, 0),
        window_end=dt.time(23, 59),
        window_label="",
    )


def test_the_carer_going_says_they_are_there_and_the_team_is_told(personas):
    visit = _today_visit(personas)
    before = Event.objects.count()
    with published() as sent:
        services.visit_check_in(actor=personas.carer, visit_id=visit.pk)
    visit.refresh_from_db()
    assert visit.checked_in_at is not None and visit.checked_in_by == personas.carer
    assert RotaChange.objects.filter(kind=RotaChange.Kind.VISIT_CHECKED_IN).count() == 1
    # Not agreed by the person: the circle hears nothing at all.
    assert {e.audience for e in Event.objects.order_by("pk")[before:]} == {"team"}
    assert {e.audience for e in sent} == {"team"}
    coming = selectors.whos_coming(personas.person)
    assert not any("is with" in c.sentence for c in coming)


def test_saying_it_twice_changes_nothing(personas):
    visit = _today_visit(personas)
    first = services.visit_check_in(actor=personas.carer, visit_id=visit.pk).checked_in_at
    again = services.visit_check_in(actor=personas.carer, visit_id=visit.pk).checked_in_at
    assert first == again
    assert RotaChange.objects.filter(kind=RotaChange.Kind.VISIT_CHECKED_IN).count() == 1


def test_when_the_person_agreed_the_circle_sees_it(personas):
    person = personas.person
    sharing_update(
        actor=personas.person_user,
        person_id=person.pk,
        shared_with_circle=person.notes_shared_with_circle_by_default,
        circle_kinds=person.circle_note_kinds,
        share_check_ins=True,
    )
    visit = _today_visit(personas)
    with published() as sent:
        services.visit_check_in(actor=personas.carer, visit_id=visit.pk)
    [circle] = [e for e in sent if e.audience == "circle"]
    assert "Angela is with Jean now." in circle.html


def test_only_a_carer_going_and_only_during_the_visit(personas):
    bea = teammate(personas)
    visit = _today_visit(personas)
    with pytest.raises(ValidationError, match="Only someone going"):
        services.visit_check_in(actor=bea, visit_id=visit.pk)
    later = open_visit(personas, day=soon(2), carer_ids=[personas.carer.pk])
    with pytest.raises(ValidationError, match="too early to say you are there"):
        services.visit_check_in(actor=personas.carer, visit_id=later.pk)
    for who in ("other_carer", "family", "person_user", "outsider"):
        with pytest.raises(Http404):
            services.visit_check_in(actor=personas.all_users()[who], visit_id=visit.pk)


def test_the_button_on_my_week(personas):
    visit = _today_visit(personas)
    client = Client()
    client.force_login(personas.carer)
    page = client.get(reverse("rota_my_week")).content.decode()
    assert "m with Jean now</button>" in page
    client.post(reverse("rota_visit_check_in", args=[visit.pk]), expect=302)
    page = client.get(reverse("rota_my_week")).content.decode()
    assert "There since" in page


def test_saying_it_by_api(personas):
    visit = _today_visit(personas)
    client = Client()
    client.force_login(personas.carer)
    response = client.post(f"/api/v1/rota/visits/{visit.pk}/here", expect=200)
    assert response.json()["checked_in_at"] is not None

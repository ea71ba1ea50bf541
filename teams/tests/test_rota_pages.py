"""Rota pages, walked through by each persona."""

import datetime as dt
import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from core.tests.http import CheckedClient as Client
from core.tests.http import signed_in as _client
from teams.models import Availability, Offer, RotaChange, Visit, VisitPattern
from teams.rota import services
from teams.rota.clock import local_today
from teams.tests.rota_helpers import BEFORE_THE_NAMED_DATES, open_visit, soon, teammate

EVERYONE = ["carer", "other_carer", "family", "professional", "person_user", "outsider"]


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def rota(personas):
    visit = open_visit(personas)
    mine = open_visit(personas, day=soon(4), carer_ids=[personas.carer.pk])
    offer = services.visit_offer(actor=personas.carer, visit_id=mine.pk)
    change = RotaChange.objects.filter(visit=visit).first()
    return {"visit": visit, "mine": mine, "offer": offer, "change": change}


def _team_addresses(personas, rota) -> list[tuple[str, str]]:
    team = personas.team.pk
    return [
        ("get", reverse("rota_team", args=[team])),
        ("get", reverse("rota_open", args=[team])),
        ("get", reverse("rota_visit_add", args=[team])),
        ("get", reverse("rota_availability", args=[team])),
        ("get", reverse("rota_activity", args=[team])),
        ("get", reverse("rota_visit", args=[rota["visit"].pk])),
        ("post", reverse("rota_visit_claim", args=[rota["visit"].pk])),
        ("post", reverse("rota_visit_offer", args=[rota["visit"].pk])),
        ("post", reverse("rota_visit_skip", args=[rota["visit"].pk])),
        ("post", reverse("rota_visit_move", args=[rota["visit"].pk])),
        ("post", reverse("rota_offer_accept", args=[rota["offer"].pk])),
        ("post", reverse("rota_offer_withdraw", args=[rota["offer"].pk])),
        ("post", reverse("rota_change_undo", args=[rota["change"].pk])),
    ]


@pytest.mark.parametrize("who", [w for w in EVERYONE if w != "carer"])
def test_team_rota_pages_answer_everyone_else_like_nothing_is_there(personas, rota, who):
    client = _client(personas.all_users()[who])
    for method, url in _team_addresses(personas, rota):
        response = getattr(client, method)(url, expect=404)
        missing = getattr(client, method)(
            url.replace(f"/{url.split('/')[-2]}/", "/999999/"), expect=404
        )
        assert missing.content == response.content, url
    rota["visit"].refresh_from_db()
    assert rota["visit"].status == Visit.Status.OPEN


def test_team_rota_pages_open_for_a_team_member(personas, rota):
    client = _client(personas.carer)
    for method, url in _team_addresses(personas, rota):
        if method == "get":
            client.get(url)


@pytest.mark.parametrize("who", EVERYONE)
def test_signed_out_people_are_sent_to_sign_in(personas, rota, who):
    for method, url in _team_addresses(personas, rota):
        response = getattr(Client(), method)(url, expect=302)
        assert response["Location"].startswith("/accounts/login/")


def test_my_week_shows_my_visits_with_what_matters(personas, rota):
    page = _client(personas.carer).get(reverse("rota_my_week") + f"?week={soon(4)}")
    text = page.content.decode()
    assert "Seeing my grandchildren on Sundays." in text
    assert reverse("rota_visit", args=[rota["mine"].pk]) in text
    other = _client(personas.other_carer).get(reverse("rota_my_week") + f"?week={soon(4)}")
    assert reverse("rota_visit", args=[rota["mine"].pk]) not in other.content.decode()


def test_claiming_from_the_page_and_losing_says_who_won(personas, rota):
    bea = teammate(personas)
    url = reverse("rota_visit_claim", args=[rota["visit"].pk])
    won = _client(bea).post(url, {"confirm": "yes"}, expect=302)
    assert "You are going. Thank you." in _messages(won)
    lost = _client(personas.carer).post(url, {"confirm": "yes"}, expect=302)
    assert "Bea Colleague has already taken this visit." in _messages(lost)
    rota["visit"].refresh_from_db()
    assert rota["visit"].carer == bea


def test_accepting_an_offer_from_the_page(personas, rota):
    bea = teammate(personas)
    _client(bea).post(
        reverse("rota_offer_accept", args=[rota["offer"].pk]), {"confirm": "yes"}, expect=302
    )
    rota["mine"].refresh_from_db()
    assert rota["mine"].carer == bea


def test_accepting_a_withdrawn_offer_from_the_page_says_so(personas, rota):
    bea = teammate(personas)
    _client(personas.carer).post(
        reverse("rota_offer_withdraw", args=[rota["offer"].pk]), expect=302
    )
    response = _client(bea).post(reverse("rota_offer_accept", args=[rota["offer"].pk]), expect=302)
    assert "This offer was taken back, so nothing has changed." in _messages(response)
    rota["mine"].refresh_from_db()
    assert rota["mine"].carer == personas.carer


def test_offering_to_a_named_colleague_from_the_visit_page(personas):
    bea = teammate(personas)
    visit = open_visit(personas, carer_ids=[personas.carer.pk])
    _client(personas.carer).post(
        reverse("rota_visit_offer", args=[visit.pk]),
        {"to_user": bea.pk, "note": "Dentist"},
        expect=302,
    )
    offer = Offer.objects.get(visit=visit)
    assert offer.to_user == bea and offer.note == "Dentist"


def test_adding_a_single_visit_and_a_repeating_one(personas, time_machine):
    time_machine.move_to(BEFORE_THE_NAMED_DATES, tick=True)  # January 2027 is still to come
    client = _client(personas.carer)
    url = reverse("rota_visit_add", args=[personas.team.pk])
    form = {
        "person": personas.person.pk,
        "date": "2027-01-04",
        "window_label": "morning",
        "window_start": "09:00",
        "window_end": "11:00",
        "minutes": 45,
        "purpose": "Breakfast",
    }
    client.post(url, form, expect=302)
    assert Visit.objects.filter(pattern__isnull=True).count() == 1
    client.post(url, {**form, "weekdays": ["0", "3"], "ends_on": "2027-01-31"}, expect=302)
    pattern = VisitPattern.objects.get()
    assert pattern.rule == "FREQ=WEEKLY;BYDAY=MO,TH"
    assert pattern.visits.count() == 8


def test_a_time_the_clocks_skip_is_explained_on_the_form(personas, time_machine):
    time_machine.move_to(BEFORE_THE_NAMED_DATES, tick=True)  # 28 March 2027 is still to come
    response = _client(personas.carer).post(
        reverse("rota_visit_add", args=[personas.team.pk]),
        {
            "person": personas.person.pk,
            "date": "2027-03-28",
            "window_start": "01:30",
            "window_end": "03:00",
            "minutes": 30,
            "purpose": "Night check",
        },
        expect=200,
    )
    assert "The clocks go forward that night" in response.content.decode()
    assert not Visit.objects.exists()


def test_a_carer_says_when_they_cannot_work(personas):
    _client(personas.carer).post(
        reverse("rota_availability", args=[personas.team.pk]),
        {"kind": "cannot", "weekday": "2", "reason": "School run"},
        expect=302,
    )
    entry = Availability.objects.get()
    assert (entry.user, entry.weekday, entry.reason) == (personas.carer, 2, "School run")
    page = _client(personas.carer).get(reverse("rota_availability", args=[personas.team.pk]))
    assert "School run" in page.content.decode()


def test_undo_from_the_activity_page(personas, rota):
    client = _client(personas.carer)
    page = client.get(reverse("rota_activity", args=[personas.team.pk])).content.decode()
    assert "added a visit" in page and "offered a visit" in page
    client.post(reverse("rota_change_undo", args=[rota["change"].pk]), expect=302)
    rota["visit"].refresh_from_db()
    assert rota["visit"].status == Visit.Status.CANCELLED


def test_the_team_week_highlights_the_open_count(personas, rota):
    page = _client(personas.carer).get(
        reverse("rota_team", args=[personas.team.pk]) + f"?week={soon()}"
    )
    text = page.content.decode()
    assert f'ws-connect="/ws/teams/{personas.team.pk}/?after=' in text
    assert f'id="cell-{personas.person.pk}-{soon():%Y%m%d}"' in text


# The calendar feed -----------------------------------------------------------------------------


def test_a_carer_gets_a_private_calendar_feed_and_can_stop_it(personas, rota):
    client = _client(personas.carer)
    page = client.post(reverse("rota_calendar"), {"action": "new"}, expect=200).content.decode()
    # The feed's own address, not the page's (which forms and links on the page name too).
    found = re.search(r"/rota/calendar/[^/\"]+\.ics", page)
    assert found is not None, "the page shows no feed address"
    feed = found.group(0)
    response = Client().get(feed)
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\n") and body.endswith("END:VCALENDAR\r\n")
    assert f"UID:visit-{rota['mine'].pk}@testserver" in body
    assert f"visit-{rota['visit'].pk}@" not in body  # open visits are not hers
    client.post(reverse("rota_calendar"), {"action": "stop"}, expect=302)
    Client().get(feed, expect=404)


def test_a_new_calendar_link_ends_the_old_one(personas):
    first = services.calendar_feed_renew(actor=personas.carer)
    second = services.calendar_feed_renew(actor=personas.carer)
    assert services.calendar_feed_user(first) is None
    assert services.calendar_feed_user(second) == personas.carer
    Client().get(reverse("rota_calendar_feed", args=["made-up"]), expect=404)


def test_the_feed_of_a_carer_who_left_shows_nothing_of_the_team(personas, rota):
    from django.utils import timezone

    token = services.calendar_feed_renew(actor=personas.carer)
    personas.carer.memberships.update(left_at=timezone.now())
    body = Client().get(reverse("rota_calendar_feed", args=[token])).content.decode()
    assert "BEGIN:VEVENT" not in body


def test_visit_times_are_in_utc_across_the_clock_change(personas):
    summer = open_visit(personas, day=dt.date(2027, 4, 5), carer_ids=[personas.carer.pk])
    winter = open_visit(personas, day=dt.date(2027, 3, 22), carer_ids=[personas.carer.pk])
    from teams.rota.ical import calendar_text

    body = calendar_text([winter, summer], now=dt.datetime(2027, 1, 1, tzinfo=dt.UTC), host="k")
    assert "DTSTART:20270322T090000Z" in body  # 9 o'clock GMT
    assert "DTSTART:20270405T080000Z" in body  # 9 o'clock BST


def test_my_week_shows_the_latest_handover_in_constant_queries(
    personas, django_assert_max_num_queries
):
    from families import services as family_services

    family_services.note_create(
        actor=personas.carer,
        person_id=personas.person.pk,
        kind="handover",
        body="Jean slept badly; she may want a lie-in.",
    )
    for day in range(3, 7):
        open_visit(personas, day=soon(day), carer_ids=[personas.carer.pk])
        open_visit(
            personas, day=soon(day), person=personas.neighbour, carer_ids=[personas.carer.pk]
        )
    client = _client(personas.carer)
    with django_assert_max_num_queries(10):
        page = client.get(reverse("rota_my_week") + f"?week={soon(3)}")
    text = page.content.decode()
    assert "Jean slept badly; she may want a lie-in." in text
    assert text.count("Latest handover") >= 1


def test_the_team_sets_its_goal_and_a_carer_their_hours(personas):
    from decimal import Decimal

    from teams.models import AgreedHours, RotaSettings

    client = _client(personas.carer)
    client.post(reverse("rota_goal", args=[personas.team.pk]), {"goal": "3"}, expect=302)
    client.post(
        reverse("rota_hours", args=[personas.team.pk]), {"weekly_hours": "22.5"}, expect=302
    )
    assert RotaSettings.objects.get(team=personas.team).continuity_goal == 3
    assert AgreedHours.objects.get().weekly_hours == Decimal("22.5")
    refused = client.post(reverse("rota_goal", args=[personas.team.pk]), {"goal": "0"}, expect=302)
    assert "Please give a number between 1 and 20." in _messages(refused)
    assert RotaSettings.objects.get(team=personas.team).continuity_goal == 3
    page = client.get(reverse("rota_availability", args=[personas.team.pk])).content.decode()
    assert 'value="22.5"' in page and 'value="3"' in page


def test_the_activity_page_offers_undo_only_where_it_can(personas, time_machine):
    # Half past nine on an ordinary Wednesday: inside the visit's morning, whenever this runs.
    time_machine.move_to(dt.datetime(2026, 6, 17, 8, 30, tzinfo=dt.UTC), tick=True)
    visit = open_visit(personas, day=local_today())
    services.visit_claim(actor=personas.carer, visit_id=visit.pk)
    services.visit_check_in(actor=personas.carer, visit_id=visit.pk)
    page = _client(personas.carer).get(reverse("rota_activity", args=[personas.team.pk]))
    text = page.content.decode()
    assert "said they are with the person" in text
    # Added and taken can be undone; saying "I'm there" cannot.
    assert text.count('value="Undo"') + text.count(">Undo<") == 2

"""Taking a visit on a phone: warnings first on a confirm step, Undo straight after, and
"I'm with Jean now" only around the visit's time.

The clock is fixed on an ordinary Wednesday in summer (British Summer Time), so no test
depends on the day or hour it runs.
"""

import datetime as dt
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.tests.http import CheckedClient as Client
from core.tests.http import signed_in as _client
from families.services.sharing import sharing_update
from teams.models import Offer, RotaChange, Visit
from teams.rota import selectors, services
from teams.tests.rota_helpers import open_visit, teammate

WEDNESDAY = dt.date(2026, 6, 17)
# 09:00 to 11:00 in London is 08:00 to 10:00 UTC in June.
MORNING_VISIT: dict[str, Any] = {
    "day": WEDNESDAY,
    "window_start": dt.time(9),
    "window_end": dt.time(11),
}


def _at(time_machine, hour: int, minute: int = 0) -> None:
    """A moment on that Wednesday, London time (UTC+1)."""
    time_machine.move_to(dt.datetime(2026, 6, 17, hour - 1, minute, tzinfo=dt.UTC), tick=False)


@pytest.fixture(autouse=True)
def _early_that_wednesday(time_machine):
    _at(time_machine, 7)


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# I'm with Jean now ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hour", "minute", "refusal"),
    [
        (8, 29, "It is too early to say you are there. You can from 08:30."),
        (11, 0, "This visit's time is over, so you cannot say you are there now."),
        (15, 0, "This visit's time is over, so you cannot say you are there now."),
    ],
)
def test_check_in_is_refused_outside_the_visits_time(personas, time_machine, hour, minute, refusal):
    visit = open_visit(personas, carer_ids=[personas.carer.pk], **MORNING_VISIT)
    _at(time_machine, hour, minute)
    assert not services.check_in_open(visit)
    with pytest.raises(ValidationError) as refused:
        services.visit_check_in(actor=personas.carer, visit_id=visit.pk)
    assert refused.value.messages == [refusal]
    visit.refresh_from_db()
    assert visit.checked_in_at is None
    assert not RotaChange.objects.filter(kind=RotaChange.Kind.VISIT_CHECKED_IN).exists()


@pytest.mark.parametrize(("hour", "minute"), [(8, 30), (9, 0), (10, 59)])
def test_check_in_is_open_from_half_an_hour_before_until_the_end(
    personas, time_machine, hour, minute
):
    visit = open_visit(personas, carer_ids=[personas.carer.pk], **MORNING_VISIT)
    _at(time_machine, hour, minute)
    assert services.check_in_open(visit)
    assert services.visit_check_in(actor=personas.carer, visit_id=visit.pk).checked_in_at


def test_a_visit_on_another_day_says_when_it_opens(personas):
    visit = open_visit(
        personas,
        carer_ids=[personas.carer.pk],
        **{**MORNING_VISIT, "day": WEDNESDAY + dt.timedelta(1)},
    )
    with pytest.raises(ValidationError, match=r"You can from 08:30 on Thursday 18 June\."):
        services.visit_check_in(actor=personas.carer, visit_id=visit.pk)


def test_the_check_in_button_shows_only_in_time_and_says_who_will_see_it(personas, time_machine):
    visit = open_visit(personas, carer_ids=[personas.carer.pk], **MORNING_VISIT)
    client = _client(personas.carer)
    week = reverse("rota_my_week") + f"?week={WEDNESDAY}"
    page = client.get(week).content.decode()
    assert "m with Jean now</button>" not in page  # 7 o'clock: too early
    _at(time_machine, 8, 45)
    for url in (week, reverse("rota_visit", args=[visit.pk])):
        page = client.get(url).content.decode()
        assert "m with Jean now</button>" in page, url
        assert "Only the team will see it: Jean has not chosen to share this" in page, url
    person = personas.person
    sharing_update(
        actor=personas.person_user,
        person_id=person.pk,
        shared_with_circle=person.notes_shared_with_circle_by_default,
        circle_kinds=person.circle_note_kinds,
        share_check_ins=True,
    )
    page = client.get(week).content.decode()
    assert "The team and Jean's family will see it: Jean chose to share this." in page
    response = client.post(
        reverse("rota_visit_check_in", args=[visit.pk]), {"next": week}, expect=302
    )
    assert "Thank you. The family can see you are there." in _messages(response)


def test_check_in_by_api_outside_the_time_is_refused_in_words(personas):
    visit = open_visit(personas, carer_ids=[personas.carer.pk], **MORNING_VISIT)
    client = _client(personas.carer)
    response = client.post(f"/api/v1/rota/visits/{visit.pk}/here", expect=422)
    assert "too early" in response.json()["message"]


# The confirm step --------------------------------------------------------------------------------


def _busy_angela(personas) -> Visit:
    """An open visit at a time Angela already has one, to someone she has never visited."""
    open_visit(personas, person=personas.neighbour, carer_ids=[personas.carer.pk], **MORNING_VISIT)
    return open_visit(personas, **MORNING_VISIT)


def test_ill_go_shows_the_warnings_first_and_changes_nothing(personas):
    visit = _busy_angela(personas)
    client = _client(personas.carer)
    url = reverse("rota_visit_claim", args=[visit.pk])
    for response in (client.get(url, expect=200), client.post(url, expect=200)):
        page = response.content.decode()
        assert "Will you go to Jean?" in page
        assert "Good to know before you say yes" in page
        assert "You already have a visit then, with Neville Neighbour at 09:00." in page
        assert "this would be a new face" in page
        assert 'name="confirm" value="yes"' in page
        assert "Yes, I'll go" in page
    visit.refresh_from_db()
    assert visit.status == Visit.Status.OPEN and visit.carer is None
    assert not RotaChange.objects.filter(kind=RotaChange.Kind.VISIT_CLAIMED).exists()


def test_with_nothing_to_warn_the_confirm_step_says_so(personas):
    bea = teammate(personas)
    visit = open_visit(personas, **MORNING_VISIT)
    # Bea has been to Jean before, so she is no new face.
    past = open_visit(
        personas, carer_ids=[bea.pk], **{**MORNING_VISIT, "day": WEDNESDAY - dt.timedelta(7)}
    )
    assert past.carer == bea
    page = _client(bea).get(reverse("rota_visit_claim", args=[visit.pk]), expect=200)
    assert "Nothing to warn you about" in page.content.decode()


def test_confirming_takes_the_visit_and_its_page_offers_undo(personas, time_machine):
    visit = _busy_angela(personas)
    client = _client(personas.carer)
    response = client.post(
        reverse("rota_visit_claim", args=[visit.pk]), {"confirm": "yes"}, expect=302
    )
    assert response["Location"] == reverse("rota_visit", args=[visit.pk])
    assert _messages(response) == ["You are going. Thank you."]
    page = client.get(response["Location"]).content.decode()
    claim = RotaChange.objects.get(kind=RotaChange.Kind.VISIT_CLAIMED)
    assert reverse("rota_change_undo", args=[claim.pk]) in page
    assert "You are going to this visit." in page
    assert "You can undo it for 10 minutes." in page

    undone = client.post(
        reverse("rota_change_undo", args=[claim.pk]), {"next": response["Location"]}, expect=302
    )
    assert undone["Location"] == response["Location"]
    assert _messages(undone) == ["Undone. The visit is open again for anyone to take."]
    visit.refresh_from_db()
    assert visit.status == Visit.Status.OPEN and visit.carer is None
    # The undo is in the rota's activity, and the page no longer offers it.
    assert RotaChange.objects.filter(kind=RotaChange.Kind.UNDONE, undoes=claim).exists()
    activity = client.get(reverse("rota_activity", args=[personas.team.pk])).content.decode()
    assert "undid a change" in activity
    assert (
        reverse("rota_change_undo", args=[claim.pk])
        not in client.get(response["Location"]).content.decode()
    )


def test_undo_is_offered_for_ten_minutes_to_whoever_made_the_change(personas, time_machine):
    bea = teammate(personas)
    visit = open_visit(personas, **MORNING_VISIT)
    services.visit_claim(actor=personas.carer, visit_id=visit.pk)
    offered = selectors.undo_offer(personas.carer, visit)
    assert offered is not None
    assert offered.kind == RotaChange.Kind.VISIT_CLAIMED
    assert selectors.undo_offer(bea, visit) is None  # not Bea's change
    assert selectors.undo_offer(personas.other_carer, visit) is None
    _at(time_machine, 7, 11)
    assert selectors.undo_offer(personas.carer, visit) is None
    # The activity page can still undo it.
    claim = RotaChange.objects.get(kind=RotaChange.Kind.VISIT_CLAIMED)
    services.change_undo(actor=personas.carer, change_id=claim.pk)


def test_a_taken_visit_has_no_confirm_step_and_says_who_took_it(personas):
    bea = teammate(personas)
    visit = open_visit(personas, **MORNING_VISIT)
    services.visit_claim(actor=bea, visit_id=visit.pk)
    response = _client(personas.carer).get(reverse("rota_visit_claim", args=[visit.pk]), expect=302)
    assert _messages(response) == ["Bea Colleague has already taken this visit."]
    late = _client(personas.carer).post(
        reverse("rota_visit_claim", args=[visit.pk]), {"confirm": "yes"}, expect=302
    )
    assert _messages(late) == ["Bea Colleague has already taken this visit."]


def test_taking_an_offer_asks_first_and_undo_puts_the_offer_back(personas):
    bea = teammate(personas)
    visit = open_visit(personas, carer_ids=[personas.carer.pk], **MORNING_VISIT)
    offer = services.visit_offer(actor=personas.carer, visit_id=visit.pk, note="Dentist")
    client = _client(bea)
    url = reverse("rota_offer_accept", args=[offer.pk])
    page = client.get(url, expect=200).content.decode()
    assert "Take this visit to Jean?" in page and "Dentist" in page
    assert "this would be a new face" in page
    offer.refresh_from_db()
    assert offer.status == Offer.Status.OPEN

    taken = client.post(url, {"confirm": "yes"}, expect=302)
    assert _messages(taken) == ["The visit is yours now. Thank you."]
    page = client.get(taken["Location"]).content.decode()
    assert "You took this visit from the offer." in page
    accepted = RotaChange.objects.get(kind=RotaChange.Kind.OFFER_ACCEPTED)
    undone = client.post(
        reverse("rota_change_undo", args=[accepted.pk]), {"next": taken["Location"]}, expect=302
    )
    assert _messages(undone) == ["Undone. The visit is on offer again."]
    visit.refresh_from_db()
    offer.refresh_from_db()
    assert visit.carer == personas.carer
    assert offer.status == Offer.Status.OPEN and offer.accepted_by is None


def test_the_confirm_steps_answer_everyone_else_like_nothing_is_there(personas):
    visit = open_visit(personas, **MORNING_VISIT)
    mine = open_visit(personas, carer_ids=[personas.carer.pk], **MORNING_VISIT)
    offer = services.visit_offer(actor=personas.carer, visit_id=mine.pk)
    for who in ("other_carer", "family", "professional", "person_user", "outsider"):
        client = _client(personas.all_users()[who])
        for name, pk in (("rota_visit_claim", visit.pk), ("rota_offer_accept", offer.pk)):
            seen = client.get(reverse(name, args=[pk]), expect=404)
            missing = client.get(reverse(name, args=[999999]), expect=404)
            assert seen.content == missing.content
    Client().get(reverse("rota_visit_claim", args=[visit.pk]), expect=302)  # to sign in


# The team's week on a phone ----------------------------------------------------------------------


def test_the_week_is_a_day_list_that_opens_on_today(personas):
    open_visit(personas, **MORNING_VISIT)
    open_visit(
        personas,
        carer_ids=[personas.carer.pk],
        **{**MORNING_VISIT, "day": WEDNESDAY - dt.timedelta(1)},
    )
    page = (
        _client(personas.carer).get(reverse("rota_team", args=[personas.team.pk])).content.decode()
    )
    # Monday and Tuesday are folded away above today; the grid is still there for laptops.
    earlier = page.index('class="panel rota-earlier"')
    today = page.index('id="today"')
    assert earlier < page.index('id="day-20260615"') < page.index('id="day-20260616"') < today
    assert "Earlier this week (2 days)" in page
    assert "Today, Wednesday 17 June" in page
    assert f'id="daycell-{personas.person.pk}-20260617"' in page
    assert reverse("rota_visit_claim", args=[Visit.objects.get(date=WEDNESDAY).pk]) in page
    assert 'class="rota-grid"' in page
    # Another week is shown whole, from Monday, with nothing folded.
    other = (
        _client(personas.carer)
        .get(reverse("rota_team", args=[personas.team.pk]) + "?week=2026-06-22")
        .content.decode()
    )
    assert "rota-earlier" not in other and 'id="today"' not in other


def test_the_api_tells_the_warnings_before_the_claim(personas):
    visit = _busy_angela(personas)
    client = _client(personas.carer)
    before = client.get(f"/api/v1/rota/visits/{visit.pk}", expect=200).json()
    assert {w["code"] for w in before["warnings"]} >= {"double_booking", "new_face"}
    assert before["status"] == "open"
    claimed = client.post(f"/api/v1/rota/visits/{visit.pk}/claim", expect=200).json()
    assert claimed["status"] == "assigned"

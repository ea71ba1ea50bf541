"""The family's news: who sees each note, the timeline's order, and the person page's news."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from families import services
from families.services.sharing import Agreement, circle_member_sharing_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_user(client):
    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


def _note(personas, **extra):
    values = {"kind": "moment", "body": "Jean sang in the garden.", **extra}
    return services.note_create(actor=personas.carer, person_id=personas.person.pk, **values)


def _share_concerns_with_nina(personas):
    circle_member_sharing_update(
        actor=personas.carer,
        circle_member_id=personas.professional_place.pk,
        kinds=["visit", "moment", "concern"],
        agreement=Agreement(by="Jean", how="at a visit", at=timezone.now()),
    )


def _timeline(client, personas) -> str:
    return client.get(reverse("timeline", args=[personas.person.pk])).content.decode()


# Who sees each note ----------------------------------------------------------------------------


def test_a_concern_shared_with_the_nurse_names_her(personas, as_user):
    _share_concerns_with_nina(personas)
    _note(personas, kind="concern", body="Jean's ankle is swollen")

    for who in (personas.carer, personas.professional):
        html = _timeline(as_user(who), personas)
        assert "Seen by the team and Nina Nurse (district nurse)" in html
        assert "Seen by the team only" not in html


def test_a_handover_is_still_the_team_only(personas, as_user):
    _share_concerns_with_nina(personas)
    _note(personas, kind="handover", body="Key safe code changed")

    assert "Seen by the team only" in _timeline(as_user(personas.carer), personas)


def test_a_concern_nobody_else_sees_says_the_team_only(personas, as_user):
    _note(personas, kind="concern", body="Jean's ankle is swollen")

    assert "Seen by the team only" in _timeline(as_user(personas.carer), personas)


# The timeline's order --------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["carer", "family", "professional", "person_user"])
def test_the_news_comes_before_a_collapsed_composer(personas, as_user, who):
    _note(personas, body="Jean sang in the garden.", audience="circle")

    html = _timeline(as_user(personas.all_users()[who]), personas)

    assert '<details class="composer"' in html
    assert "<summary" in html and "Write a note" in html
    assert '<details class="composer" open' not in html


def test_a_concern_offers_no_thank_you(personas, as_user):
    _note(personas, kind="concern", body="Jean's ankle is swollen")
    _note(personas, body="Jean sang in the garden.", audience="circle")

    html = _timeline(as_user(personas.carer), personas)
    cards = {
        card.split('data-kind="')[1].split('"')[0]: card for card in html.split("<article ")[1:]
    }
    concern, moment = cards["concern"], cards["moment"]
    assert 'value="thanks"' not in concern
    assert 'value="heart"' in concern
    assert 'value="thanks"' in moment


def test_reply_opens_on_tap(personas, as_user):
    _note(personas, body="Jean sang in the garden.", audience="circle")

    html = _timeline(as_user(personas.family), personas)

    assert '<details class="reply-box"' in html
    assert 'class="reply-form"' in html


# The person page: the family's news first ------------------------------------------------------


def _person_page(client, personas) -> str:
    response = client.get(reverse("person", args=[personas.person.pk]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("who", ["family", "professional"])
def test_the_circle_sees_the_latest_updates_before_anything_else(personas, as_user, who):
    _note(personas, body="An older walk to the shops.", audience="circle")
    _note(personas, body="Jean sang in the garden.", audience="circle", wellbeing=5)

    html = _person_page(as_user(personas.all_users()[who]), personas)

    assert "Latest news" in html
    newest, older = html.index("Jean sang in the garden."), html.index("An older walk")
    # The newest update, then who's coming (both on a phone's first screen), then older news.
    assert newest < html.index("Who's coming") < older
    assert "Seemed:" in html
    assert "Write an update" in html and '<details class="composer"' in html
    assert html.index("Jean sang in the garden.") < html.index('id="note-form"')


def test_the_circle_never_sees_a_team_note_on_the_person_page(personas, as_user):
    _note(personas, kind="handover", body="Key safe code changed")

    html = _person_page(as_user(personas.family), personas)

    assert "Key safe code changed" not in html
    assert "No news written yet." in html


@pytest.mark.parametrize("who", ["carer", "person_user"])
def test_the_team_and_the_person_keep_their_own_page(personas, as_user, who):
    _note(personas, body="Jean sang in the garden.", audience="circle")

    html = _person_page(as_user(personas.all_users()[who]), personas)

    assert "Latest news" not in html
    # Said to the person on their own page.
    assert ("Your notes" if who == "person_user" else "Notes and news") in html


def test_the_family_can_call_the_named_coordinator(personas, as_user):
    personas.carer.phone = "07700 900123"
    personas.carer.save()

    html = _person_page(as_user(personas.family), personas)

    assert 'href="tel:07700 900123"' in html
    assert "First contact" in html


def test_the_family_is_told_which_carers_came_in_words(personas, as_user):
    from core.tests.factories import MembershipFactory, UserFactory
    from teams.models import Visit

    priya = UserFactory.create(display_name="Priya Patel")
    MembershipFactory(team=personas.team, user=priya)
    today = dt.date(2026, 3, 18)
    for days_ago, carer in ((1, personas.carer), (3, priya), (40, priya)):
        Visit.objects.create(
            team=personas.team,
            person=personas.person,
            carer=carer,
            status=Visit.Status.ASSIGNED,
            date=today - dt.timedelta(days=days_ago),
            window_start=dt.time(9),
            window_end=dt.time(10),
            minutes=60,
        )

    with time_machine.travel(dt.datetime(2026, 3, 18, 12, tzinfo=dt.UTC), tick=False):
        html = _person_page(as_user(personas.family), personas)

    assert "Jean has seen 2 carers in the last four weeks: Angela and Priya" in html


# The photo viewer -------------------------------------------------------------------------------


def test_a_photo_opens_inside_kith_with_a_way_back(personas, as_user):
    from families.tests.notes_helpers import photo_upload

    note = _note(personas, audience="circle", photos=[photo_upload()])
    photo = note.photos.get()

    response = as_user(personas.family).get(reverse("note_photo_view", args=[photo.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert f'src="{reverse("note_photo", args=[photo.pk])}"' in html
    assert f'href="{reverse("timeline", args=[personas.person.pk])}#note-{note.pk}"' in html
    assert ">Back<" in html
    timeline = _timeline(as_user(personas.family), personas)
    assert f'href="{reverse("note_photo_view", args=[photo.pk])}"' in timeline

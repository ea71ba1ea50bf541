"""The family's news: who sees each note, the timeline's order, and the person page's news."""


import pytest
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

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.models import User
from core.tests.factories import CircleMemberFactory
from families import services
from families.models import Invitation


def _token(issued) -> str:
    return issued.link.rstrip("/").rsplit("/", 1)[-1]


@pytest.fixture
def circle_invitation(personas):
    place = CircleMemberFactory.create(
        person=personas.person, user=None, name="Tom Grandson", email="tom@example.org"
    )
    issued = services.invitation_create_for_circle(
        actor=personas.carer, circle_member_id=place.pk, site_url="http://testserver"
    )
    return issued, place


@pytest.fixture
def team_invitation(personas):
    return services.invitation_create_for_team(
        actor=personas.carer,
        team_id=personas.team.pk,
        name="Nia New",
        site_url="http://testserver",
    )


def test_a_new_family_member_creates_an_account_and_sees_their_person(circle_invitation, personas):
    issued, place = circle_invitation
    client = Client()
    url = reverse("invitation", args=[_token(issued)])
    page = client.get(url)
    assert page.status_code == 200
    assert "Join Jean's circle" in page.text
    response = client.post(
        url, {"display_name": "Tom", "email": "tom@example.org", "password": "a long sentence here"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("person", args=[personas.person.pk])
    place.refresh_from_db()
    assert place.user.email == "tom@example.org"
    assert "Jean" in client.get(reverse("home")).text


def test_a_signed_in_carer_joins_another_team(team_invitation, personas):
    client = Client()
    client.force_login(personas.other_carer)
    response = client.post(reverse("invitation", args=[_token(team_invitation)]))
    assert response.status_code == 302
    assert client.get(reverse("team", args=[personas.team.pk])).status_code == 200


def test_a_used_link_says_so_and_how_to_go_on(team_invitation, personas):
    token = _token(team_invitation)
    services.invitation_accept(token=token, user=personas.outsider)
    page = Client().get(reverse("invitation", args=[token]))
    assert page.status_code == 410
    assert "already been used" in page.text


def test_an_expired_link_says_when_and_whom_to_ask(team_invitation):
    Invitation.objects.update(expires_at=timezone.now() - timedelta(days=1))
    page = Client().get(reverse("invitation", args=[_token(team_invitation)]))
    assert page.status_code == 410
    assert "This invitation has expired" in page.text
    assert "Angela Carer" in page.text


def test_an_unknown_link_suggests_it_may_be_cut_short(db):
    page = Client().get(reverse("invitation", args=["not-a-real-token"]))
    assert page.status_code == 404
    assert "This link does not work" in page.text


def test_a_weak_password_is_explained_and_nothing_is_created(circle_invitation):
    issued, _ = circle_invitation
    response = Client().post(
        reverse("invitation", args=[_token(issued)]),
        {"display_name": "Tom", "email": "tom@example.org", "password": "password"},
    )
    assert response.status_code == 200
    assert "This password is too common." in response.text
    assert not User.objects.filter(email="tom@example.org").exists()
    assert Invitation.objects.get().accepted_at is None


def test_an_email_already_in_use_points_to_signing_in(circle_invitation, personas):
    issued, _ = circle_invitation
    response = Client().post(
        reverse("invitation", args=[_token(issued)]),
        {"display_name": "X", "email": "angela@example.org", "password": "a long sentence here"},
    )
    assert "Please sign in to accept." in response.text


def test_a_new_link_replaces_the_old_one(circle_invitation, personas):
    issued, place = circle_invitation
    services.invitation_create_for_circle(
        actor=personas.carer, circle_member_id=place.pk, site_url="http://testserver"
    )
    page = Client().get(reverse("invitation", args=[_token(issued)]))
    assert page.status_code == 410
    assert "withdrawn" in page.text


def test_a_link_works_once_even_when_two_people_race(team_invitation, personas):
    token = _token(team_invitation)
    services.invitation_accept(token=token, user=personas.outsider)
    with pytest.raises(services.InvitationUnusable) as second:
        services.invitation_accept(token=token, user=personas.other_carer)
    assert second.value.state is services.InvitationState.USED


def test_only_a_hash_of_the_token_is_stored(team_invitation):
    token = _token(team_invitation)
    assert token not in Invitation.objects.get().token_hash

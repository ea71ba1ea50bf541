"""/api/v1/teams and one team, for its current members only."""

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from core.models import User
from core.tests.factories import MembershipFactory, PersonFactory, TeamFactory, UserFactory
from teams.services import membership_leave, membership_set_role_label

LIST_URL = "/api/v1/teams"


def team_url(team_id: int) -> str:
    return f"/api/v1/teams/{team_id}"


def get(user: User | None, url: str):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client.get(url)


@pytest.mark.parametrize(
    ("who", "team_names"),
    [
        ("carer", ["Riverside neighbourhood team"]),
        ("other_carer", ["Hilltop neighbourhood team"]),
        ("family", []),
        ("professional", []),
        ("person_user", []),
        ("outsider", []),
    ],
)
def test_each_persona_sees_only_the_teams_they_are_in(personas, who, team_names):
    response = get(personas.all_users()[who], LIST_URL)
    assert response.status_code == 200
    assert [t["name"] for t in response.json()] == team_names


def test_signed_out_is_asked_to_sign_in(personas):
    response = get(None, LIST_URL)
    assert response.status_code == 401
    assert response.json()["code"] == "not_signed_in"
    assert b"Riverside" not in response.content


def test_a_team_lists_its_current_members_with_their_labels(personas):
    membership_set_role_label(
        membership=personas.carer.memberships.get(), role_label="Rota lead this month"
    )
    leaver = UserFactory(display_name="Lee Leaver")
    membership_leave(membership=MembershipFactory.create(team=personas.team, user=leaver))
    body = get(personas.carer, LIST_URL).json()
    assert body == [
        {
            "id": personas.team.pk,
            "name": "Riverside neighbourhood team",
            "area": "Riverside",
            "members": [
                {
                    "id": personas.carer.pk,
                    "display_name": "Angela Carer",
                    "role_label": "Rota lead this month",
                    "photo_url": None,
                }
            ],
        }
    ]


def test_a_member_photo_is_given_as_an_access_checked_address(personas):
    personas.carer.photo.save("angela.jpg", ContentFile(b"jpeg"), save=True)
    member = get(personas.carer, LIST_URL).json()[0]["members"][0]
    assert member["photo_url"].startswith(reverse("user_photo", args=[personas.carer.pk]))


def test_a_carer_in_two_teams_sees_both(personas):
    MembershipFactory(team=personas.other_team, user=personas.carer)
    names = [t["name"] for t in get(personas.carer, LIST_URL).json()]
    assert names == ["Hilltop neighbourhood team", "Riverside neighbourhood team"]


def test_a_team_i_left_is_no_longer_listed(personas):
    membership_leave(membership=personas.carer.memberships.get())
    assert get(personas.carer, LIST_URL).json() == []


def test_the_list_costs_the_same_whatever_the_number_of_teams_and_members(
    personas, django_assert_num_queries
):
    client = Client()
    client.force_login(personas.carer)
    client.get(LIST_URL)  # the first request after signing in renews the session: warm up
    # Session and account: two. Teams, members: two.
    info = "GET /teams must not query once per team or member"
    with django_assert_num_queries(4, info=info):
        client.get(LIST_URL)
    for _ in range(3):
        team = TeamFactory()
        MembershipFactory(team=team, user=personas.carer)
        MembershipFactory(team=team)
        MembershipFactory(team=personas.team)
    with django_assert_num_queries(4, info=info):
        response = client.get(LIST_URL)
    assert len(response.json()) == 4


# One team ------------------------------------------------------------------------------------


def test_a_member_sees_the_team_its_members_and_the_people_it_supports(personas):
    response = get(personas.carer, team_url(personas.team.pk))
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == personas.team.pk
    assert body["name"] == "Riverside neighbourhood team"
    assert [m["display_name"] for m in body["members"]] == ["Angela Carer"]
    assert body["people"] == [
        {"id": personas.person.pk, "name": "Jean"},
        {"id": personas.neighbour.pk, "name": "Neville Neighbour"},
    ]


@pytest.mark.parametrize(
    "who", ["other_carer", "family", "professional", "person_user", "outsider"]
)
def test_anyone_not_in_the_team_is_told_it_does_not_exist(personas, who):
    user = personas.all_users()[who]
    forbidden = get(user, team_url(personas.team.pk))
    missing = get(user, team_url(999_999))
    assert forbidden.status_code == missing.status_code == 404
    assert forbidden.json() == {
        "code": "not_found",
        "message": "We could not find that.",
        "fields": {},
    }
    assert forbidden.content == missing.content
    assert b"Riverside" not in forbidden.content


def test_a_carer_who_left_is_told_the_team_does_not_exist(personas):
    membership_leave(membership=personas.carer.memberships.get())
    assert get(personas.carer, team_url(personas.team.pk)).status_code == 404


def test_signed_out_is_asked_to_sign_in_for_a_team(personas):
    response = get(None, team_url(personas.team.pk))
    assert response.status_code == 401
    assert b"Riverside" not in response.content


def test_one_team_costs_the_same_whatever_its_size(personas, django_assert_num_queries):
    client = Client()
    client.force_login(personas.carer)
    client.get(team_url(personas.team.pk))  # the first request renews the session: warm up
    # Session and account: two. The team (with the access check), members, people: three.
    info = "GET /teams/<id> must not query once per member or person"
    with django_assert_num_queries(5, info=info):
        client.get(team_url(personas.team.pk))
    for _ in range(3):
        MembershipFactory(team=personas.team)
        PersonFactory(team=personas.team, coordinator=UserFactory())
    with django_assert_num_queries(5, info=info):
        response = client.get(team_url(personas.team.pk))
    assert len(response.json()["members"]) == 4
    assert len(response.json()["people"]) == 5

"""/api/v1/people, one person and their circle, for every persona."""

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from core.models import User
from core.tests.factories import CircleMemberFactory, PersonFactory, UserFactory
from families.models import CircleMember
from families.services import circle_member_remove
from teams.services import membership_leave

NOT_FOUND = {"code": "not_found", "message": "We could not find that.", "fields": {}}


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def get(user: User | None, url: str):
    return (signed_in(user) if user else Client()).get(url)


def people_url() -> str:
    return "/api/v1/people"


def person_url(person_id: int) -> str:
    return f"/api/v1/people/{person_id}"


def circle_url(person_id: int) -> str:
    return f"/api/v1/people/{person_id}/circle"


# The list ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("carer", {"Jean": "team", "Neville Neighbour": "team"}),
        ("other_carer", {"Olive Otherteam": "team"}),
        ("family", {"Jean": "circle"}),
        ("professional", {"Jean": "circle"}),
        ("person_user", {"Jean": "self"}),
        ("outsider", {}),
    ],
)
def test_each_persona_sees_exactly_their_people_and_how_they_know_them(personas, who, expected):
    response = get(personas.all_users()[who], people_url())
    assert response.status_code == 200
    assert {p["name"]: p["my_role"] for p in response.json()} == expected


def test_signed_out_is_asked_to_sign_in(personas):
    response = get(None, people_url())
    assert response.status_code == 401
    assert response.json()["code"] == "not_signed_in"
    assert b"Jean" not in response.content


def test_a_list_entry_says_who_they_are_and_who_to_contact(personas):
    body = get(personas.family, people_url()).json()
    assert body == [
        {
            "id": personas.person.pk,
            "name": "Jean",
            "full_name": "Jean Margaret Person",
            "pronouns": "",
            "photo_url": None,
            "team": {"id": personas.team.pk, "name": "Riverside neighbourhood team"},
            "my_role": "circle",
            "coordinator": {
                "id": personas.carer.pk,
                "display_name": "Angela Carer",
                "photo_url": None,
            },
        }
    ]


def test_someone_without_a_coordinator_has_null(personas):
    body = get(personas.carer, people_url()).json()
    neville = next(p for p in body if p["id"] == personas.neighbour.pk)
    assert neville["coordinator"] is None


def test_a_photo_is_given_as_an_access_checked_address(personas):
    personas.person.photo.save("jean.jpg", ContentFile(b"jpeg"), save=True)
    body = get(personas.family, people_url()).json()
    assert body[0]["photo_url"].startswith(reverse("person_photo", args=[personas.person.pk]))


def test_a_carer_who_left_the_team_sees_nobody(personas):
    membership_leave(membership=personas.carer.memberships.get())
    assert get(personas.carer, people_url()).json() == []


def test_someone_removed_from_the_circle_sees_nobody(personas):
    circle_member_remove(actor=personas.carer, circle_member_id=personas.family_place.pk)
    assert get(personas.family, people_url()).json() == []


def test_the_list_costs_the_same_whatever_the_number_of_people(personas, django_assert_num_queries):
    client = signed_in(personas.carer)
    client.get(people_url())  # the first request after signing in renews the session: warm up
    # Session and account: two. people_for_user: three.
    info = "GET /people must not query once per person, team or coordinator"
    with django_assert_num_queries(5, info=info):
        first = client.get(people_url())
    for n in range(5):
        coordinator = UserFactory()
        PersonFactory(team=personas.team, coordinator=coordinator, full_name=f"Extra {n}")
    with django_assert_num_queries(5, info=info):
        second = client.get(people_url())
    assert len(second.json()) == len(first.json()) + 5


# One person ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "role", "can_edit", "can_manage_circle", "reads_about_me"),
    [
        ("carer", "team", True, True, True),
        ("person_user", "self", True, False, True),
        ("family", "circle", False, False, True),
        # A visiting professional reads About Me only when the person chooses so.
        ("professional", "circle", False, False, False),
    ],
)
def test_those_who_may_see_the_person_get_the_full_profile(
    personas, who, role, can_edit, can_manage_circle, reads_about_me
):
    response = get(personas.all_users()[who], person_url(personas.person.pk))
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == personas.person.pk
    assert body["name"] == "Jean"
    assert body["full_name"] == "Jean Margaret Person"
    assert body["preferred_name"] == "Jean"
    words = {
        "about_me": "Loves the garden and a good crossword.",
        "what_matters": "Seeing my grandchildren on Sundays.",
        "how_to_support": "Speak slowly and give me time to answer.",
    }
    for field, text in words.items():
        assert body[field] == (text if reads_about_me else ""), field
    assert body["team"] == {"id": personas.team.pk, "name": "Riverside neighbourhood team"}
    assert body["coordinator"]["display_name"] == "Angela Carer"
    assert body["support_ended_at"] is None
    assert body["my_role"] == role
    assert body["can_edit"] is can_edit
    assert body["can_manage_circle"] is can_manage_circle


@pytest.mark.parametrize("who", ["other_carer", "outsider"])
def test_anyone_else_is_told_the_person_does_not_exist(personas, who):
    user = personas.all_users()[who]
    forbidden = get(user, person_url(personas.person.pk))
    missing = get(user, person_url(999_999))
    assert forbidden.status_code == missing.status_code == 404
    assert forbidden.json() == NOT_FOUND
    assert forbidden.content == missing.content
    assert b"Jean" not in forbidden.content


def test_a_family_member_is_told_another_person_does_not_exist(personas):
    response = get(personas.family, person_url(personas.neighbour.pk))
    assert response.status_code == 404
    assert response.content == get(personas.family, person_url(999_999)).content


def test_signed_out_is_asked_to_sign_in_for_a_person(personas):
    response = get(None, person_url(personas.person.pk))
    assert response.status_code == 401
    assert b"Jean" not in response.content


# The circle ----------------------------------------------------------------------------------


@pytest.fixture
def full_circle(personas):
    """A second carer, a friend without an account and a GP, each with contact details."""
    from core.tests.factories import MembershipFactory

    second = UserFactory(display_name="Bola Carer", phone="07700 900999")
    MembershipFactory(team=personas.team, user=second)
    CircleMemberFactory(
        person=personas.person,
        user=None,
        name="Fred Friend",
        kind=CircleMember.Kind.FRIEND,
        relationship="neighbour",
        phone="07700 900555",
        email="fred@example.org",
    )
    CircleMemberFactory(
        person=personas.person,
        user=None,
        name="Dr Gita",
        kind=CircleMember.Kind.PROFESSIONAL,
        relationship="GP",
        phone="01632 960777",
        email="gita@surgery.example.org",
    )
    return personas


CONTACT_DETAILS = [
    "07700 900123",  # every factory circle member's phone
    "07700 900555",
    "01632 960777",
    "sarah@example.org",
    "nina@example.org",
    "fred@example.org",
    "gita@surgery.example.org",
    "07700 900999",  # a carer's own phone is never part of the circle answer
]


def test_a_carer_sees_everyone_around_the_person_with_their_contact_details(full_circle):
    p = full_circle
    response = get(p.carer, circle_url(p.person.pk))
    assert response.status_code == 200
    body = response.json()
    assert body["person_id"] == p.person.pk
    assert body["coordinator"] == {
        "id": p.carer.pk,
        "display_name": "Angela Carer",
        "photo_url": None,
    }
    assert [c["display_name"] for c in body["carers"]] == ["Bola Carer"]
    family = {m["name"]: m for m in body["family_and_friends"]}
    assert set(family) == {"Sarah Daughter", "Fred Friend"}
    assert family["Sarah Daughter"]["phone"] == "07700 900123"
    assert family["Sarah Daughter"]["email"] == "sarah@example.org"
    assert family["Sarah Daughter"]["has_account"] is True
    assert family["Fred Friend"]["has_account"] is False
    assert family["Fred Friend"]["kind"] == "friend"
    assert family["Fred Friend"]["kind_label"] == "Friend or neighbour"
    assert family["Fred Friend"]["relationship"] == "neighbour"
    professionals = {m["name"]: m for m in body["professionals"]}
    assert set(professionals) == {"Nina Nurse", "Dr Gita"}
    assert professionals["Dr Gita"]["phone"] == "01632 960777"
    assert professionals["Dr Gita"]["email"] == "gita@surgery.example.org"


@pytest.mark.parametrize("who", ["family", "professional", "person_user"])
def test_outside_the_team_nobody_gets_contact_details(full_circle, who):
    response = get(full_circle.all_users()[who], circle_url(full_circle.person.pk))
    assert response.status_code == 200
    body = response.json()
    members = body["family_and_friends"] + body["professionals"]
    assert {m["name"] for m in members} == {
        "Sarah Daughter",
        "Fred Friend",
        "Nina Nurse",
        "Dr Gita",
    }
    assert all(m["phone"] is None and m["email"] is None for m in members)
    # Not under another key either: the raw answer holds none of them anywhere.
    text = response.content.decode()
    for detail in CONTACT_DETAILS:
        assert detail not in text, detail


def test_a_family_member_still_sees_who_is_around(full_circle):
    body = get(full_circle.family, circle_url(full_circle.person.pk)).json()
    assert body["coordinator"]["display_name"] == "Angela Carer"
    assert [c["display_name"] for c in body["carers"]] == ["Bola Carer"]


@pytest.mark.parametrize("who", ["other_carer", "outsider"])
def test_anyone_else_is_told_the_circle_does_not_exist(personas, who):
    user = personas.all_users()[who]
    forbidden = get(user, circle_url(personas.person.pk))
    missing = get(user, circle_url(999_999))
    assert forbidden.status_code == 404
    assert forbidden.content == missing.content
    assert b"Sarah" not in forbidden.content


def test_signed_out_is_asked_to_sign_in_for_a_circle(personas):
    response = get(None, circle_url(personas.person.pk))
    assert response.status_code == 401
    assert b"Sarah" not in response.content


def test_someone_taken_out_of_the_circle_is_no_longer_listed(personas):
    circle_member_remove(actor=personas.carer, circle_member_id=personas.professional_place.pk)
    body = get(personas.carer, circle_url(personas.person.pk)).json()
    assert body["professionals"] == []


def test_the_circle_costs_the_same_whatever_its_size(
    personas, django_assert_num_queries, django_capture_on_commit_callbacks
):
    client = signed_in(personas.family)
    # The first request renews the session and writes Sarah's look in Jean's trail; what
    # waits for that commit (remembering the look for the period) runs as it would live.
    with django_capture_on_commit_callbacks(execute=True):
        client.get(circle_url(personas.person.pk))
    # Session and account: two. Access: two for a circle member (the person, their place).
    # Carers, circle and open invitations: three. The look is already written for this
    # period (core.audit.record_read), so it costs nothing more.
    info = "GET /people/<id>/circle must not query once per carer or circle member"
    with django_assert_num_queries(7, info=info):
        client.get(circle_url(personas.person.pk))
    from core.tests.factories import MembershipFactory

    for _ in range(4):
        MembershipFactory(team=personas.team)
        CircleMemberFactory(person=personas.person)
        CircleMemberFactory(person=personas.person, user=None)
    with django_assert_num_queries(7, info=info):
        response = client.get(circle_url(personas.person.pk))
    assert len(response.json()["family_and_friends"]) == 9

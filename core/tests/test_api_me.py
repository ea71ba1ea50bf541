"""GET and PATCH /api/v1/me, for every persona and every kind of bad input."""

import json

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from core.models import User
from teams.services import membership_leave, membership_set_role_label

URL = "/api/v1/me"
PERSONAS = ["carer", "other_carer", "family", "professional", "person_user", "outsider"]


def signed_in(user: User, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def patch(client: Client, body: object):
    return client.patch(URL, json.dumps(body), content_type="application/json")


def assert_invalid(response, *fields: str) -> None:
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == "invalid"
    assert body["message"]
    assert set(body["fields"]) == set(fields)
    assert all(body["fields"][name] for name in fields)


def unchanged(user: User) -> bool:
    fresh = User.objects.get(pk=user.pk)
    return (fresh.display_name, fresh.phone, fresh.language) == (
        user.display_name,
        user.phone,
        user.language,
    )


# Reading -------------------------------------------------------------------------------------


def test_signed_out_is_asked_to_sign_in(db):
    response = Client().get(URL)
    assert response.status_code == 401
    assert response.json() == {
        "code": "not_signed_in",
        "message": "Please sign in to continue.",
        "fields": {},
    }


@pytest.mark.parametrize("who", PERSONAS)
def test_everyone_signed_in_sees_their_own_account(personas, who):
    user = personas.all_users()[who]
    response = signed_in(user).get(URL)
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == user.pk
    assert body["email"] == user.email
    assert body["display_name"] == user.display_name
    assert body["phone"] == user.phone
    assert body["language"] == "en-gb"
    assert body["photo_url"] is None


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
def test_it_lists_the_teams_someone_is_in_now(personas, who, team_names):
    body = signed_in(personas.all_users()[who]).get(URL).json()
    assert [team["name"] for team in body["teams"]] == team_names


def test_a_team_shows_the_label_the_team_gave_me(personas):
    membership_set_role_label(
        membership=personas.carer.memberships.get(), role_label="Rota lead this month"
    )
    body = signed_in(personas.carer).get(URL).json()
    assert body["teams"] == [
        {
            "id": personas.team.pk,
            "name": "Riverside neighbourhood team",
            "role_label": "Rota lead this month",
        }
    ]


def test_a_team_i_left_is_no_longer_listed(personas):
    membership_leave(membership=personas.carer.memberships.get())
    assert signed_in(personas.carer).get(URL).json()["teams"] == []


def test_a_photo_is_given_as_an_access_checked_address(personas):
    user = personas.family
    user.photo.save("face.jpg", ContentFile(b"not really a jpeg"), save=True)
    url = signed_in(user).get(URL).json()["photo_url"]
    assert url.startswith(reverse("user_photo", args=[user.pk]) + "?v=")


def test_the_photo_address_changes_when_the_photo_does(personas):
    user = personas.family
    client = signed_in(user)
    user.photo.save("one.jpg", ContentFile(b"one"), save=True)
    first = client.get(URL).json()["photo_url"]
    user.photo.save("two.jpg", ContentFile(b"two"), save=True)
    assert client.get(URL).json()["photo_url"] != first


def test_it_does_not_depend_on_the_number_of_teams(personas, django_assert_num_queries):
    from core.tests.factories import MembershipFactory

    client = signed_in(personas.carer)
    client.get(URL)  # the first request after signing in renews the session: warm up
    # Reading the session and the account make two; the teams, however many, one more.
    with django_assert_num_queries(3, info="GET /me must not query once per team"):
        client.get(URL)
    for _ in range(3):
        MembershipFactory(user=personas.carer)
    with django_assert_num_queries(3, info="GET /me must not query once per team"):
        response = client.get(URL)
    assert len(response.json()["teams"]) == 4


# Changing ------------------------------------------------------------------------------------


def test_changing_only_the_name_keeps_the_phone(personas):
    user = personas.family
    user.phone = "01632 960001"
    user.save()
    response = patch(signed_in(user), {"display_name": "  Sarah D  "})
    assert response.status_code == 200, response.content
    assert response.json()["display_name"] == "Sarah D"
    assert response.json()["phone"] == "01632 960001"
    user.refresh_from_db()
    assert (user.display_name, user.phone) == ("Sarah D", "01632 960001")


def test_changing_only_the_phone_keeps_the_name(personas):
    user = personas.carer
    response = patch(signed_in(user), {"phone": "01632 960002"})
    assert response.status_code == 200
    user.refresh_from_db()
    assert (user.display_name, user.phone) == ("Angela Carer", "01632 960002")


def test_the_phone_can_be_cleared(personas):
    user = personas.carer
    user.phone = "01632 960003"
    user.save()
    assert patch(signed_in(user), {"phone": ""}).status_code == 200
    user.refresh_from_db()
    assert user.phone == ""


def test_a_listed_language_can_be_chosen(personas):
    user = personas.person_user
    response = patch(signed_in(user), {"language": settings.LANGUAGES[0][0]})
    assert response.status_code == 200
    assert response.json()["language"] == settings.LANGUAGES[0][0]


def test_an_empty_body_object_changes_nothing(personas):
    user = personas.carer
    response = patch(signed_in(user), {})
    assert response.status_code == 200
    assert unchanged(user)


def test_signed_out_cannot_change_anything(db):
    response = patch(Client(), {"display_name": "Mallory"})
    assert response.status_code == 401
    assert response.json()["code"] == "not_signed_in"


def test_an_unknown_language_is_refused(personas):
    user = personas.carer
    assert_invalid(patch(signed_in(user), {"language": "xx-klingon"}), "language")
    assert unchanged(user)


def test_an_empty_language_is_refused(personas):
    user = personas.carer
    assert_invalid(patch(signed_in(user), {"language": ""}), "language")
    assert unchanged(user)


def test_a_blank_name_is_refused(personas):
    user = personas.carer
    assert_invalid(patch(signed_in(user), {"display_name": "   "}), "display_name")
    assert unchanged(user)


@pytest.mark.parametrize(("field", "length"), [("display_name", 151), ("phone", 41)])
def test_over_long_values_are_refused(personas, field, length):
    user = personas.carer
    assert_invalid(patch(signed_in(user), {field: "9" * length}), field)
    assert unchanged(user)


@pytest.mark.parametrize(
    "body",
    [
        {"display_name": 42},
        {"display_name": ["Angela"]},
        {"display_name": {"first": "Angela"}},
        {"display_name": True},
    ],
)
def test_wrong_types_are_refused(personas, body):
    user = personas.carer
    assert_invalid(patch(signed_in(user), body), "display_name")
    assert unchanged(user)


def test_an_explicit_null_is_refused(personas):
    user = personas.carer
    assert_invalid(patch(signed_in(user), {"phone": None}), "phone")
    assert unchanged(user)


def test_fields_that_cannot_be_changed_here_are_refused_by_name(personas):
    user = personas.carer
    response = patch(signed_in(user), {"email": "mallory@example.org", "is_staff": True})
    assert_invalid(response, "email", "is_staff")
    fresh = User.objects.get(pk=user.pk)
    assert (fresh.email, fresh.is_staff) == ("angela@example.org", False)


def test_every_fault_is_reported_at_once(personas):
    response = patch(signed_in(personas.carer), {"display_name": 1, "phone": None, "x": 1})
    assert_invalid(response, "display_name", "phone", "x")


def test_a_nul_character_is_refused_before_it_reaches_the_database(personas):
    user = personas.carer
    assert_invalid(patch(signed_in(user), {"display_name": "Ang\x00ela"}), "display_name")
    assert unchanged(user)


@pytest.mark.parametrize(
    "raw",
    [b"{not json", b'{"display_name": "Angela"', b"\xff\xfe\x00", b"null", b"[]", b'"Angela"'],
)
def test_a_body_we_cannot_read_is_refused_not_crashed_on(personas, raw):
    user = personas.carer
    response = signed_in(user).patch(URL, raw, content_type="application/json")
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == "invalid"
    assert body["message"]
    assert unchanged(user)


def test_a_missing_body_is_refused(personas):
    response = signed_in(personas.carer).patch(URL)
    assert response.status_code == 422
    assert response.json()["code"] == "invalid"


def test_a_form_encoded_body_is_refused(personas):
    user = personas.carer
    response = signed_in(user).patch(
        URL, "display_name=Mallory", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 422
    assert unchanged(user)


# CSRF ----------------------------------------------------------------------------------------


def test_a_change_without_the_csrf_token_is_refused(personas):
    user = personas.carer
    client = signed_in(user, enforce_csrf_checks=True)
    response = patch(client, {"display_name": "Mallory"})
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"
    assert response.json()["fields"] == {}
    assert unchanged(user)


def test_a_change_with_the_csrf_token_goes_through(personas):
    user = personas.carer
    client = signed_in(user, enforce_csrf_checks=True)
    token = "k1thCsrfT0kenForTheTestSuite0000"  # 32 characters, as Django's secrets are
    client.cookies[settings.CSRF_COOKIE_NAME] = token
    response = client.patch(
        URL,
        json.dumps({"display_name": "Angela C"}),
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 200, response.content
    user.refresh_from_db()
    assert user.display_name == "Angela C"


def test_reading_needs_no_csrf_token(personas):
    client = signed_in(personas.carer, enforce_csrf_checks=True)
    assert client.get(URL).status_code == 200

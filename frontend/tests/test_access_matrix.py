"""Every page and API address, for every persona: allowed, or answered exactly like nothing.

A new address fails test_every_address_is_in_the_matrix until someone decides who may use it.
"""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from PIL import Image

from core.images import clean_photo
from core.tests.factories import CircleMemberFactory

EVERYONE = frozenset({"carer", "other_carer", "family", "professional", "person_user", "outsider"})
TEAM = frozenset({"carer"})
SEES_PERSON = frozenset({"carer", "family", "professional", "person_user"})
EDITS_PERSON = frozenset({"carer", "person_user"})
SEES_ANGELA = SEES_PERSON  # those who see Jean see her team, Angela among them

# name -> (method, who may use it)
MATRIX: dict[str, tuple[str, frozenset[str]]] = {
    "home": ("get", EVERYONE),
    "profile": ("get", EVERYONE),
    "person": ("get", SEES_PERSON),
    "person_edit": ("get", EDITS_PERSON),
    "person_coordinator": ("post", TEAM),
    "circle_add": ("get", TEAM),
    "circle_invite": ("post", TEAM),
    "circle_remove": ("post", TEAM),
    "team": ("get", TEAM),
    "team_invite": ("post", TEAM),
    "person_add": ("post", TEAM),
    "role_label_edit": ("post", TEAM),
    "person_photo": ("get", SEES_PERSON),
    "user_photo": ("get", SEES_ANGELA),
    "circle_photo": ("get", SEES_PERSON),
    # The API.
    "api:me": ("get", EVERYONE),
    "api:me_update": ("patch", EVERYONE),
    "api:people_list": ("get", EVERYONE),
    "api:person_detail": ("get", SEES_PERSON),
    "api:person_circle": ("get", SEES_PERSON),
    "api:teams_list": ("get", EVERYONE),
    "api:team_detail": ("get", TEAM),
}
# Open to anyone: signing in and out, password reset, invitation links, the API's own docs.
PUBLIC = {
    "login",
    "logout",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "invitation",
    "api:openapi-json",
    "api:openapi-view",
    "api:api-root",
    "api:no_such_address",
}


def _names(patterns, namespace: str = "") -> set[str]:
    names = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= _names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(namespace + pattern.name)
    return names


def test_every_address_is_in_the_matrix():
    names = _names(get_resolver().url_patterns)
    assert names - set(MATRIX) - PUBLIC == set(), "decide who may use these, then add them"
    assert set(MATRIX) - names == set(), "the matrix names addresses that no longer exist"


def _photo(name: str = "p.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 40), "teal").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.fixture
def world(personas):
    """The personas, with photos on everyone and a circle member who has no account yet."""
    for obj in (personas.person, personas.carer):
        cleaned = clean_photo(_photo())
        obj.photo.save(cleaned.name, cleaned)
    no_account = CircleMemberFactory(person=personas.person, user=None, name="Uncle Bob")
    cleaned = clean_photo(_photo())
    no_account.photo.save(cleaned.name, cleaned)
    return personas, {
        "person_id": personas.person.pk,
        "team_id": personas.team.pk,
        "circle_member_id": no_account.pk,
        "user_id": personas.carer.pk,
    }


def _url(name: str, ids: dict[str, int]) -> str:
    for kwargs in (
        {},
        {"person_id": ids["person_id"]},
        {"team_id": ids["team_id"]},
        {"circle_member_id": ids["circle_member_id"]},
        {"user_id": ids["user_id"]},
    ):
        try:
            return reverse(name, kwargs=kwargs)
        except Exception:  # noqa: S112 - try the next shape of arguments
            continue
    raise AssertionError(f"cannot build {name}")


def _request(client: Client, method: str, url: str):
    if method == "patch":
        return client.patch(url, data="{}", content_type="application/json")
    return getattr(client, method)(url)


def _missing(url: str, ids: dict[str, int]) -> str:
    for value in ids.values():
        if f"/{value}/" in url + "/":
            return (url + "/").replace(f"/{value}/", "/999999/", 1).rstrip("/") + (
                "/" if url.endswith("/") else ""
            )
    return url


CASES = [(name, who) for name in MATRIX for who in sorted(EVERYONE)]


@pytest.mark.parametrize(("name", "who"), CASES)
def test_each_persona_gets_exactly_what_is_theirs(world, name, who):
    personas, ids = world
    method, allowed = MATRIX[name]
    client = Client()
    client.force_login(personas.all_users()[who])
    url = _url(name, ids)
    response = _request(client, method, url)
    if who in allowed:
        assert response.status_code in (200, 302), (name, who, response.status_code)
    else:
        assert response.status_code == 404, (name, who, response.status_code)
        missing = _request(client, method, _missing(url, ids))
        assert missing.status_code == 404
        if name not in ("person_photo", "user_photo", "circle_photo"):
            assert missing.content == response.content, "forbidden must look like missing"


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_signed_out_people_are_sent_to_sign_in(world, name):
    _, ids = world
    method, _ = MATRIX[name]
    response = _request(Client(), method, _url(name, ids))
    if _url(name, ids).startswith("/api/"):
        assert response.status_code == 401
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))

"""Every directory page and API address, for every persona: allowed, or answered exactly like
nothing. ``DIRECTORY_MATRIX`` decides who may use each; a new directory address fails
test_every_directory_address_is_decided until it is added here.

The world: Riverside and Hilltop are teams of one organisation. Riverside has an entry linked
to Jean (not shared), an entry shared with the organisation (linked to nobody), a suggestion
from Sarah waiting for the team, and a micro-provider.
"""

import json

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from teams.directory import services
from teams.tests.directory_helpers import entry, same_organisation

EVERYONE = frozenset({"carer", "other_carer", "family", "professional", "person_user", "outsider"})
TEAM = frozenset({"carer"})
SEES_PERSON = frozenset({"carer", "family", "professional", "person_user"})
ORGANISATION = frozenset({"carer", "other_carer"})
SHARED_ENTRY = SEES_PERSON | ORGANISATION

MOMENT = {"body": "Jean sang today."}
ENTRY = {"kind": "group", "name": "A new group"}

# name -> (method, who may use it, which id goes in the address, what to send)
DIRECTORY_MATRIX: dict[str, tuple] = {
    "directory": ("get", TEAM, "team_id", None),
    "directory_add": ("get", TEAM, "team_id", None),
    "directory_quiet": ("get", TEAM, "team_id", None),
    "directory_csv": ("get", TEAM, "team_id", None),
    "directory_ics": ("get", TEAM, "team_id", None),
    # Linked to Jean: those who see Jean see it; Hilltop does not (it is not shared).
    "directory_entry": ("get", SEES_PERSON, "linked", None),
    "directory_edit": ("get", TEAM, "linked", None),
    "directory_confirm": ("post", TEAM, "suggestion", None),
    "directory_check": ("post", TEAM, "provider", {"kind": "dbs", "last_confirmed": "2026-01-01"}),
    "person_connections": ("get", SEES_PERSON, "person_id", None),
    "connection_suggest": ("get", SEES_PERSON, "person_id", None),
    "connection_moment": ("post", SEES_PERSON, "connection_id", MOMENT),
    "connection_remove": ("post", TEAM, "connection_id", None),
    "api:directory_list": ("get", TEAM, "team_id", None),
    "api:directory_create": ("post", TEAM, "team_id", ENTRY),
    "api:directory_entry": ("get", SEES_PERSON, "linked", None),
    "api:person_connections": ("get", SEES_PERSON, "person_id", None),
}
# The same addresses for other entries: who may open each.
ENTRY_CASES = {
    "shared": SHARED_ENTRY,  # shared with the organisation, linked to nobody
    "suggestion": TEAM,  # a suggestion, whoever made it, until the team confirms it
    "provider": TEAM,  # Riverside's own, linked to nobody, not shared
}
URL_KEYS = {
    "linked": "entry_id",
    "shared": "entry_id",
    "suggestion": "entry_id",
    "provider": "entry_id",
    "team_id": "team_id",
    "person_id": "person_id",
    "connection_id": "connection_id",
}


def _names(patterns, namespace: str = "") -> dict[str, str]:
    names: dict[str, str] = {}
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            prefix = str(pattern.pattern)
            names |= {n: prefix + p for n, p in _names(pattern.url_patterns, inner).items()}
        elif isinstance(pattern, URLPattern) and pattern.name:
            names[namespace + pattern.name] = str(pattern.pattern)
    return names


def directory_names() -> set[str]:
    return {
        name
        for name, route in _names(get_resolver().url_patterns).items()
        if "directory" in name or "connection" in name or "directory" in route
    } - {"people_directory"}  # the list of people, decided in frontend/tests/test_access_matrix


def test_every_directory_address_is_decided():
    # api:directory_update shares its address with api:directory_entry (PATCH): tried below.
    assert directory_names() - set(DIRECTORY_MATRIX) - {"api:directory_update"} == set()
    assert set(DIRECTORY_MATRIX) - directory_names() == set()


@pytest.fixture
def world(personas):
    same_organisation(personas)
    linked = entry(personas, name="Riverside memory café")
    connection = services.connection_create(
        actor=personas.carer, person_id=personas.person.pk, entry_id=linked.pk
    )
    shared = entry(personas, name="Community garden", shared=True)
    suggestion = services.entry_suggest(
        actor=personas.family, person_id=personas.person.pk, kind="group", name="Knit and natter"
    )
    provider = entry(personas, name="Dave's gardening round", kind="micro_provider")
    return personas, {
        "team_id": personas.team.pk,
        "person_id": personas.person.pk,
        "connection_id": connection.pk,
        "linked": linked.pk,
        "shared": shared.pk,
        "suggestion": suggestion.pk,
        "provider": provider.pk,
    }


def _url(name: str, key: str, ids: dict[str, int]) -> str:
    return reverse(name, kwargs={URL_KEYS[key]: ids[key]})


def _send(client: Client, method: str, url: str, body: dict | None):
    if url.startswith("/api/") and method != "get":
        return getattr(client, method)(
            url, data=json.dumps(body or {}), content_type="application/json"
        )
    if body is None:
        return getattr(client, method)(url)
    return getattr(client, method)(url, body)


def _missing(url: str, value: int) -> str:
    if url.endswith(f"/{value}"):
        return url.removesuffix(str(value)) + "999999"
    return url.replace(f"/{value}/", "/999999/", 1).replace(f"/{value}.", "/999999.", 1)


CASES = [
    (name, key, allowed, who)
    for name, (_m, allowed, key, _b) in DIRECTORY_MATRIX.items()
    for who in sorted(EVERYONE)
] + [
    (name, key, allowed, who)
    for name in ("directory_entry", "api:directory_entry")
    for key, allowed in ENTRY_CASES.items()
    for who in sorted(EVERYONE)
]


@pytest.mark.parametrize(("name", "key", "allowed", "who"), CASES)
def test_each_persona_gets_exactly_what_is_theirs(world, name, key, allowed, who):
    personas, ids = world
    method, _allowed, _key, body = DIRECTORY_MATRIX[name]
    client = Client()
    client.force_login(personas.all_users()[who])
    url = _url(name, key, ids)
    response = _send(client, method, url, body)
    if who in allowed:
        assert response.status_code in (200, 201, 302), (name, key, who, response.status_code)
    else:
        assert response.status_code == 404, (name, key, who, response.status_code)
        missing = _send(client, method, _missing(url, ids[key]), body)
        assert missing.status_code == 404
        assert missing.content == response.content, "forbidden must look like missing"


def test_only_the_team_changes_an_entry_by_api(world):
    personas, ids = world
    url = reverse("api:directory_update", kwargs={"entry_id": ids["shared"]})
    for who in sorted(EVERYONE):
        client = Client()
        client.force_login(personas.all_users()[who])
        response = client.patch(
            url, data=json.dumps({"cost": "£1"}), content_type="application/json"
        )
        assert response.status_code == (200 if who == "carer" else 404), who


@pytest.mark.parametrize("name", sorted(DIRECTORY_MATRIX))
def test_signed_out_people_are_sent_to_sign_in(world, name):
    _, ids = world
    method, _, key, body = DIRECTORY_MATRIX[name]
    url = _url(name, key, ids)
    response = _send(Client(), method, url, body)
    if url.startswith("/api/"):
        assert response.status_code == 401
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))

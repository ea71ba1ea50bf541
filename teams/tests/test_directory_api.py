import json

import pytest
from django.test import Client
from django.urls import reverse

from teams.directory import services
from teams.tests.directory_helpers import entry, same_organisation

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _post(client: Client, url: str, body: dict):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def test_the_directory_is_in_the_openapi_schema(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/directory/teams/{team_id}/entries" in paths
    assert "/api/v1/directory/entries/{entry_id}" in paths
    assert "/api/v1/directory/people/{person_id}/connections" in paths


def test_a_carer_adds_and_lists_entries(personas):
    client = _client(personas.carer)
    url = reverse("api:directory_list", kwargs={"team_id": personas.team.pk})
    response = _post(
        client, url, {"kind": "group", "name": "Riverside memory café", "postcode": "ls6 1aa"}
    )
    assert response.status_code == 201
    assert response.json()["postcode"] == "LS6 1AA"
    listed = client.get(url, {"postcode_area": "LS6"}).json()
    assert [e["name"] for e in listed] == ["Riverside memory café"]


def test_a_duplicate_or_a_bad_day_is_422_naming_the_field(personas):
    entry(personas, name="Riverside memory café")
    client = _client(personas.carer)
    url = reverse("api:directory_list", kwargs={"team_id": personas.team.pk})
    response = _post(client, url, {"kind": "group", "name": "riverside memory cafe"})
    assert response.status_code == 201  # no accent: a different name
    response = _post(client, url, {"kind": "group", "name": "Riverside Memory Café"})
    assert response.status_code == 422
    assert "name" in response.json()["fields"]
    response = _post(client, url, {"kind": "group", "name": "Another", "weekday": 9})
    assert response.status_code == 422
    assert "weekday" in response.json()["fields"]


def test_an_edit_by_api_keeps_history(personas):
    choir = entry(personas)
    response = _client(personas.carer).patch(
        reverse("api:directory_update", kwargs={"entry_id": choir.pk}),
        data=json.dumps({"cost": "£2"}),
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["cost"] == "£2"
    change = choir.changes.first()
    assert change is not None
    assert change.fields == {"cost": ["", "£2"]}


def test_connections_by_api_for_the_family_and_never_for_another_team(personas):
    same_organisation(personas)
    choir = entry(personas, shared=True)
    services.connection_create(
        actor=personas.carer, person_id=personas.person.pk, entry_id=choir.pk, interest="singing"
    )
    url = reverse("api:person_connections", kwargs={"person_id": personas.person.pk})
    found = _client(personas.family).get(url).json()
    assert [(c["entry_name"], c["interest"]) for c in found] == [
        ("St Mary's community choir", "singing")
    ]
    assert _client(personas.other_carer).get(url).status_code == 404
    # Hilltop sees the shared entry itself, with nothing about who goes.
    shared = _client(personas.other_carer).get(
        reverse("api:directory_entry", kwargs={"entry_id": choir.pk})
    )
    assert shared.status_code == 200
    assert "Jean" not in shared.content.decode()

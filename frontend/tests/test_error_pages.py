"""The error pages: Kith's own look, readable on a phone, with a way home."""

import pytest
from django.db import connections
from django.test import Client
from django.views import defaults

pytestmark = pytest.mark.django_db

VIEWPORT = '<meta name="viewport" content="width=device-width, initial-scale=1">'


def test_the_not_found_page_is_kiths_own_with_a_way_home(personas):
    client = Client()
    client.force_login(personas.family)

    response = client.get("/people/999999/")

    assert response.status_code == 404
    html = response.content.decode()
    assert VIEWPORT in html
    assert "We could not find that page" in html
    assert 'href="/"' in html
    assert "kith.css" in html


def test_a_forbidden_person_and_a_missing_one_look_the_same_byte_for_byte(personas):
    client = Client()
    client.force_login(personas.outsider)

    forbidden = client.get(f"/people/{personas.person.pk}/")
    missing = client.get("/people/999999/")

    assert forbidden.status_code == missing.status_code == 404
    assert forbidden.content == missing.content


def test_the_not_allowed_page_is_kiths_own(rf):
    response = defaults.permission_denied(rf.get("/x"), exception=Exception())

    assert response.status_code == 403
    html = response.content.decode()
    assert VIEWPORT in html
    assert "This is not open to you" in html
    assert 'href="/"' in html


def test_the_server_error_page_renders_without_the_database(rf, django_db_blocker):
    request = rf.get("/x")
    # A failing database is a common reason for a 500: the page must not need it.
    for connection in connections.all():
        connection.close()
    with django_db_blocker.block():
        response = defaults.server_error(request)

    assert response.status_code == 500
    html = response.content.decode()
    assert VIEWPORT in html
    assert "something went wrong" in html
    assert 'href="/"' in html


def test_a_refused_form_keeps_the_layout_and_a_way_back(personas):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.carer)

    response = client.post(
        f"/people/{personas.person.pk}/notes/", {"body": "Jean laughed"}, HTTP_REFERER="/"
    )

    assert response.status_code == 403
    html = response.content.decode()
    assert VIEWPORT in html
    assert "Jean laughed" in html
    assert "Go back and send it again" in html

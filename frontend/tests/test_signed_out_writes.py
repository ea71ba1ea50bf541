"""A write sent after the session ended, or with an old token, is answered so that nothing
the person wrote is lost: a page's script hears 401 or 403 in the API's error shape (never
the sign-in page swapped into the timeline), and a form without scripts gets its words back.
"""

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from families import services
from families.models import Note, Reply

pytestmark = pytest.mark.django_db

HTMX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}
WORDS = "Jean was tired but cheerful; we looked at the garden together."


def _signed_out_post(url: str, data: dict, **headers):
    return Client().post(url, data, **headers)


def test_a_note_sent_by_the_page_after_the_session_ended_is_answered_401(personas):
    url = reverse("note_create", args=[personas.person.pk])

    response = _signed_out_post(url, {"kind": "visit", "body": WORDS}, **HTMX)

    assert response.status_code == 401
    assert response.json() == {
        "code": "not_signed_in",
        "message": "Please sign in to continue.",
        "fields": {},
    }
    assert response["HX-Reswap"] == "none"
    assert not Note.objects.exists()


def test_a_reply_sent_by_the_page_after_the_session_ended_is_answered_401(personas):
    note = services.note_create(
        actor=personas.carer, person_id=personas.person.pk, kind="moment", body="Jean sang."
    )

    response = _signed_out_post(reverse("note_reply", args=[note.pk]), {"body": "Aw"}, **HTMX)

    assert response.status_code == 401
    assert not Reply.objects.exists()


def test_a_page_opened_while_signed_out_still_goes_to_sign_in(personas):
    response = Client().get(reverse("timeline", args=[personas.person.pk]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def _with_an_old_token(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.cookies["csrftoken"] = "a" * 32  # the token the page carries no longer matches
    return client


def test_a_note_sent_by_the_page_with_an_old_token_is_answered_403(personas):
    client = _with_an_old_token(personas.carer)
    url = reverse("note_create", args=[personas.person.pk])

    response = client.post(url, {"kind": "visit", "body": WORDS}, HTTP_X_CSRFTOKEN="b" * 32, **HTMX)

    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"
    assert not Note.objects.exists()


def test_a_form_without_scripts_with_an_old_token_gives_the_words_back(personas):
    client = _with_an_old_token(personas.carer)
    url = reverse("note_create", args=[personas.person.pk])

    response = client.post(url, {"kind": "visit", "body": WORDS, "csrfmiddlewaretoken": "b" * 32})

    assert response.status_code == 403
    html = response.content.decode()
    assert "This was not sent yet" in html
    assert f">{WORDS}</textarea>" in html
    assert not Note.objects.exists()


# Without scripts: the words are kept on the server for their writer, and given back ------------


def _session_ended_under_the_form(client: Client, url: str, field: str = "writer") -> str:
    """Open the page, then let the session end: the form still carries who made it."""
    html = client.get(url).content.decode()
    found = re.search(rf'name="{field}" value="([^"]+)"', html)
    assert found is not None, f"the form carries no {field}"
    writer = found.group(1)
    client.logout()
    return writer


def test_a_note_without_scripts_after_the_session_ended_is_given_back(personas):
    client = Client()
    client.force_login(personas.carer)
    timeline = reverse("timeline", args=[personas.person.pk])
    writer = _session_ended_under_the_form(client, timeline)

    response = client.post(
        reverse("note_create", args=[personas.person.pk]),
        {"kind": "handover", "body": WORDS, "writer": writer},
    )

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert f"next={timeline}" in response["Location"].replace("%2F", "/")
    client.force_login(personas.carer)  # signing in keeps the signed-out session's data
    page = client.get(timeline).content.decode()
    assert WORDS in page
    assert re.search(r'value="handover"[^>]*checked', page), "and the kind of note chosen"
    assert not Note.objects.exists(), "given back to send, never sent without being asked"
    assert WORDS not in client.get(timeline).content.decode(), "given back once"


def test_words_kept_while_signed_out_are_not_given_to_someone_else(personas):
    client = Client()
    client.force_login(personas.carer)
    timeline = reverse("timeline", args=[personas.person.pk])
    writer = _session_ended_under_the_form(client, timeline)
    client.post(
        reverse("note_create", args=[personas.person.pk]),
        {"kind": "visit", "body": WORDS, "writer": writer},
    )

    other = personas.family  # the same phone, another person signing in
    client.force_login(other)

    assert WORDS not in client.get(timeline).content.decode()


def test_a_reply_without_scripts_after_the_session_ended_is_given_back(personas):
    note = services.note_create(
        actor=personas.carer, person_id=personas.person.pk, kind="moment", body="Jean sang."
    )
    client = Client()
    client.force_login(personas.family)
    page = reverse("note_detail", args=[note.pk])
    writer = _session_ended_under_the_form(client, page)

    client.post(reverse("note_reply", args=[note.pk]), {"body": "So glad", "writer": writer})
    client.force_login(personas.family)

    assert ">So glad</textarea>" in client.get(page).content.decode()
    assert not Reply.objects.exists()

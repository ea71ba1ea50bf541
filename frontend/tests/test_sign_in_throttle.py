"""Guessing passwords pauses signing in to that account, however its email is typed.

An email is one account whatever its case, width or surrounding spaces, so it must also be one
count of wrong guesses: otherwise `Outsider@…` walks past the pause on `outsider@…`.
"""

import pytest
from django.test import Client
from django.urls import reverse

from core.emails import email_normalise

PASSWORD = "correct horse battery"  # the factories' password
EMAIL = "olly@example.org"  # the outsider persona
VARIANTS = [
    "Olly@example.org",
    "OLLY@EXAMPLE.ORG",
    "  olly@example.org  ",
    "\uff2f\uff4c\uff4c\uff59@example.org",  # fullwidth "Olly", as some phone keyboards type
    "olly\uff20example.org",  # a fullwidth at sign
    "Olly@Example.Org\u3000",  # an ideographic space
]


def _sign_in(client: Client, email: str, password: str):
    return client.post(reverse("login"), {"username": email, "password": password})


def _guess_until_paused(client: Client, settings, emails: list[str]) -> None:
    for index in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, emails[index % len(emails)], "wrong")


@pytest.mark.parametrize("typed", VARIANTS)
def test_it_finds_the_account_however_the_email_is_typed(personas, typed):
    client = Client()
    assert _sign_in(client, typed, PASSWORD).status_code == 302
    assert client.get("/api/v1/me").json()["email"] == EMAIL


@pytest.mark.parametrize("typed", VARIANTS)
def test_a_pause_holds_however_the_email_is_typed(personas, settings, typed):
    client = Client()
    _guess_until_paused(client, settings, [EMAIL])

    paused = _sign_in(client, typed, PASSWORD)

    assert paused.status_code == 429
    assert "_auth_user_id" not in client.session
    # And trying another spelling did not lift the pause for the plain one.
    assert _sign_in(Client(), EMAIL, PASSWORD).status_code == 429


def test_wrong_guesses_in_different_spellings_add_up_to_one_pause(personas, settings):
    client = Client()
    _guess_until_paused(client, settings, VARIANTS)
    assert _sign_in(client, EMAIL, PASSWORD).status_code == 429


def test_someone_elses_pause_is_not_mine(personas, settings):
    client = Client()
    _guess_until_paused(client, settings, VARIANTS)
    assert _sign_in(client, "Sarah@Example.org", PASSWORD).status_code == 302


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Olly@Example.ORG", "olly@example.org"),
        (" olly@example.org\t", "olly@example.org"),
        ("\uff2f\uff4c\uff4c\uff59\uff20example.org", "olly@example.org"),
        ("\uff2d\uff25\uff29@kith.example", "mei@kith.example"),
        (None, ""),
    ],
)
def test_an_email_is_normalised_one_way(typed, stored):
    assert email_normalise(typed) == stored


def test_accounts_are_stored_under_the_normalised_email(db):
    from core.models import User

    user = User.objects.create_user("  \uff2f\uff4c\uff4c\uff59@Example.org ", "x-long-password-1")
    assert user.email == "olly@example.org"

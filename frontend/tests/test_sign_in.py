from django.test import Client
from django.urls import reverse


def _sign_in(client, email, password="correct horse battery"):
    return client.post(reverse("login"), {"username": email, "password": password})


def test_it_signs_in_by_email_and_lands_on_today(personas):
    client = Client()
    response = _sign_in(client, "angela@example.org")
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert "You have no visits today." in client.get(reverse("home")).text


def test_it_accepts_the_email_in_any_case(personas):
    assert _sign_in(Client(), "Angela@Example.ORG").status_code == 302


def test_a_wrong_password_and_an_unknown_email_get_the_same_message(personas):
    wrong_password = _sign_in(Client(), "angela@example.org", "nope")
    unknown_email = _sign_in(Client(), "nobody@example.org", "nope")
    assert wrong_password.status_code == unknown_email.status_code == 200
    message = "That email address and password do not match"
    assert message in wrong_password.text
    assert message in unknown_email.text


def test_the_form_has_visible_labels(db):
    page = Client().get(reverse("login")).text
    assert '<label for="id_username">Email address</label>' in page
    assert '<label for="id_password">Password</label>' in page


def test_signing_out_needs_a_post_and_ends_the_session(personas):
    client = Client()
    client.force_login(personas.carer)
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_pages_for_signed_in_people_are_never_stored(personas):
    client = Client()
    client.force_login(personas.carer)
    response = client.get(reverse("home"))
    assert "no-store" in response["Cache-Control"]


def test_password_reset_sends_a_link_only_to_known_addresses(personas, mailoutbox):
    client = Client()
    known = client.post(reverse("password_reset"), {"email": "angela@example.org"})
    unknown = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["angela@example.org"]
    assert "/accounts/reset/" in mailoutbox[0].body

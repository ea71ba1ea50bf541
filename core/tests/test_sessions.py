import time

from django.test import Client
from django.urls import reverse

from core.middleware import SlidingSessionMiddleware


def test_a_session_in_use_is_renewed_but_not_rewritten_on_every_page(personas, settings):
    client = Client()
    client.force_login(personas.carer)
    client.get(reverse("home"))
    first = client.session[SlidingSessionMiddleware.KEY]
    client.get(reverse("home"))
    assert client.session[SlidingSessionMiddleware.KEY] == first


def test_a_session_is_renewed_once_the_margin_has_passed(personas, settings):
    settings.SESSION_RENEW_SECONDS = 0
    client = Client()
    client.force_login(personas.carer)
    client.get(reverse("home"))
    first = client.session[SlidingSessionMiddleware.KEY]
    time.sleep(1.1)
    client.get(reverse("home"))
    assert client.session[SlidingSessionMiddleware.KEY] > first


def test_an_idle_session_ends(personas, settings):
    settings.SESSION_COOKIE_AGE = 1
    client = Client()
    client.force_login(personas.carer)
    assert client.get(reverse("home")).status_code == 200
    time.sleep(2.1)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))

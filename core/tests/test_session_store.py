"""Sessions read with one plain statement (core/session_store.py) keep Django's rules."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends import db
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.session_store import SessionStore


def _signed_in_key(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def test_sessions_are_kept_by_this_store():
    assert settings.SESSION_ENGINE == "core.session_store"


def test_a_live_session_reads_as_django_reads_it_in_one_query(personas, django_assert_num_queries):
    key = _signed_in_key(personas.carer)
    with django_assert_num_queries(1):
        data = SessionStore(key).load()
    assert data == db.SessionStore(key).load()
    assert data[SESSION_KEY] == str(personas.carer.pk)


def test_an_expired_session_reads_as_none_and_its_key_is_not_kept(personas, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    key = _signed_in_key(personas.carer)
    time_machine.shift(timedelta(seconds=settings.SESSION_COOKIE_AGE - 1))
    assert SessionStore(key).load()[SESSION_KEY] == str(personas.carer.pk)
    time_machine.shift(timedelta(seconds=2))
    store = SessionStore(key)
    assert store.load() == {}
    assert store.session_key is None
    # Saved again, it is a new session under a new key: the expired one never comes back.
    store["note"] = "kept"
    store.save()
    assert store.session_key not in (None, key)
    assert SessionStore(key).load() == {}


def test_a_key_nobody_was_given_is_never_adopted(personas, django_assert_num_queries):
    chosen = "k" * 32  # as a visitor might send, hoping someone signs in under it
    store = SessionStore(chosen)
    with django_assert_num_queries(1):
        assert store.load() == {}
    store["note"] = "kept"
    store.save()
    assert store.session_key != chosen


def test_no_key_costs_no_query(django_assert_num_queries, db):
    with django_assert_num_queries(0):
        assert SessionStore(None).load() == {}


def test_a_page_reads_its_session_through_this_store(personas, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    client = Client()
    client.force_login(personas.carer)
    assert client.get(reverse("home")).status_code == 200
    time_machine.shift(timedelta(seconds=settings.SESSION_COOKIE_AGE + 1))
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))

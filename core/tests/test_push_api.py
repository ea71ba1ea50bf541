"""/api/v1/push for every persona: one's own devices and choices, and every kind of bad input."""

import json

import pytest
from django.conf import settings
from django.test import Client

from core.models import PushPreferences, PushSubscription
from core.tests.test_push_services import VALID_AUTH, VALID_P256DH

PERSONAS = ["carer", "other_carer", "family", "professional", "person_user", "outsider"]
SUBSCRIPTIONS = "/api/v1/push/subscriptions"
PREFERENCES = "/api/v1/push/preferences"
PUBLIC_KEY = "/api/v1/push/public-key"
ENDPOINT = "https://updates.push.services.mozilla.com/wpush/v2/gAAAAABk"


def signed_in(user) -> Client:
    client = Client(HTTP_USER_AGENT="Mozilla/5.0 (Android 14; Mobile) Firefox/133.0")
    client.force_login(user)
    return client


def send(client: Client, method: str, url: str, body: object):
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


def browser_subscription(endpoint: str = ENDPOINT, **keys: str) -> dict[str, object]:
    # Exactly what PushSubscription.toJSON() gives in a browser.
    return {
        "endpoint": endpoint,
        "expirationTime": None,
        "keys": {"p256dh": VALID_P256DH, "auth": VALID_AUTH, **keys},
    }


PREFERENCES_BODY = {
    "concerns": True,
    "notes": False,
    "rota": True,
    "family_updates": False,
    "quiet_hours_start": "21:30",
    "quiet_hours_end": "07:00",
    "include_content": True,
}


@pytest.mark.parametrize("who", PERSONAS)
def test_anyone_signed_in_can_turn_notifications_on_and_off_for_their_device(personas, who):
    user = personas.all_users()[who]
    client = signed_in(user)

    created = send(client, "post", SUBSCRIPTIONS, browser_subscription())
    assert created.status_code == 201, created.content
    assert created.json()["endpoint"] == ENDPOINT
    device = PushSubscription.objects.get()
    assert device.user == user
    assert device.user_agent == "Mozilla/5.0 (Android 14; Mobile) Firefox/133.0"
    assert [d["id"] for d in client.get(SUBSCRIPTIONS).json()] == [device.pk]

    removed = send(client, "delete", SUBSCRIPTIONS, {"endpoint": ENDPOINT})
    assert removed.status_code == 204
    assert not PushSubscription.objects.exists()
    # Turning off twice still leaves it off, which is what was asked.
    assert send(client, "delete", SUBSCRIPTIONS, {"endpoint": ENDPOINT}).status_code == 204


@pytest.mark.parametrize("who", PERSONAS)
def test_anyone_signed_in_can_choose_what_they_are_told(personas, who):
    user = personas.all_users()[who]
    client = signed_in(user)
    defaults = client.get(PREFERENCES)
    assert defaults.status_code == 200
    assert defaults.json() == {
        "concerns": True,
        "notes": True,
        "rota": True,
        "family_updates": True,
        "quiet_hours_start": None,
        "quiet_hours_end": None,
        "include_content": False,
        # Not chosen yet: on for the person's first contact in the family only.
        "running_late": None,
    }

    saved = send(client, "put", PREFERENCES, PREFERENCES_BODY)
    assert saved.status_code == 200
    assert saved.json() == {
        **PREFERENCES_BODY,
        "quiet_hours_start": "21:30:00",
        "quiet_hours_end": "07:00:00",
        "running_late": None,
    }
    assert client.get(PREFERENCES).json() == saved.json()
    assert PushPreferences.objects.get().user == user


def test_running_late_is_kept_as_it_was_when_a_page_does_not_send_it(personas):
    client = signed_in(personas.family)
    chosen = send(client, "put", PREFERENCES, {**PREFERENCES_BODY, "running_late": False})
    assert chosen.json()["running_late"] is False
    again = send(client, "put", PREFERENCES, PREFERENCES_BODY)
    assert again.status_code == 200 and again.json()["running_late"] is False


def test_ones_devices_and_choices_are_ones_own(personas):
    send(signed_in(personas.family), "post", SUBSCRIPTIONS, browser_subscription())
    send(signed_in(personas.family), "put", PREFERENCES, PREFERENCES_BODY)
    carer = signed_in(personas.carer)
    assert carer.get(SUBSCRIPTIONS).json() == []
    assert carer.get(PREFERENCES).json()["notes"] is True
    # Nor can the carer turn off the daughter's phone, even knowing its address.
    assert send(carer, "delete", SUBSCRIPTIONS, {"endpoint": ENDPOINT}).status_code == 204
    assert PushSubscription.objects.filter(user=personas.family).exists()


def test_the_public_key_is_the_one_pushes_are_signed_with(personas):
    response = signed_in(personas.family).get(PUBLIC_KEY)
    assert response.status_code == 200
    assert response.json() == {"public_key": settings.VAPID_PUBLIC_KEY}


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        (browser_subscription("http://push.example.org/x"), {"endpoint"}),
        (browser_subscription("https://127.0.0.1/x"), {"endpoint"}),
        (browser_subscription("not a url"), {"endpoint"}),
        (browser_subscription(p256dh="AAAA"), {"keys.p256dh"}),
        (browser_subscription(auth="%%%"), {"keys.auth"}),
        (browser_subscription(p256dh="", auth=""), {"keys.p256dh", "keys.auth"}),
        ({"endpoint": ENDPOINT}, {"keys"}),
        ({"keys": {"p256dh": VALID_P256DH, "auth": VALID_AUTH}}, {"endpoint"}),
        ({**browser_subscription(), "user": 1}, {"user"}),
    ],
)
def test_a_malformed_subscription_is_refused_with_the_reason(personas, body, fields):
    response = send(signed_in(personas.carer), "post", SUBSCRIPTIONS, body)
    assert response.status_code == 422, response.content
    answer = response.json()
    assert answer["code"] == "invalid"
    assert set(answer["fields"]) == fields
    assert all(answer["fields"][name] for name in fields)
    assert not PushSubscription.objects.exists()


def test_a_body_that_is_not_json_is_refused(personas):
    response = signed_in(personas.carer).post(
        SUBSCRIPTIONS, "endpoint=x", content_type="application/json"
    )
    assert response.status_code == 422


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"quiet_hours_end": None}, "quiet_hours_end"),
        ({"quiet_hours_start": "25:00"}, "quiet_hours_start"),
        ({"notes": "sometimes"}, "notes"),
    ],
)
def test_unusable_choices_are_refused(personas, changes, field):
    response = send(signed_in(personas.carer), "put", PREFERENCES, {**PREFERENCES_BODY, **changes})
    assert response.status_code == 422
    assert set(response.json()["fields"]) == {field}
    assert not PushPreferences.objects.exists()


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("get", PUBLIC_KEY, None),
        ("get", SUBSCRIPTIONS, None),
        ("post", SUBSCRIPTIONS, browser_subscription()),
        ("delete", SUBSCRIPTIONS, {"endpoint": ENDPOINT}),
        ("get", PREFERENCES, None),
        ("put", PREFERENCES, PREFERENCES_BODY),
    ],
)
def test_signed_out_is_asked_to_sign_in(db, method, url, body):
    response = send(Client(), method, url, body) if body else Client().get(url)
    assert response.status_code == 401
    assert not PushSubscription.objects.exists()


def test_a_change_without_the_csrf_token_is_refused(personas):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.carer)
    response = send(client, "post", SUBSCRIPTIONS, browser_subscription())
    assert response.status_code == 403
    assert not PushSubscription.objects.exists()


def test_quiet_hours_with_a_time_zone_are_refused_plainly(personas):
    client = signed_in(personas.family)
    answer = send(client, "put", PREFERENCES, {**PREFERENCES_BODY, "quiet_hours_end": "07:00Z"})
    assert answer.status_code == 422
    assert answer.json()["fields"]["quiet_hours_end"] == [
        "Please give the time as a UK time, with no time zone."
    ]

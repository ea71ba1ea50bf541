"""Subscribing, choosing, and who push_notify queues notifications for, persona by persona."""

from datetime import UTC, datetime, time
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.models import PushKind, PushMessage, PushPreferences, PushSubscription
from core.push.services import (
    MAX_DEVICES_PER_USER,
    push_notify,
    push_preferences_update,
    push_subscribe,
    push_unsubscribe,
)
from core.tests.push_helpers import b64url
from families.access import Audience, audience_users, person_access
from teams.models import Membership

VALID_P256DH = (
    "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM"
)
VALID_AUTH = "tBHItJI5svbpez7KI4CCXg"
ENDPOINT = "https://fcm.googleapis.com/fcm/send/abc123"
NOON = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def subscribe(user, name: str = "phone") -> PushSubscription:
    return push_subscribe(
        user=user,
        endpoint=f"https://push.example.org/{user.pk}/{name}",
        p256dh=VALID_P256DH,
        auth=VALID_AUTH,
    )


def notify(personas, audience=Audience.CIRCLE, **overrides) -> int:
    arguments = {
        "person_id": personas.person.pk,
        "kind": PushKind.NOTE,
        "audience": audience,
        "title": "New note about Jean",
        "body": "Jean enjoyed her lunch and talked about the garden.",
        "url": f"/people/{personas.person.pk}/",
        "now": NOON,
    }
    arguments.update(overrides)
    return push_notify(**arguments)


def told(personas) -> set[str]:
    names = {user.pk: name for name, user in personas.all_users().items()}
    return {names[m.user_id] for m in PushMessage.objects.all()}


# Subscribing ---------------------------------------------------------------------------------


def test_it_remembers_a_device(personas):
    device = push_subscribe(
        user=personas.family,
        endpoint=ENDPOINT,
        p256dh=VALID_P256DH,
        auth=VALID_AUTH,
        user_agent="Mozilla/5.0 (Linux; Android 14) Chrome/131",
    )
    assert device.user == personas.family
    assert (device.endpoint, device.p256dh, device.auth) == (ENDPOINT, VALID_P256DH, VALID_AUTH)
    assert device.user_agent.startswith("Mozilla/5.0 (Linux; Android 14)")


def test_subscribing_again_updates_the_same_device(personas):
    first = push_subscribe(
        user=personas.family, endpoint=ENDPOINT, p256dh=VALID_P256DH, auth=VALID_AUTH
    )
    new_auth = b64url(b"0123456789abcdef")
    again = push_subscribe(
        user=personas.family, endpoint=ENDPOINT, p256dh=VALID_P256DH, auth=new_auth
    )
    assert again.pk == first.pk
    assert PushSubscription.objects.get().auth == new_auth


def test_a_device_someone_else_signs_in_on_stops_getting_the_old_accounts_news(personas):
    push_subscribe(user=personas.carer, endpoint=ENDPOINT, p256dh=VALID_P256DH, auth=VALID_AUTH)
    notify(personas, audience=Audience.TEAM)
    waiting = PushMessage.objects.get()

    push_subscribe(user=personas.family, endpoint=ENDPOINT, p256dh=VALID_P256DH, auth=VALID_AUTH)

    assert PushSubscription.objects.get().user == personas.family
    waiting.refresh_from_db()
    assert waiting.status == PushMessage.Status.DROPPED


def test_the_oldest_devices_go_when_someone_has_too_many(personas):
    for n in range(MAX_DEVICES_PER_USER + 2):
        subscribe(personas.carer, name=f"phone{n}")
    kept = PushSubscription.objects.filter(user=personas.carer)
    assert kept.count() == MAX_DEVICES_PER_USER
    assert not kept.filter(endpoint__endswith="/phone0").exists()
    assert kept.filter(endpoint__endswith=f"/phone{MAX_DEVICES_PER_USER + 1}").exists()


@pytest.mark.parametrize(
    "endpoint",
    [
        "http://push.example.org/abc",  # not encrypted in transit
        "ftp://push.example.org/abc",
        "push.example.org/abc",
        "https://127.0.0.1/abc",  # would make the worker call our own machine
        "https://[::1]/abc",
        "https://10.0.0.5/abc",
        "https://localhost/abc",
        "https://intranet/abc",
        "https://printer.local/abc",
        "https://push.example.org/" + "a" * 1000,
        "",
    ],
)
def test_it_refuses_an_endpoint_that_is_not_a_push_service(personas, endpoint):
    with pytest.raises(ValidationError) as caught:
        push_subscribe(user=personas.carer, endpoint=endpoint, p256dh=VALID_P256DH, auth=VALID_AUTH)
    assert set(caught.value.message_dict) == {"endpoint"}
    assert not PushSubscription.objects.exists()


@pytest.mark.parametrize(
    ("p256dh", "auth", "fields"),
    [
        ("not base64!", VALID_AUTH, {"p256dh"}),
        (VALID_P256DH[:-4], VALID_AUTH, {"p256dh"}),  # too short
        (b64url(b"\x04" + b"\x01" * 64), VALID_AUTH, {"p256dh"}),  # not on the curve
        (b64url(b"\x05" + b"\x01" * 64), VALID_AUTH, {"p256dh"}),  # not uncompressed
        (VALID_P256DH, "tBHItJI5svbpez7KI4CC", {"auth"}),  # 15 bytes
        (VALID_P256DH, b64url(b"x" * 17), {"auth"}),
        (VALID_P256DH, "", {"auth"}),
        ("", "", {"p256dh", "auth"}),
    ],
)
def test_it_refuses_keys_a_browser_would_never_give(personas, p256dh, auth, fields):
    with pytest.raises(ValidationError) as caught:
        push_subscribe(user=personas.carer, endpoint=ENDPOINT, p256dh=p256dh, auth=auth)
    assert set(caught.value.message_dict) == fields
    assert all(caught.value.message_dict[name] for name in fields)
    assert not PushSubscription.objects.exists()


def test_it_accepts_padded_keys_and_stores_them_unpadded(personas):
    device = push_subscribe(
        user=personas.carer, endpoint=ENDPOINT, p256dh=VALID_P256DH + "=", auth=VALID_AUTH + "=="
    )
    assert (device.p256dh, device.auth) == (VALID_P256DH, VALID_AUTH)


def test_turning_off_forgets_only_ones_own_device(personas):
    mine = subscribe(personas.carer)
    theirs = subscribe(personas.family)
    assert push_unsubscribe(user=personas.carer, endpoint=theirs.endpoint) is False
    assert PushSubscription.objects.filter(pk=theirs.pk).exists()
    assert push_unsubscribe(user=personas.carer, endpoint=mine.endpoint) is True
    assert not PushSubscription.objects.filter(pk=mine.pk).exists()


# Choices -------------------------------------------------------------------------------------


def choose(user, **changes) -> PushPreferences:
    choices: dict[str, Any] = {
        "concerns": True,
        "notes": True,
        "rota": True,
        "family_updates": True,
        "quiet_hours_start": None,
        "quiet_hours_end": None,
        "include_content": False,
    }
    choices.update(changes)
    return push_preferences_update(user=user, **choices)


def test_it_saves_choices(personas):
    choose(personas.family, notes=False, quiet_hours_start=time(22), quiet_hours_end=time(7))
    saved = PushPreferences.objects.get(user=personas.family)
    assert saved.notes is False
    assert saved.concerns is True
    assert (saved.quiet_hours_start, saved.quiet_hours_end) == (time(22), time(7))
    assert saved.include_content is False


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        (time(22), None, "quiet_hours_end"),
        (None, time(7), "quiet_hours_start"),
        (time(22), time(22), "quiet_hours_end"),
    ],
)
def test_it_refuses_half_a_quiet_time(personas, start, end, field):
    with pytest.raises(ValidationError) as caught:
        choose(personas.family, quiet_hours_start=start, quiet_hours_end=end)
    assert set(caught.value.message_dict) == {field}


# Who is told ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("audience", "expected"),
    [
        (Audience.TEAM, {"carer"}),
        (Audience.CIRCLE, {"carer", "family", "professional", "person_user"}),
    ],
)
def test_it_queues_for_exactly_the_audience(personas, audience, expected):
    for user in personas.all_users().values():
        subscribe(user)
    assert notify(personas, audience=audience) == len(expected)
    assert told(personas) == expected


def test_every_device_of_a_person_is_told(personas):
    subscribe(personas.family, "phone")
    subscribe(personas.family, "tablet")
    assert notify(personas) == 2


def test_people_watching_live_are_not_pushed_the_same_thing(personas):
    for user in personas.all_users().values():
        subscribe(user)
    notify(personas, exclude_user_ids={personas.carer.pk, personas.family.pk})
    assert told(personas) == {"professional", "person_user"}


def test_someone_who_left_the_team_is_not_told(personas):
    subscribe(personas.carer)
    Membership.objects.filter(user=personas.carer).update(left_at=timezone.now())
    assert notify(personas) == 0


def test_someone_removed_from_the_circle_is_not_told(personas):
    subscribe(personas.family)
    personas.family_place.removed_at = timezone.now()
    personas.family_place.save()
    assert notify(personas) == 0


@pytest.mark.parametrize("audience", list(Audience))
@pytest.mark.parametrize("which", ["person", "neighbour"])
def test_the_audience_is_exactly_who_core_access_lets_see_it(personas, audience, which):
    person = getattr(personas, which)
    reached = set(audience_users(person.pk, audience))
    for user in personas.all_users().values():
        access = person_access(user, person.pk)
        may = access is not None and audience in access.audiences
        assert (user in reached) is may, (user, audience)


def test_an_inactive_account_is_not_told(personas):
    subscribe(personas.family)
    personas.family.is_active = False
    personas.family.save()
    assert notify(personas) == 0


def test_each_kind_can_be_turned_off(personas):
    subscribe(personas.carer)
    choose(personas.carer, concerns=False, rota=False)
    assert notify(personas, kind=PushKind.CONCERN, audience=Audience.TEAM) == 0
    assert notify(personas, kind=PushKind.ROTA, audience=Audience.TEAM) == 0
    assert notify(personas, kind=PushKind.NOTE) == 1
    assert notify(personas, kind=PushKind.FAMILY_UPDATE) == 1


@pytest.mark.parametrize(
    ("now", "quiet"),
    [
        (datetime(2026, 11, 23, 23, 30, tzinfo=UTC), True),
        (datetime(2026, 11, 23, 6, 59, tzinfo=UTC), True),
        (datetime(2026, 11, 23, 7, 0, tzinfo=UTC), False),
        (datetime(2026, 11, 23, 21, 59, tzinfo=UTC), False),
        # In summer London is an hour ahead: 21:30 UTC is 22:30 there.
        (datetime(2026, 7, 1, 21, 30, tzinfo=UTC), True),
        (datetime(2026, 7, 1, 6, 30, tzinfo=UTC), False),
    ],
)
def test_quiet_hours_run_overnight_in_london_time(personas, now, quiet):
    subscribe(personas.family)
    choose(personas.family, quiet_hours_start=time(22), quiet_hours_end=time(7))
    assert notify(personas, now=now) == (0 if quiet else 1)


def test_quiet_hours_within_a_day(personas):
    subscribe(personas.family)
    choose(personas.family, quiet_hours_start=time(13), quiet_hours_end=time(14))
    assert notify(personas, now=datetime(2026, 11, 23, 13, 30, tzinfo=UTC)) == 0
    assert notify(personas, now=datetime(2026, 11, 23, 14, 30, tzinfo=UTC)) == 1


def test_the_payload_carries_no_care_content_by_default(personas):
    subscribe(personas.family)
    notify(personas)
    payload = PushMessage.objects.get().payload
    assert payload == {
        "title": "New note about Jean",
        "body": "Open Kith to see it.",
        "url": f"/people/{personas.person.pk}/",
        "kind": "note",
        "tag": f"person-{personas.person.pk}-note",
    }
    assert "lunch" not in str(payload)


def test_the_note_is_included_only_for_those_who_chose_it(personas):
    subscribe(personas.family)
    subscribe(personas.professional)
    choose(personas.family, include_content=True)
    notify(personas)
    bodies = {m.user_id: m.payload["body"] for m in PushMessage.objects.all()}
    assert bodies[personas.family.pk] == "Jean enjoyed her lunch and talked about the garden."
    assert bodies[personas.professional.pk] == "Open Kith to see it."


def test_long_content_is_shortened(personas):
    subscribe(personas.family)
    choose(personas.family, include_content=True)
    notify(personas, body="word " * 200)
    body = PushMessage.objects.get().payload["body"]
    assert len(body) <= 240
    assert body.endswith("…")


def test_nothing_is_queued_if_the_change_rolls_back(personas):
    subscribe(personas.family)
    with pytest.raises(RuntimeError), transaction.atomic():
        notify(personas)
        raise RuntimeError("the note could not be saved")
    assert not PushMessage.objects.exists()


def test_the_rows_are_due_at_once_and_wait_for_the_worker(personas):
    subscribe(personas.family)
    notify(personas)
    message = PushMessage.objects.get()
    assert message.status == PushMessage.Status.QUEUED
    assert message.next_attempt_at == NOON
    assert (message.person_id, message.audience, message.kind) == (
        personas.person.pk,
        "circle",
        "note",
    )


@pytest.mark.parametrize("url", ["https://evil.example/", "//evil.example/", "people/1/"])
def test_the_page_to_open_must_be_on_this_site(personas, url):
    with pytest.raises(ValueError, match="path on this site"):
        notify(personas, url=url)


def test_an_unknown_kind_is_a_programming_error(personas):
    with pytest.raises(ValueError):
        notify(personas, kind="gossip")


def test_queueing_costs_the_same_few_queries_however_many_are_told(
    personas, django_assert_num_queries
):
    for user in personas.all_users().values():
        subscribe(user, "phone")
        subscribe(user, "tablet")
    choose(personas.family, include_content=True)
    # A note is written in a request: telling eight devices must not cost eight queries.
    with django_assert_num_queries(2):
        assert notify(personas) == 8


def test_the_circle_hears_only_about_the_kinds_of_note_each_member_is_shown(personas):
    for user in personas.all_users().values():
        subscribe(user)
    personas.family_place.note_kinds = ["moment"]  # Jean chose: Sarah sees good moments only
    personas.family_place.save()
    notify(personas, topic="visit")
    assert told(personas) == {"carer", "professional", "person_user"}
    assert {m.topic for m in PushMessage.objects.all()} == {"visit"}
    PushMessage.objects.all().delete()
    notify(personas, topic="moment")
    assert told(personas) == {"carer", "family", "professional", "person_user"}


def test_news_for_a_few_reaches_just_them_and_never_beyond_the_audience(personas):
    for user in personas.all_users().values():
        subscribe(user)
    only = {personas.carer.pk, personas.other_carer.pk, personas.outsider.pk}
    notify(personas, kind=PushKind.ROTA, audience=Audience.TEAM, only_user_ids=only)
    # Omar (another team) and Olly (nobody) are named, but the audience decides.
    assert told(personas) == {"carer"}


def test_naming_nobody_tells_nobody(personas):
    subscribe(personas.carer)
    assert notify(personas, audience=Audience.TEAM, only_user_ids=set()) == 0

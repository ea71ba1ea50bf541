"""The push worker against a local push service: what arrives, decrypted and signed as a phone
and a push service would check it; retries, cleanup, slow services, and lost access."""

import socket
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from core.models import PushKind, PushMessage, PushSubscription
from core.push.delivery import (
    MAX_ATTEMPTS,
    Deliverer,
    backoff_seconds,
    deliver_due,
    parse_retry_after,
)
from core.push.services import push_notify, push_preferences_update
from core.push.vapid import generate_keys
from core.tests.push_helpers import LocalPushService, Reply, b64url
from families.access import Audience
from teams.models import Membership

SUBJECT = "mailto:care-team@kith.example"
Status = PushMessage.Status


@pytest.fixture
def vapid(settings):
    keys = generate_keys()
    settings.VAPID_PRIVATE_KEY = keys.private_key
    settings.VAPID_PUBLIC_KEY = keys.public_key
    settings.VAPID_SUBJECT = SUBJECT
    return keys


@pytest.fixture(autouse=True)
def _local_push_service_allowed(settings):
    # The push service these tests run is on 127.0.0.1, which the worker otherwise refuses.
    settings.PUSH_ALLOW_PRIVATE_ENDPOINTS = True


@pytest.fixture
def service(vapid):
    with LocalPushService() as running:
        yield running


def subscribe(user, device) -> PushSubscription:
    # Made directly: the local service is plain http on 127.0.0.1, which push_subscribe
    # rightly refuses from a browser.
    return PushSubscription.objects.create(
        user=user, endpoint=device.endpoint, p256dh=device.p256dh, auth=device.auth
    )


def notify(personas, audience=Audience.CIRCLE, kind=PushKind.NOTE) -> int:
    return push_notify(
        person_id=personas.person.pk,
        kind=kind,
        audience=audience,
        title="New note about Jean",
        body="Jean enjoyed her lunch.",
        url=f"/people/{personas.person.pk}/",
    )


def at(moment: datetime) -> Callable[[], datetime]:
    return lambda: moment


def later(seconds: float) -> Callable[[], datetime]:
    return at(timezone.now() + timedelta(seconds=seconds))


# Delivery ------------------------------------------------------------------------------------


def test_each_device_gets_one_encrypted_signed_message(personas, service, vapid):
    subscribe(personas.carer, service.device("angela"))
    subscribe(personas.family, service.device("sarah"))
    assert notify(personas) == 2

    report = deliver_due()

    assert report.sent == 2
    assert sorted(r.device for r in service.received) == ["angela", "sarah"]
    for received in service.received:
        assert service.decrypt(received) == {
            "title": "New note about Jean",
            "body": "Open Kith to see it.",
            "url": f"/people/{personas.person.pk}/",
            "kind": "note",
            "tag": f"person-{personas.person.pk}-note",
        }
        claims = service.vapid_claims(received, public_key=vapid.public_key)
        assert claims["sub"] == SUBJECT
        # A phone that is off still gets it when it comes back within the day.
        assert received.headers["ttl"] == str(24 * 60 * 60)
        assert received.headers["urgency"] == "normal"
    assert set(PushMessage.objects.values_list("status", flat=True)) == {Status.SENT}
    assert all(s.last_success_at for s in PushSubscription.objects.all())


def test_a_new_note_reaches_phones_through_the_worker_alone(personas, service):
    from families.services import note_create

    subscribe(personas.family, service.device("sarah"))
    note_create(
        actor=personas.carer,
        person_id=personas.person.pk,
        kind="moment",
        audience="circle",
        body="We planted sweet peas.",
    )
    assert PushMessage.objects.count() == 0  # the request only left news for the worker

    report = deliver_due()

    assert report.sent == 1
    assert [r.device for r in service.received] == ["sarah"]
    assert service.decrypt(service.received[0])["title"] == "New update about Jean"


def test_a_welsh_speaker_reads_the_notification_in_welsh_and_an_english_one_in_english(
    personas, service
):
    from families.services import note_create

    personas.family.language = "cy"
    personas.family.save(update_fields=["language"])
    subscribe(personas.family, service.device("sarah"))
    subscribe(personas.professional, service.device("nina"))
    note_create(
        actor=personas.carer,
        person_id=personas.person.pk,
        kind="visit",
        audience="circle",
        body="We planted sweet peas.",
    )
    deliver_due()
    sarah = service.decrypt(service.for_device("sarah")[0])
    nina = service.decrypt(service.for_device("nina")[0])
    assert sarah["title"] == "Newyddion am Jean"
    assert sarah["body"] == "Agorwch Kith i'w weld."
    assert nina["title"] == "New update about Jean"
    assert nina["body"] == "Open Kith to see it."


def test_the_note_itself_arrives_only_for_someone_who_chose_it(personas, service):
    subscribe(personas.family, service.device("sarah"))
    subscribe(personas.professional, service.device("nina"))
    push_preferences_update(
        user=personas.family,
        concerns=True,
        notes=True,
        rota=True,
        family_updates=True,
        quiet_hours_start=None,
        quiet_hours_end=None,
        include_content=True,
    )
    notify(personas)
    deliver_due()
    sarah = service.decrypt(service.for_device("sarah")[0])
    nina = service.decrypt(service.for_device("nina")[0])
    assert sarah["body"] == "Jean enjoyed her lunch."
    assert nina["body"] == "Open Kith to see it."


def test_a_concern_is_sent_as_urgent(personas, service):
    subscribe(personas.carer, service.device("angela"))
    notify(personas, audience=Audience.TEAM, kind=PushKind.CONCERN)
    deliver_due()
    assert service.received[0].headers["urgency"] == "high"


def test_a_token_signed_by_another_key_is_caught(personas, service):
    # The checker itself must be able to fail, or the test above proves nothing.
    subscribe(personas.carer, service.device("angela"))
    notify(personas)
    deliver_due()
    with pytest.raises(AssertionError):
        service.vapid_claims(service.received[0], public_key=generate_keys().public_key)


def test_the_worker_command_sends_what_is_due(personas, service):
    subscribe(personas.family, service.device("sarah"))
    notify(personas)
    call_command("push_worker", "--once")
    assert len(service.for_device("sarah")) == 1
    assert PushMessage.objects.get().status == Status.SENT


# The push service says no --------------------------------------------------------------------


@pytest.mark.parametrize("status", [404, 410])
def test_a_device_that_is_gone_is_forgotten(personas, service, status):
    subscribe(personas.family, service.device("sarah", Reply(status=status)))
    subscribe(personas.carer, service.device("angela"))
    notify(personas)
    notify(personas)
    # The second one for Sarah waits for a retry, so it is still queued when the first fails.
    waiting = PushMessage.objects.filter(user=personas.family).order_by("pk").last()
    assert waiting is not None
    PushMessage.objects.filter(pk=waiting.pk).update(next_attempt_at=later(60)())

    report = deliver_due()

    assert not PushSubscription.objects.filter(user=personas.family).exists()
    assert PushSubscription.objects.filter(user=personas.carer).exists()
    sarahs = PushMessage.objects.filter(user=personas.family)
    assert set(sarahs.values_list("status", flat=True)) == {Status.GONE}
    assert report.gone == 1
    # Once told the device is gone, nothing more is sent to it.
    deliver_due(now=later(120))
    assert len(service.for_device("sarah")) == 1
    assert len(service.for_device("angela")) == 2


def test_too_many_requests_waits_as_long_as_the_service_asks(personas, service):
    subscribe(
        personas.family,
        service.device("sarah", Reply(status=429, headers={"Retry-After": "120"}), Reply()),
    )
    notify(personas)
    before = timezone.now()

    report = deliver_due()

    message = PushMessage.objects.get()
    assert report.retrying == 1
    assert message.status == Status.QUEUED
    assert message.attempts == 1
    assert message.last_error.startswith("429")
    waited = (message.next_attempt_at - before).total_seconds()
    assert 119 <= waited <= 125

    deliver_due(now=later(60))  # not yet: the service asked for two minutes
    assert len(service.for_device("sarah")) == 1

    deliver_due(now=later(125))
    message.refresh_from_db()
    assert message.status == Status.SENT
    assert message.attempts == 2
    assert len(service.for_device("sarah")) == 2
    assert service.decrypt(service.for_device("sarah")[1])["title"] == "New note about Jean"


def test_a_server_error_is_retried_with_growing_waits(personas, service):
    subscribe(personas.family, service.device("sarah", Reply(status=503)))
    notify(personas)
    message = PushMessage.objects.get()
    waits = []
    clock = timezone.now()
    for _ in range(3):
        deliver_due(now=at(clock))
        message.refresh_from_db()
        waits.append((message.next_attempt_at - clock).total_seconds())
        clock = message.next_attempt_at
    assert waits == [30.0, 60.0, 120.0]
    assert PushSubscription.objects.get().failures == 3


def test_it_gives_up_after_the_last_attempt(personas, service):
    subscribe(personas.family, service.device("sarah", Reply(status=500)))
    notify(personas)
    PushMessage.objects.update(attempts=MAX_ATTEMPTS - 1)
    report = deliver_due()
    message = PushMessage.objects.get()
    assert report.failed == 1
    assert message.status == Status.FAILED
    assert message.last_error.startswith("500")


def test_a_refusal_is_not_retried(personas, service):
    subscribe(personas.family, service.device("sarah", Reply(status=403)))
    notify(personas)
    deliver_due()
    deliver_due(now=later(3600))
    assert PushMessage.objects.get().status == Status.FAILED
    assert len(service.for_device("sarah")) == 1


def test_a_push_service_that_times_out_is_retried_later_and_holds_up_nobody(personas, service):
    subscribe(personas.family, service.device("slow", Reply(delay=10)))
    fast = [personas.carer, personas.professional, personas.person_user]
    for n, user in enumerate(fast):
        subscribe(user, service.device(f"fast{n}"))
    notify(personas)
    started = time.monotonic()

    report = deliver_due(timeout=1, concurrency=2)

    took = time.monotonic() - started
    assert report.sent == 3
    assert report.retrying == 1
    slow = PushMessage.objects.get(user=personas.family)
    assert slow.status == Status.QUEUED
    assert slow.last_error == "the push service did not answer in time"
    assert slow.next_attempt_at > timezone.now()
    others = PushMessage.objects.exclude(user=personas.family)
    assert set(others.values_list("status", flat=True)) == {Status.SENT}
    # The others went out while the slow one was still hanging, not after it.
    slow_arrived = service.for_device("slow")[0].at
    for n in range(len(fast)):
        assert service.for_device(f"fast{n}")[0].at - slow_arrived < 0.9
    assert took < 3, "one slow service must cost at most its own timeout"


def test_a_push_service_that_cannot_be_reached_is_retried(personas, service):
    device = service.device("sarah")
    subscription = subscribe(personas.family, device)
    subscription.endpoint = "http://127.0.0.1:9/push/sarah"  # nothing listens on port 9
    subscription.save()
    notify(personas)
    deliver_due(timeout=1)
    message = PushMessage.objects.get()
    assert message.status == Status.QUEUED
    assert message.last_error.startswith("could not reach the push service")


def test_a_send_that_breaks_unexpectedly_is_recorded_and_tried_again(
    personas, service, monkeypatch
):
    subscribe(personas.family, service.device("sarah"))
    notify(personas)

    async def broken(self, info, data, headers):
        raise RuntimeError("something nobody expected")

    monkeypatch.setattr(Deliverer, "_send", broken)
    report = deliver_due(timeout=1)  # returns: the worker is not left waiting for it

    message = PushMessage.objects.get()
    assert report.retrying == 1
    assert message.status == Status.QUEUED
    assert message.last_error == "could not send (RuntimeError)"


def test_a_refused_connection_is_retried_later_with_the_reason_recorded(personas, service):
    subscription = subscribe(personas.family, service.device("sarah"))
    subscription.endpoint = "http://127.0.0.1:9/push/sarah"  # nothing listens on port 9
    subscription.save()
    notify(personas)
    clock = timezone.now()

    report = deliver_due(timeout=1, now=lambda: clock)

    message = PushMessage.objects.get()
    assert report.retrying == 1
    assert message.status == Status.QUEUED
    assert message.last_error == "could not reach the push service (ClientConnectorError)"
    assert message.next_attempt_at == clock + timedelta(seconds=backoff_seconds(1))
    assert PushSubscription.objects.get().failures == 1


def test_a_push_service_whose_name_does_not_resolve_is_retried(personas, service):
    subscription = subscribe(personas.family, service.device("sarah"))
    subscription.endpoint = "http://push.invalid/push/sarah"  # .invalid never resolves
    subscription.save()
    notify(personas)
    before = set(threading.enumerate())
    deliver_due(timeout=1)
    message = PushMessage.objects.get()
    assert message.status == Status.QUEUED
    assert message.last_error == "could not reach the push service (ClientConnectorDNSError)"
    # Names are looked up on a thread of the loop's own; closing ends it too.
    assert set(threading.enumerate()) - before == set()


@pytest.fixture
def hangs_up() -> Iterator[str]:
    """A push service that reads the whole request, then closes the connection unanswered."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.05)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            with connection:
                received = b""
                while b"\r\n\r\n" not in received:
                    received += connection.recv(65536)
                head, _, body = received.partition(b"\r\n\r\n")
                length = next(
                    int(line.split(b":", 1)[1])
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length:")
                )
                while len(body) < length:
                    body += connection.recv(65536)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    stop.set()
    thread.join()
    listener.close()


def test_a_push_service_that_hangs_up_without_answering_is_retried(personas, service, hangs_up):
    subscription = subscribe(personas.family, service.device("sarah"))
    subscription.endpoint = f"{hangs_up}/push/sarah"
    subscription.save()
    notify(personas)
    report = deliver_due(timeout=1)
    message = PushMessage.objects.get()
    assert report.retrying == 1
    assert message.status == Status.QUEUED
    assert message.last_error == "could not reach the push service (ServerDisconnectedError)"


def test_a_slow_push_service_leaves_connections_for_the_others(personas, service):
    # Two services on two ports: aiohttp counts each as its own host, as it would two names.
    with LocalPushService() as slow_service:
        for n in range(6):
            subscribe(personas.family, slow_service.device(f"slow{n}", Reply(delay=10)))
        for n in range(3):
            subscribe(personas.carer, service.device(f"fast{n}"))
        notify(personas)
        # The slow service's messages are sent first, so they would take every connection.
        slow = PushMessage.objects.filter(user=personas.family)
        slow.update(next_attempt_at=timezone.now() - timedelta(seconds=1))
        started = time.monotonic()

        report = deliver_due(timeout=1, concurrency=4)

        assert report.sent == 3
        assert report.retrying == 6
        for n in range(3):
            assert service.for_device(f"fast{n}")[0].at - started < 0.9
        assert len(slow_service.received) == 6
        assert set(slow.values_list("last_error", flat=True)) == {
            "the push service did not answer in time"
        }


def test_a_redirect_is_not_followed(personas, service):
    elsewhere = service.device("elsewhere")
    subscribe(
        personas.family,
        service.device("sarah", Reply(status=307, headers={"Location": elsewhere.endpoint})),
    )
    notify(personas)
    deliver_due()
    message = PushMessage.objects.get()
    assert service.for_device("elsewhere") == []
    assert len(service.for_device("sarah")) == 1
    assert message.status == Status.FAILED
    assert message.last_error.startswith("307")


def test_a_device_key_that_cannot_be_used_fails_at_once(personas, service):
    device = service.device("sarah")
    subscription = subscribe(personas.family, device)
    # The right length, but not a point on the curve: nothing can be encrypted to it.
    subscription.p256dh = b64url(b"\x04" + b"\x01" * 64)
    subscription.save()
    notify(personas)
    report = deliver_due()
    message = PushMessage.objects.get()
    assert report.failed == 1
    assert message.status == Status.FAILED
    assert message.last_error.startswith("could not encrypt")
    assert service.received == []


def test_closing_stops_the_sending_thread_and_the_session(personas, service):
    subscribe(personas.family, service.device("sarah"))
    notify(personas)
    deliverer = Deliverer(concurrency=2)
    try:
        assert deliverer.run(until_idle=True).sent == 1
    finally:
        deliverer.close()
    assert deliverer._session.closed
    assert not deliverer._thread.is_alive()
    assert [t for t in threading.enumerate() if t.name.startswith("push-send")] == []
    deliverer.close()  # a second close is harmless


# Access is asked again just before sending --------------------------------------------------


def test_no_push_reaches_someone_removed_from_the_circle_after_it_was_queued(personas, service):
    subscribe(personas.family, service.device("sarah"))
    subscribe(personas.carer, service.device("angela"))
    notify(personas)
    personas.family_place.removed_at = timezone.now()
    personas.family_place.save()

    report = deliver_due()

    assert service.for_device("sarah") == []
    assert len(service.for_device("angela")) == 1
    dropped = PushMessage.objects.get(user=personas.family)
    assert dropped.status == Status.DROPPED
    assert dropped.last_error == "no longer allowed to see this person"
    assert report.dropped == 1


def test_no_push_reaches_a_carer_who_left_the_team_after_it_was_queued(personas, service):
    subscribe(personas.carer, service.device("angela"))
    notify(personas, audience=Audience.TEAM)
    Membership.objects.filter(user=personas.carer).update(left_at=timezone.now())
    deliver_due()
    assert service.received == []
    assert PushMessage.objects.get().status == Status.DROPPED


# Claiming ------------------------------------------------------------------------------------


def test_two_workers_never_claim_the_same_message(personas, service):
    subscribe(personas.family, service.device("sarah"))
    subscribe(personas.carer, service.device("angela"))
    notify(personas)
    first, second = Deliverer(concurrency=1), Deliverer(concurrency=1)
    try:
        now = timezone.now()
        taken = first._claim(limit=10, now=now)
        assert len(taken) == 2
        assert second._claim(limit=10, now=now) == []
    finally:
        first.close()
        second.close()


def test_a_claim_left_by_a_worker_that_died_is_taken_over(personas, service):
    subscribe(personas.family, service.device("sarah"))
    notify(personas)
    crashed = Deliverer(concurrency=1)
    try:
        crashed._claim(limit=10, now=timezone.now())
    finally:
        crashed.close()
    assert PushMessage.objects.get().status == Status.SENDING

    deliver_due()  # straight away: the claim may still be alive
    assert service.received == []

    deliver_due(now=later(10 * 60))
    assert PushMessage.objects.get().status == Status.SENT
    assert len(service.received) == 1


# Small rules ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("120", 120.0),
        (" 5 ", 5.0),
        ("", None),
        (None, None),
        ("soon", None),
        ("999999999", 24 * 60 * 60.0),
        ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0),  # in the past: at once
    ],
)
def test_retry_after_is_read_as_seconds_or_a_date(header, seconds):
    assert parse_retry_after(header) == seconds


def test_retry_after_as_a_future_date():
    now = 1_700_000_000.0
    assert parse_retry_after("Tue, 14 Nov 2023 22:15:20 GMT", now=now) == 120.0


def test_backoff_doubles_up_to_an_hour():
    assert [backoff_seconds(n) for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert backoff_seconds(30) == 3600


@pytest.mark.postgres
def test_workers_sending_at_the_same_time_send_each_message_once(transactional_db, service):
    from django.db import connection

    from core.tests.factories import MembershipFactory, PersonFactory, TeamFactory, UserFactory

    team = TeamFactory()
    person = PersonFactory.create(team=team)
    for n in range(60):
        user = UserFactory()
        MembershipFactory(team=team, user=user)
        subscribe(user, service.device(f"d{n}"))
    push_notify(
        person_id=person.pk,
        kind=PushKind.NOTE,
        audience=Audience.TEAM,
        title="New note",
        body="",
        url="/",
    )
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            deliverer = Deliverer(concurrency=4)
            deliverer.capacity = 8  # small claims, so the workers really interleave
            try:
                deliverer.run(until_idle=True)
            finally:
                deliverer.close()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    workers = [threading.Thread(target=worker) for _ in range(3)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(r.device for r in service.received) == sorted(f"d{n}" for n in range(60))
    assert set(PushMessage.objects.values_list("status", flat=True)) == {Status.SENT}


def test_no_push_reaches_someone_no_longer_shown_that_kind_of_note(personas, service):
    subscribe(personas.family, service.device("sarah"))
    subscribe(personas.professional, service.device("nina"))
    push_notify(
        person_id=personas.person.pk,
        kind=PushKind.NOTE,
        audience=Audience.CIRCLE,
        topic="visit",
        title="New note about Jean",
        body="",
        url="/",
    )
    personas.family_place.note_kinds = ["moment"]  # Jean changed her mind meanwhile
    personas.family_place.save()
    deliver_due()
    assert service.for_device("sarah") == []
    assert len(service.for_device("nina")) == 1
    assert PushMessage.objects.get(user=personas.family).status == Status.DROPPED


def test_retry_after_zero_does_not_hammer_the_service(personas, service):
    subscribe(
        personas.family, service.device("sarah", Reply(status=503, headers={"Retry-After": "0"}))
    )
    notify(personas)
    deliver_due()
    message = PushMessage.objects.get()
    assert message.attempts == 1
    assert len(service.for_device("sarah")) == 1
    assert message.next_attempt_at > timezone.now()

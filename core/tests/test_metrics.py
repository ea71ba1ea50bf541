"""/metrics: for the scraper holding the token or calling from an allowed address, counting
by route and never by path, with the sockets this process holds and what the queues hold."""

import datetime
import re

import pytest
from django.utils import timezone
from prometheus_client import REGISTRY

from core.metrics import SocketMetrics
from core.models import PushMessage, PushNews
from core.tests.sockets import connect
from families.models import RecordExport

TOKEN = "a-long-random-scrape-token"


@pytest.fixture
def scrape(client, settings):
    settings.METRICS_TOKEN = TOKEN

    def get() -> str:
        response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/plain")
        return response.content.decode()

    return get


def _sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def _value(text: str, name: str) -> float:
    found = re.search(rf"^{re.escape(name)} (\S+)$", text, flags=re.MULTILINE)
    assert found is not None, f"{name} is not in the metrics"
    return float(found.group(1))


@pytest.mark.parametrize("authorization", [None, "Bearer wrong", f"Basic {TOKEN}", "Bearer "])
def test_without_the_token_there_is_nothing_here(client, settings, db, authorization):
    settings.METRICS_TOKEN = TOKEN
    headers = {"Authorization": authorization} if authorization else {}
    response = client.get("/metrics", headers=headers)
    assert response.status_code == 404
    assert b"kith_" not in response.content


def test_no_token_set_and_no_address_allowed_means_no_metrics(client, settings, db):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics", headers={"Authorization": "Bearer "}).status_code == 404


def test_an_allowed_address_needs_no_token(client, settings, db):
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_ADDRESSES = ["10.0.0.0/8", "127.0.0.1"]
    assert client.get("/metrics").status_code == 200
    settings.METRICS_ALLOWED_ADDRESSES = ["10.0.0.0/8"]
    assert client.get("/metrics").status_code == 404


def test_requests_are_counted_by_route_and_status_never_by_path(client, personas, scrape):
    client.force_login(personas.family)
    labels = {"route": "person", "method": "GET", "status": "200"}
    before = _sample("kith_http_requests_total", **labels)
    timed = _sample("kith_http_request_duration_seconds_count", route="person", method="GET")
    assert client.get(f"/people/{personas.person.pk}/").status_code == 200
    assert _sample("kith_http_requests_total", **labels) == before + 1
    assert (
        _sample("kith_http_request_duration_seconds_count", route="person", method="GET")
        == timed + 1
    )
    refused = {"route": "person", "method": "GET", "status": "404"}
    before_refused = _sample("kith_http_requests_total", **refused)
    client.get(f"/people/{personas.neighbour.pk + 1000}/")
    assert _sample("kith_http_requests_total", **refused) == before_refused + 1
    text = scrape()
    assert f"/people/{personas.person.pk}" not in text
    assert 'route="person"' in text


def test_a_note_written_is_timed_apart_from_the_timeline_read_at_the_same_address(client, personas):
    # The API's list and its write share one address, so one route name: only the method
    # tells a slow write from a quick read.
    client.force_login(personas.carer)
    address = f"/api/v1/people/{personas.person.pk}/notes"
    route = "api:note_list"
    reads = _sample("kith_http_request_duration_seconds_count", route=route, method="GET")
    writes = _sample("kith_http_request_duration_seconds_count", route=route, method="POST")
    assert client.get(address).status_code == 200
    written = client.post(
        address, {"kind": "moment", "body": "Out in the garden"}, content_type="application/json"
    )
    assert written.status_code == 201
    assert _sample("kith_http_request_duration_seconds_count", route=route, method="GET") == (
        reads + 1
    )
    assert _sample("kith_http_request_duration_seconds_count", route=route, method="POST") == (
        writes + 1
    )


def test_an_address_no_route_knows_is_counted_without_its_path(client, db):
    unmatched = {"route": "unmatched", "method": "GET", "status": "404"}
    before = _sample("kith_http_requests_total", **unmatched)
    client.get("/no/such/place/42/")
    assert _sample("kith_http_requests_total", **unmatched) == before + 1


def test_the_queues_say_how_much_waits_and_for_how_long(personas, scrape):
    long_ago = timezone.now() - datetime.timedelta(minutes=3)
    PushNews.objects.create(
        person=personas.person, kind="note", audience="team", title="t", url="/"
    )
    PushNews.objects.update(created_at=long_ago)
    for status in (PushMessage.Status.QUEUED, PushMessage.Status.SENT, PushMessage.Status.GONE):
        PushMessage.objects.create(
            user=personas.carer,
            person=personas.person,
            audience="team",
            kind="note",
            payload={},
            status=status,
            created_at=long_ago,
        )
    RecordExport.objects.create(person=personas.person, created_at=long_ago)
    text = scrape()
    assert _value(text, "kith_push_news_depth") == 1
    assert _value(text, "kith_push_queue_depth") == 1
    assert _value(text, "kith_export_queue_depth") == 1
    for queue in ("push_news", "push_queue", "export_queue"):
        assert 180 <= _value(text, f"kith_{queue}_oldest_seconds") < 240
    assert _value(text, 'kith_push_messages{status="sent"}') == 1
    assert _value(text, 'kith_push_messages{status="gone"}') == 1
    assert _value(text, 'kith_push_messages{status="failed"}') == 0


def test_empty_queues_are_zero_not_missing(scrape, db):
    text = scrape()
    assert _value(text, "kith_push_queue_depth") == 0
    assert _value(text, "kith_push_queue_oldest_seconds") == 0


@pytest.mark.django_db(transaction=True)
async def test_open_sockets_and_frames_are_counted_as_they_come_and_go(personas):
    open_before = _sample("kith_websockets_open")
    frames_before = _sample("kith_websocket_frames_sent_total")
    path = f"/ws/people/{personas.person.pk}/"
    carer, connected, *_ = await connect(personas.carer, path)
    family, _, *_ = await connect(personas.family, path)
    assert connected
    assert _sample("kith_websockets_open") == open_before + 2
    await carer.disconnect()
    await family.disconnect()
    assert _sample("kith_websockets_open") == open_before
    # A refused socket is accepted only to be closed with its reason: it leaves no count.
    _, refused, *_ = await connect(personas.outsider, path)
    assert not refused
    assert _sample("kith_websockets_open") == open_before
    assert _sample("kith_websocket_frames_sent_total") >= frames_before


async def test_frames_are_counted_as_they_are_sent():
    from channels.testing import WebsocketCommunicator

    async def app(scope, receive, send):
        await receive()  # connect
        await send({"type": "websocket.accept"})
        await send({"type": "websocket.send", "text": "one"})
        await send({"type": "websocket.send", "text": "two"})
        await send({"type": "websocket.close"})

    before = _sample("kith_websocket_frames_sent_total")
    open_before = _sample("kith_websockets_open")
    socket = WebsocketCommunicator(SocketMetrics(app), "/ws/test/")
    await socket.connect()
    await socket.receive_from()
    await socket.receive_from()
    await socket.wait()
    assert _sample("kith_websocket_frames_sent_total") == before + 2
    assert _sample("kith_websockets_open") == open_before


FANOUT = "kith_fanout_commit_to_last_frame_seconds"


async def test_a_change_is_timed_to_the_last_frame_written_not_the_first(settings):
    import asyncio
    import time

    from core.metrics import FanoutClock

    settings.FANOUT_QUIET_SECONDS = 0.2
    clock = FanoutClock()
    count, total = _sample(f"{FANOUT}_count"), _sample(f"{FANOUT}_sum")
    committed_at = time.time() - 1.0  # committed a second ago
    clock.frame_written(7, committed_at)
    await asyncio.sleep(0.1)
    clock.frame_written(7, committed_at)  # another socket, while the change is not yet quiet
    await asyncio.sleep(0.15)
    last = time.time()
    clock.frame_written(7, committed_at)
    assert _sample(f"{FANOUT}_count") == count, "timed before it was quiet"
    await asyncio.sleep(0.35)
    assert _sample(f"{FANOUT}_count") == count + 1
    took = _sample(f"{FANOUT}_sum") - total
    assert last - committed_at <= took < last - committed_at + 0.05


@pytest.mark.django_db(transaction=True)
async def test_a_note_is_timed_once_from_its_commit_to_this_processs_last_socket(
    personas, settings
):
    import asyncio

    from channels.db import database_sync_to_async

    from families.services import note_create

    settings.FANOUT_QUIET_SECONDS = 0.2
    path = f"/ws/people/{personas.person.pk}/"
    sockets = [(await connect(user, path))[0] for user in (personas.carer, personas.family)]
    sockets.append((await connect(personas.carer, path))[0])
    count, total = _sample(f"{FANOUT}_count"), _sample(f"{FANOUT}_sum")
    await database_sync_to_async(note_create)(
        actor=personas.carer,
        person_id=personas.person.pk,
        kind="moment",
        audience="circle",
        body="Jean won at dominoes.",
    )
    for socket in sockets:
        assert "Jean won at dominoes." in await socket.receive_from()
    await asyncio.sleep(0.5)
    # One note, one change: heard on the team's stream and the circle's, by three sockets.
    assert _sample(f"{FANOUT}_count") == count + 1
    assert 0 < _sample(f"{FANOUT}_sum") - total < 5
    for socket in sockets:
        await socket.disconnect()


def test_no_persona_signed_in_opens_it(client, personas, settings):
    settings.METRICS_TOKEN = TOKEN
    for who, user in personas.all_users().items():
        client.force_login(user)
        assert client.get("/metrics").status_code == 404, who

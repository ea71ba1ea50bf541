"""/health/live and /health/ready: what a load balancer asks, answered without a session,
without care data and without leaving a trace."""

import datetime
import json
import time

import pytest
from django.test import Client
from django.utils import timezone

from core import health
from core.heartbeat import EXPORT_WORKER, PUSH_WORKER, Heartbeat
from core.models import AuditEntry, WorkerHeartbeat


def _beat(worker: str, seconds_ago: float) -> None:
    WorkerHeartbeat.objects.update_or_create(
        worker=worker,
        defaults={"beat_at": timezone.now() - datetime.timedelta(seconds=seconds_ago)},
    )


@pytest.fixture
def workers_alive(db):
    _beat(PUSH_WORKER, 5)
    _beat(EXPORT_WORKER, 20)


def test_live_answers_without_asking_the_database(client):
    # No db fixture: any database access here fails the test.
    response = client.get("/health/live")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_ready_says_ok_when_every_part_answers(client, workers_alive):
    response = client.get("/health/ready")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {
            "database": "ok",
            "channel_layer": "ok",
            "push_worker": "ok",
            "export_worker": "ok",
        },
    }


def test_ready_is_json_whatever_the_probe_accepts(client, workers_alive):
    response = client.get("/health/ready", headers={"Accept": "text/html"})
    assert response["Content-Type"] == "application/json"


def test_ready_names_a_worker_that_stopped_and_one_that_never_ran(client, db):
    _beat(PUSH_WORKER, 90)
    response = client.get("/health/ready")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["push_worker"] == "push_worker last ran 90 s ago"
    assert checks["export_worker"] == "export_worker has never run"
    assert checks["database"] == "ok"


def test_ready_says_when_the_channel_layer_does_not_answer(client, workers_alive, monkeypatch):
    class Unreachable:
        async def new_channel(self, prefix: str) -> str:
            raise ConnectionRefusedError("no Redis here")

    monkeypatch.setattr(health, "get_channel_layer", Unreachable)
    response = client.get("/health/ready")
    assert response.status_code == 503
    assert response.json()["checks"]["channel_layer"] == "the channel layer did not answer"


@pytest.mark.redis
def test_ready_reaches_redis_when_the_layer_is_redis(client, workers_alive, settings, redis_url):
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [redis_url], "prefix": "kith-health-test"},
        }
    }
    response = client.get("/health/ready")
    assert response.json()["checks"]["channel_layer"] == "ok", response.json()


def test_a_signed_in_probe_leaves_no_trace_and_sees_no_one(client, personas, workers_alive):
    client.force_login(personas.carer)
    entries = AuditEntry.objects.count()
    session_key = client.session.session_key
    for address in ("/health/live", "/health/ready"):
        response = client.get(address)
        assert response.status_code == 200
        assert "Set-Cookie" not in response.headers
        body = json.dumps(response.json())
        assert personas.carer.display_name not in body
        assert personas.carer.email not in body
    assert AuditEntry.objects.count() == entries
    assert client.session.session_key == session_key


def test_a_probe_needs_no_csrf_token_or_session(workers_alive):
    strict = Client(enforce_csrf_checks=True)
    assert strict.get("/health/ready").status_code == 200
    assert strict.head("/health/live").status_code == 405  # GET only: nothing to change


def test_plain_http_probes_are_not_sent_to_https(client, workers_alive, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/health/ready").status_code == 200
    assert client.get("/health/live").status_code == 200
    assert client.get("/accounts/login/").status_code == 301


def test_a_heartbeat_is_written_at_most_once_in_its_interval(db, monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr("core.heartbeat.time.monotonic", lambda: clock[0])
    heartbeat = Heartbeat(PUSH_WORKER, every=15)
    heartbeat.beat()
    first = WorkerHeartbeat.objects.get(worker=PUSH_WORKER).beat_at
    clock[0] += 10
    heartbeat.beat()
    assert WorkerHeartbeat.objects.get(worker=PUSH_WORKER).beat_at == first
    clock[0] += 10
    heartbeat.beat()
    assert WorkerHeartbeat.objects.get(worker=PUSH_WORKER).beat_at > first


def test_the_push_worker_beats_as_it_goes_round(db, monkeypatch):
    from django.core.management import call_command

    from core.push.delivery import Deliverer

    def one_round(self, *, should_stop, idle_seconds):
        should_stop()

    monkeypatch.setattr(Deliverer, "run", one_round)
    call_command("push_worker")
    assert WorkerHeartbeat.objects.filter(worker=PUSH_WORKER).exists()


def test_the_export_worker_beats_as_it_goes_round(db, monkeypatch):
    from django.core.management import call_command

    from families.management.commands import export_worker

    class Stop(Exception):
        pass

    def stop_when_idle(seconds: float) -> None:
        raise Stop

    monkeypatch.setattr(export_worker, "record_exports_build_waiting", lambda limit: 0)
    # The test's own transaction holds the connection the worker would otherwise renew.
    monkeypatch.setattr(export_worker, "close_old_connections", lambda: None)
    monkeypatch.setattr(time, "sleep", stop_when_idle)
    with pytest.raises(Stop):
        call_command("export_worker")
    assert WorkerHeartbeat.objects.filter(worker=EXPORT_WORKER).exists()

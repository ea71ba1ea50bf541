"""Logs: JSON lines in production, readable text embedded, each line of a request carrying its
request id, whoever wrote it."""

import io
import json
import logging
from collections.abc import Callable, Iterator

import pytest
import structlog

from core.logs import FORMATS, formatter, job_context, logging_settings

NGINX_ID = "0f8e2c4a9b7d41e3a5c6f7081920a3b4"  # what nginx's $request_id looks like


@pytest.fixture
def captured() -> Iterator[Callable[[str], io.StringIO]]:
    root = logging.getLogger()
    handlers: list[logging.Handler] = []
    level = root.level

    def capture(format: str) -> io.StringIO:
        stream = io.StringIO()
        handler = logging.StreamHandler(stream)
        handler.setFormatter(formatter(format))
        root.addHandler(handler)
        handlers.append(handler)
        root.setLevel(logging.INFO)
        return stream

    yield capture
    for handler in handlers:
        root.removeHandler(handler)
    root.setLevel(level)


def _lines(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_production_writes_one_json_object_a_line(captured):
    stream = captured("json")
    logging.getLogger("families.services.export").warning("record export %s failed", 7)
    structlog.get_logger("kith").info("push sent", push_id=3)
    first, second = _lines(stream)
    assert first["event"] == "record export 7 failed"
    assert first["level"] == "warning"
    assert first["logger"] == "families.services.export"
    assert second == {**second, "event": "push sent", "push_id": 3, "level": "info"}
    assert "timestamp" in second


def test_embedded_lines_are_readable_text(captured):
    stream = captured("text")
    structlog.get_logger("kith").info("push sent", push_id=3)
    line = stream.getvalue().strip()
    assert "push sent" in line
    assert "push_id=3" in line
    assert not line.startswith("{")


def test_an_unknown_format_is_refused():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="json or text"):
        logging_settings(format="yaml", level="INFO")


def test_the_request_id_nginx_sends_is_on_every_line_and_sent_back(client, personas, captured):
    stream = captured("json")
    client.force_login(personas.outsider)
    response = client.get(f"/people/{personas.person.pk}/", headers={"X-Request-ID": NGINX_ID})
    assert response.status_code == 404
    assert response["X-Request-ID"] == NGINX_ID
    lines = _lines(stream)
    # Django's own "Not Found" line, written deep inside, carries it as Kith's lines do.
    not_found = next(line for line in lines if line["event"].startswith("Not Found"))
    assert not_found["request_id"] == NGINX_ID
    answered = next(line for line in lines if line["event"] == "request")
    assert answered == {
        **answered,
        "request_id": NGINX_ID,
        "route": "person",
        "method": "GET",
        "status": 404,
        "user_id": personas.outsider.pk,
    }


def test_without_an_id_from_nginx_each_request_gets_its_own(client, db, captured):
    stream = captured("json")
    first = client.get("/health/live")["X-Request-ID"]
    second = client.get("/health/live", headers={"X-Request-ID": "bad id\nforged"})
    assert second["X-Request-ID"] != first
    assert len(first) == 32
    assert "forged" not in stream.getvalue()
    ids = {line["request_id"] for line in _lines(stream) if line["event"] == "request"}
    assert ids == {first, second["X-Request-ID"]}


def test_a_request_line_names_the_route_never_the_path(client, db, captured):
    stream = captured("json")
    client.get("/invitations/a-secret-token-from-an-email/")
    assert "a-secret-token" not in "".join(
        line for line in stream.getvalue().splitlines() if '"event": "request"' in line
    )


@pytest.mark.parametrize("format", FORMATS)
def test_djangos_own_lines_for_a_refused_address_carry_no_path(client, db, captured, format):
    """A reset link's token is in its path: "Not Found: /reset/<token>/" must not be written."""
    stream = captured(format)
    client.get("/reset/a-secret-token-from-an-email/?next=/also-secret/")
    client.post("/accounts/sign-in/?token=another-secret", {}, HTTP_HOST="evil.example")
    written = stream.getvalue()
    assert "Not Found: [path]" in written
    assert "secret" not in written
    assert "WSGIRequest" not in written


def test_a_workers_job_lines_share_an_id_of_their_own(captured):
    stream = captured("json")
    with job_context("export", export_id=12) as request_id:
        logging.getLogger("families.services.export").error("record export 12 failed")
    line = _lines(stream)[0]
    assert line["request_id"] == request_id
    assert line["job"] == "export"
    assert line["export_id"] == 12


def test_the_export_worker_logs_a_failed_copy_under_its_job(personas, captured, monkeypatch):
    from families.models import RecordExport
    from families.services import export

    def broken(person, reader):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(export, "build_zip", broken)
    copy = RecordExport.objects.create(person=personas.person)
    stream = captured("json")
    assert export.record_exports_build_waiting() == 1
    line = next(line for line in _lines(stream) if line["level"] == "error")
    assert line["job"] == "export"
    assert line["export_id"] == copy.pk
    assert "RuntimeError: the disk is full" in line["exception"]


def test_email_addresses_are_blanked_whoever_logs_them(captured):
    stream = captured("json")
    logging.getLogger("axes").warning("locked out: %s", "Angela.Okafor+kith@Example.org")
    assert "Okafor" not in stream.getvalue()
    assert _lines(stream)[0]["event"] == "locked out: [email]"


# The id of the request that caused a worker's job -------------------------------------------


@pytest.fixture
def push_service(settings):
    from core.push.vapid import generate_keys
    from core.tests.push_helpers import LocalPushService

    keys = generate_keys()
    settings.VAPID_PRIVATE_KEY, settings.VAPID_PUBLIC_KEY = keys.private_key, keys.public_key
    settings.PUSH_ALLOW_PRIVATE_ENDPOINTS = True  # the local service is on 127.0.0.1
    with LocalPushService() as running:
        yield running


def test_a_note_posted_with_a_request_id_is_pushed_under_that_id(
    client, personas, captured, push_service
):
    import uuid

    from core.models import PushSubscription
    from core.push.delivery import deliver_due
    from core.tests.push_helpers import Reply

    # Sarah's phone refuses the message outright, so the worker writes a line about the send.
    phone = push_service.device("sarah", Reply(status=400))
    PushSubscription.objects.create(
        user=personas.family, endpoint=phone.endpoint, p256dh=phone.p256dh, auth=phone.auth
    )
    client.force_login(personas.carer)
    response = client.post(
        f"/api/v1/people/{personas.person.pk}/notes",
        {
            "kind": "moment",
            "body": "Sweet peas",
            "audience": "circle",
            "client_key": str(uuid.uuid4()),
        },
        content_type="application/json",
        headers={"X-Request-ID": NGINX_ID},
    )
    assert response.status_code == 201, response.content
    structlog.contextvars.clear_contextvars()  # the worker is another process
    stream = captured("json")
    with structlog.contextvars.bound_contextvars(job="push_worker", request_id="the-workers-own"):
        report = deliver_due()
        # Once the job is done, the worker's lines are its own again.
        assert structlog.contextvars.get_contextvars()["request_id"] == "the-workers-own"
    assert report.failed == 1
    lines = _lines(stream)
    worked_out = next(line for line in lines if line["event"].startswith("push news"))
    assert worked_out == {**worked_out, "request_id": NGINX_ID, "job": "push_news"}
    assert worked_out["event"].endswith(": 1 messages queued")
    refused = next(line for line in lines if line["level"] == "warning")
    assert refused == {**refused, "request_id": NGINX_ID, "job": "push_worker"}
    assert refused["event"].endswith("failed: 400 Bad Request")


def test_news_nobody_asked_for_is_worked_out_under_an_id_of_its_own(personas, captured):
    from core.audience import Audience
    from core.push.services import push_news_expand, push_notify_later

    structlog.contextvars.clear_contextvars()  # written by a job outside any request
    push_notify_later(
        person_id=personas.person.pk,
        kind="note",
        audience=Audience.CIRCLE,
        title="New note about Jean",
        body="",
        url="/",
    )
    stream = captured("json")
    push_news_expand()
    [line] = [line for line in _lines(stream) if line["event"].startswith("push news")]
    assert len(line["request_id"]) == 32


def test_a_copy_asked_for_with_a_request_id_is_built_under_that_id(
    client, personas, captured, monkeypatch
):
    from families.services import export

    def broken(person, reader):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(export, "build_zip", broken)
    client.force_login(personas.carer)  # Jean's coordinator
    response = client.post(
        f"/people/{personas.person.pk}/copy/", headers={"X-Request-ID": NGINX_ID}
    )
    assert response.status_code == 302
    structlog.contextvars.clear_contextvars()
    stream = captured("json")
    assert export.record_exports_build_waiting() == 1
    line = next(line for line in _lines(stream) if line["level"] == "error")
    assert line == {**line, "request_id": NGINX_ID, "job": "export"}

"""Error reports (Sentry, when SENTRY_DSN is set) say where Kith failed, never what anyone
wrote, who they are, or a secret from the address."""

import json

import pytest
import sentry_sdk
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import path
from sentry_sdk.envelope import Envelope
from sentry_sdk.transport import Transport

from core import error_reports

# Joined at run time: a report carries source lines, and these must be found only if sent.
NOTE = " ".join(["Jean", "fell", "in", "the", "kitchen"])
EMAIL = "@".join(["sarah", "example.com"])
SECRETS = [
    NOTE,
    EMAIL,
    *("-".join([word, "secret"]) for word in ("session", "reset", "api", "next")),
]


def _failing_view(request: HttpRequest, token: str) -> HttpResponse:
    raise ValueError(f"could not save {request.POST.get('text')} for {EMAIL}")


urlpatterns = [path("failing/<str:token>/", _failing_view, name="failing")]


class _Kept(Transport):
    def __init__(self) -> None:
        super().__init__()
        self.sent: list[Envelope] = []

    def capture_envelope(self, envelope: Envelope) -> None:
        self.sent.append(envelope)


@pytest.mark.urls("core.tests.test_error_reports")
def test_a_failing_request_is_reported_without_words_names_or_secrets(db, settings):
    settings.DEBUG_PROPAGATE_EXCEPTIONS = False
    transport = _Kept()
    error_reports.start(dsn="https://key@errors.invalid/1", environment="test", transport=transport)
    try:
        client = Client(raise_request_exception=False)
        client.cookies["sessionid"] = SECRETS[2]
        answer = client.post(
            f"/failing/{SECRETS[3]}/?next=/{SECRETS[5]}/",
            {"text": NOTE},
            HTTP_AUTHORIZATION=f"Bearer {SECRETS[4]}",
        )
        sentry_sdk.flush()
    finally:
        sentry_sdk.init()
    assert answer.status_code == 500
    events = [
        item.payload.json
        for envelope in transport.sent
        for item in envelope.items
        if item.type == "event"
    ]
    assert len(events) == 1
    sent = json.dumps(events[0])
    assert "ValueError" in sent and "_failing_view" in sent  # where it failed
    for secret in SECRETS:
        assert secret not in sent

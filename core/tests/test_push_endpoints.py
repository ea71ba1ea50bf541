"""The worker posts only to push services on the internet: by spelling when a device
subscribes, and by the addresses a name resolves to when each message is sent.

No test here looks a name up: a fake resolver answers, and nothing is dialled but 127.0.0.1.
"""

import asyncio
import os
import socket

import pytest
from aiohttp.abc import AbstractResolver
from django.core.exceptions import ValidationError

from core.models import PushMessage, PushSubscription
from core.push.delivery import Deliverer, deliver_due
from core.push.endpoints import endpoint_problem, public_address
from core.push.resolver import PublicOnlyResolver
from core.push.services import push_subscribe
from core.tests.test_deploy_settings import PRODUCTION, _manage
from core.tests.test_push_delivery import notify
from core.tests.test_push_services import VALID_AUTH, VALID_P256DH

PUBLIC = "93.184.216.34"


class FakeResolver(AbstractResolver):
    """Knows a few names; anything else does not resolve. Never touches the network."""

    def __init__(self, names: dict[str, list[str]]) -> None:
        self.names = names
        self.asked: list[str] = []

    async def resolve(self, host, port=0, family=socket.AF_INET):
        self.asked.append(host)
        if host not in self.names:
            raise OSError(f"{host} does not resolve")
        return [
            {
                "hostname": host,
                "host": address,
                "port": port,
                "family": socket.AF_INET6 if ":" in address else socket.AF_INET,
                "proto": 0,
                "flags": 0,
            }
            for address in self.names[host]
        ]

    async def close(self) -> None:
        pass


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://db.internal./push/abc",  # the trailing dot
        "https://push.example.org./abc",
        "https://localhost.localdomain/abc",
        "https://10.0.0.1.nip.io/abc",
        "https://127.0.0.1.sslip.io/abc",
        "https://push.example.org:8443/abc",  # any port but 443
        "https://push.example.org:80/abc",
        "https://push.example.org:0/abc",
        "https://user:secret@push.example.org/abc",
        "https://169.254.169.254/latest/meta-data",
        "https://[::ffff:127.0.0.1]/abc",
        "https://[fe80::1]/abc",
        "https://0x7f000001/abc",
        "https://2130706433/abc",
        "https://push..example.org/abc",
        "https://router.home.arpa/abc",
        "https://printer.lan/abc",
        "http://push.example.org/abc",
    ],
)
def test_a_device_cannot_subscribe_an_address_that_only_looks_public(personas, endpoint):
    with pytest.raises(ValidationError) as refused:
        push_subscribe(user=personas.carer, endpoint=endpoint, p256dh=VALID_P256DH, auth=VALID_AUTH)
    assert set(refused.value.message_dict) == {"endpoint"}
    assert not PushSubscription.objects.exists()


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://fcm.googleapis.com/fcm/send/abc",
        "https://updates.push.services.mozilla.com/wpush/v2/abc",
        "https://web.push.apple.com:443/abc",
    ],
)
def test_the_push_services_browsers_use_are_accepted(endpoint):
    assert endpoint_problem(endpoint) is None


@pytest.mark.parametrize(
    ("address", "public"),
    [
        (PUBLIC, True),
        ("2606:2800:220:1:248:1893:25c8:1946", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),  # shared address space
        ("0.0.0.0", False),  # noqa: S104 - an address checked, not bound
        ("224.0.0.1", False),
        ("240.0.0.1", False),  # reserved
        ("::1", False),
        ("fe80::1%eth0", False),
        ("fd00::1", False),
        ("::ffff:127.0.0.1", False),
        ("::ffff:10.0.0.1", False),
        ("not an address", False),
    ],
)
def test_only_addresses_on_the_internet_count_as_public(address, public):
    assert public_address(address) is public


def _resolve(resolver: AbstractResolver, host: str) -> list[str]:
    return [entry["host"] for entry in asyncio.run(resolver.resolve(host, 443))]


def test_the_resolver_drops_private_answers_and_keeps_public_ones():
    fake = FakeResolver({"push.example.org": ["10.0.0.7", PUBLIC, "127.0.0.1", "fe80::1"]})
    assert _resolve(PublicOnlyResolver(fake), "push.example.org") == [PUBLIC]


@pytest.mark.parametrize(
    "answers",
    [["127.0.0.1"], ["10.0.0.5", "192.168.0.9"], ["169.254.169.254"], ["::1"], ["fd00::5"]],
)
def test_a_name_that_resolves_only_to_private_addresses_is_refused(answers):
    fake = FakeResolver({"rebound.example.org": answers})
    with pytest.raises(OSError, match="not on the internet"):
        _resolve(PublicOnlyResolver(fake), "rebound.example.org")


def test_tests_may_allow_a_push_service_on_this_machine(settings):
    settings.PUSH_ALLOW_PRIVATE_ENDPOINTS = True
    fake = FakeResolver({"push.test": ["127.0.0.1"]})
    assert _resolve(PublicOnlyResolver(fake), "push.test") == ["127.0.0.1"]
    assert endpoint_problem("http://127.0.0.1:8123/push/sarah") is None


def test_the_worker_never_dials_a_name_that_now_points_inside(personas):
    """Saved when it looked public; by the time of sending it resolves to this machine."""
    fake = FakeResolver({"push.example.org": ["127.0.0.1"]})
    PushSubscription.objects.create(
        user=personas.family,
        endpoint="https://push.example.org/push/sarah",
        p256dh=VALID_P256DH,
        auth=VALID_AUTH,
    )
    notify(personas)
    deliverer = Deliverer(concurrency=1, timeout=1, resolver=fake)
    try:
        deliverer.run(until_idle=True)
    finally:
        deliverer.close()
    assert fake.asked == ["push.example.org"]
    # Refused before any connection: dialling 127.0.0.1:443 would fail as ClientConnectorError.
    message = PushMessage.objects.get()
    assert message.last_error == "could not reach the push service (ClientConnectorDNSError)"


def test_the_worker_never_sends_to_an_address_spelt_out(personas, settings):
    """A row made before the check (or without a browser) is refused at the moment of sending."""
    closed_port = socket.create_server(("127.0.0.1", 0))
    port = closed_port.getsockname()[1]
    closed_port.close()
    subscription = PushSubscription.objects.create(
        user=personas.family,
        endpoint=f"https://127.0.0.1:{port}/push/sarah",
        p256dh=VALID_P256DH,
        auth=VALID_AUTH,
    )
    assert subscription.pk
    notify(personas)
    deliver_due(timeout=1)
    message = PushMessage.objects.get()
    assert message.status == PushMessage.Status.FAILED
    assert message.last_error == "not a push service on the internet"


def test_production_settings_refuse_private_push_endpoints(tmp_path):
    result = _manage(
        "check", KITH_VAR_DIR=str(tmp_path), PUSH_ALLOW_PRIVATE_ENDPOINTS="true", **PRODUCTION
    )
    assert result.returncode != 0
    assert "PUSH_ALLOW_PRIVATE_ENDPOINTS is for tests only" in result.stderr


def test_a_web_process_never_loads_the_push_workers_http_client():
    """Checking a subscription's spelling must not load aiohttp: a few megabytes a process."""
    import subprocess
    import sys

    found = subprocess.run(
        [sys.executable, "-c", "import sys, core.asgi; print('aiohttp' in sys.modules)"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "core.settings"},
    )
    assert found.stdout.strip().splitlines()[-1] == "False"

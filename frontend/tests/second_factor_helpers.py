"""What the second-factor tests share: an account with a password, codes from its app."""

import re
import time

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

PASSWORD = "a-long-password-1"
RECOVERY_CODE = re.compile(r'class="recovery-code">([a-z0-9-]+)<')


class Clock:
    """The clock the app and Kith read codes by, stopped, and moved on by hand: each code is
    accepted once, so a test that needs another one waits a step, whatever time it runs."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.now = 1_900_000_000.0  # a fixed moment: the same codes on every run
        monkeypatch.setattr(time, "time", lambda: self.now)

    def next_code(self) -> None:
        self.now += 30


@pytest.fixture
def clock(monkeypatch) -> Clock:
    return Clock(monkeypatch)


def code_of(device: TOTPDevice) -> str:
    """The code the app shows now."""
    device.refresh_from_db()
    app = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    app.time = time.time()
    return f"{app.token():06d}"


def wrong_code(device: TOTPDevice) -> str:
    return f"{(int(code_of(device)) + 1) % 1_000_000:06d}"


def unthrottle(device: TOTPDevice) -> None:
    """A wrong code slows the device down for a moment; the next step of a test need not wait."""
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=0, throttling_failure_timestamp=None
    )


def device_for(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="app", confirmed=True)


def give_password(client: Client, user):
    return client.post(reverse("login"), {"username": user.email, "password": PASSWORD})


def signed_in(client: Client) -> bool:
    return client.get("/api/v1/me").status_code == 200


def recovery_codes_in(response) -> list[str]:
    return RECOVERY_CODE.findall(response.content.decode())

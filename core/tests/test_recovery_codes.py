"""Recovery codes: single use even when sent twice at once, typed any way, keyed to the site."""

import threading
import time

import pytest
from django.db import connection
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from core import recovery_codes, second_factor


@pytest.fixture
def codes(personas, monkeypatch) -> list[str]:
    """Angela turns on an app (the clock stopped, so its code is the same on every run)."""
    monkeypatch.setattr(time, "time", lambda: 1_900_000_000.0)
    device = TOTPDevice.objects.create(user=personas.carer, name="app", confirmed=False)
    app = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    app.time = time.time()
    enrolled = second_factor.device_enrol(user=personas.carer, code=f"{app.token():06d}")
    assert enrolled is not None
    return enrolled.recovery_codes


def test_a_code_is_accepted_however_it_is_typed(personas, codes):
    plain = codes[0].replace("-", "")
    fullwidth = "".join(chr(ord(sign) + 0xFEE0) for sign in plain)
    for typed in (codes[1].upper(), f"  {codes[2][:5]} {codes[2][6:]} ", fullwidth):
        assert recovery_codes.use(user=personas.carer, code=typed), typed


def test_nonsense_is_refused_without_a_500(personas, codes):
    for typed in ("", "-----", "x" * 40, "\x00" * 10, "\uff58" * 10, "123456"):
        assert not recovery_codes.use(user=personas.carer, code=typed)
    assert recovery_codes.left(personas.carer) == len(codes)


def test_the_hash_is_keyed_to_the_site(personas, codes, settings):
    # A copy of the database without the site's key cannot test guesses against the hashes.
    old_key = settings.SECRET_KEY
    settings.SECRET_KEY = "another site's key entirely, long enough to be one"
    settings.SECRET_KEY_FALLBACKS = []
    assert not recovery_codes.use(user=personas.carer, code=codes[0])
    assert recovery_codes.left(personas.carer) == recovery_codes.COUNT
    # A site that changes its key and keeps the old one as a fallback keeps its codes working.
    settings.SECRET_KEY_FALLBACKS = [old_key]
    assert recovery_codes.use(user=personas.carer, code=codes[0])


def test_a_second_app_cannot_be_enrolled_over_the_first(personas, codes):
    planted = TOTPDevice.objects.create(user=personas.carer, name="theirs", confirmed=False)
    app = TOTP(planted.bin_key, planted.step, planted.t0, planted.digits, planted.drift)
    app.time = time.time()
    assert second_factor.device_enrol(user=personas.carer, code=f"{app.token():06d}") is None
    assert not TOTPDevice.objects.get(pk=planted.pk).confirmed


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", range(3))
def test_the_same_code_sent_twice_at_once_signs_in_once(personas, codes, attempt):
    barrier = threading.Barrier(2)
    results: list[bool] = []

    def use() -> None:
        try:
            barrier.wait(timeout=10)
            results.append(recovery_codes.use(user=personas.carer, code=codes[0]))
        finally:
            connection.close()

    threads = [threading.Thread(target=use) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results) == [False, True]

"""VAPID keys: the command that makes them, how settings find them, and signing reuse."""

import io
import stat

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from py_vapid import Vapid

from core.push.vapid import (
    VapidSigner,
    b64url_decode,
    generate_keys,
    keys_from_environment,
    keys_from_private,
)


def test_the_command_prints_environment_lines_for_a_working_key_pair():
    out = io.StringIO()
    call_command("generate_vapid_keys", "--subject", "mailto:ops@kith.example", stdout=out)
    lines = dict(line.split("=", 1) for line in out.getvalue().splitlines())
    assert set(lines) == {"VAPID_PUBLIC_KEY", "VAPID_PRIVATE_KEY", "VAPID_SUBJECT"}
    assert lines["VAPID_SUBJECT"] == "mailto:ops@kith.example"
    public = b64url_decode(lines["VAPID_PUBLIC_KEY"])
    assert len(public) == 65
    ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), public)
    assert keys_from_private(lines["VAPID_PRIVATE_KEY"]).public_key == lines["VAPID_PUBLIC_KEY"]


def test_each_run_makes_a_new_pair():
    first, second = io.StringIO(), io.StringIO()
    call_command("generate_vapid_keys", stdout=first)
    call_command("generate_vapid_keys", stdout=second)
    assert first.getvalue() != second.getvalue()


def test_the_command_refuses_a_subject_push_services_would_refuse():
    with pytest.raises(CommandError):
        call_command("generate_vapid_keys", "--subject", "ops@kith.example", stdout=io.StringIO())


def test_settings_take_the_keys_from_the_environment(tmp_path):
    made = generate_keys()
    found = keys_from_environment(
        private_key=made.private_key, public_key=made.public_key, var_dir=tmp_path
    )
    assert found == made
    assert list(tmp_path.iterdir()) == []  # nothing is written when production gives keys


def test_the_public_key_may_be_left_out_of_the_environment(tmp_path):
    made = generate_keys()
    found = keys_from_environment(private_key=made.private_key, public_key="", var_dir=tmp_path)
    assert found.public_key == made.public_key


@pytest.mark.parametrize(
    ("private", "public"),
    [
        ("", "BAAA"),  # half a pair
        ("not-a-key", ""),
        ("AAAA", ""),  # base64url, but not 32 bytes
    ],
)
def test_a_broken_environment_stops_the_start(tmp_path, private, public):
    with pytest.raises(ImproperlyConfigured):
        keys_from_environment(private_key=private, public_key=public, var_dir=tmp_path)


def test_a_public_key_from_another_pair_stops_the_start(tmp_path):
    with pytest.raises(ImproperlyConfigured, match="does not belong"):
        keys_from_environment(
            private_key=generate_keys().private_key,
            public_key=generate_keys().public_key,
            var_dir=tmp_path,
        )


def test_the_embedded_default_keeps_one_pair_in_var(tmp_path):
    first = keys_from_environment(private_key="", public_key="", var_dir=tmp_path)
    again = keys_from_environment(private_key="", public_key="", var_dir=tmp_path)
    # A new key on every start would orphan every phone that subscribed.
    assert first == again
    kept = tmp_path / "vapid_private.pem"
    assert kept.read_text().startswith("-----BEGIN PRIVATE KEY-----")
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600


def test_a_signed_header_is_reused_for_the_same_push_service_until_near_expiry():
    keys = generate_keys()
    signer = VapidSigner(private_key=keys.private_key, subject="mailto:ops@kith.example")
    first = signer.headers_for("https://fcm.googleapis.com/fcm/send/a", now=1_000_000)
    same_service = signer.headers_for("https://fcm.googleapis.com/fcm/send/b", now=1_000_100)
    other_service = signer.headers_for("https://web.push.apple.com/x", now=1_000_100)
    assert same_service == first
    assert other_service != first
    renewed = signer.headers_for(
        "https://fcm.googleapis.com/fcm/send/a",
        now=1_000_000 + VapidSigner.LIFETIME - VapidSigner.RENEW_BEFORE + 1,
    )
    assert renewed != first
    assert Vapid.verify(renewed["Authorization"])

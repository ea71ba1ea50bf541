"""VAPID: the key pair that proves to push services that notifications come from this Kith.

Keys travel as base64url text, the form browsers take: the private key as its 32-byte
number, the public key as the 65-byte uncompressed P-256 point. Production reads both from
the environment; the embedded default keeps a key pair in var/ so subscriptions survive
restarts (a new key would silently orphan every phone that subscribed).
"""

from __future__ import annotations

import base64
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.core.exceptions import ImproperlyConfigured
from py_vapid import Vapid


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


_B64URL = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def b64url_decode(text: str) -> bytes:
    """Decode base64url with or without padding; raises ValueError on anything else."""
    bare = text.strip().rstrip("=")
    if not bare or any(c not in _B64URL for c in bare) or len(bare) % 4 == 1:
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(bare + "=" * (-len(bare) % 4))


@dataclass(frozen=True)
class VapidKeys:
    private_key: str  # base64url of the 32-byte private number
    public_key: str  # base64url of the 65-byte uncompressed point


def _keys_of(private: ec.EllipticCurvePrivateKey) -> VapidKeys:
    number = private.private_numbers().private_value.to_bytes(32, "big")
    point = private.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return VapidKeys(private_key=b64url_encode(number), public_key=b64url_encode(point))


def generate_keys() -> VapidKeys:
    return _keys_of(ec.generate_private_key(ec.SECP256R1()))


def private_key_from_text(text: str) -> ec.EllipticCurvePrivateKey:
    """A private key given as raw base64url (what generate_vapid_keys prints) or as PEM."""
    if "-----BEGIN" in text:
        key = serialization.load_pem_private_key(text.encode(), password=None)
        if not isinstance(key, ec.EllipticCurvePrivateKey) or key.curve.name != "secp256r1":
            raise ValueError("not a P-256 private key")
        return key
    raw = b64url_decode(text)
    if len(raw) != 32:
        raise ValueError("a VAPID private key is 32 bytes")
    return ec.derive_private_key(int.from_bytes(raw, "big"), ec.SECP256R1())


def keys_from_private(text: str) -> VapidKeys:
    return _keys_of(private_key_from_text(text))


def keys_from_file(path: Path) -> VapidKeys:
    """The key pair kept at path, made (readable by the owner only) the first time."""
    if not path.exists():
        private = ec.generate_private_key(ec.SECP256R1())
        pem = private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        path.write_bytes(pem)
        path.chmod(0o600)
    return keys_from_private(path.read_text())


def keys_from_environment(*, private_key: str, public_key: str, var_dir: Path) -> VapidKeys:
    """The settings' key pair: from the environment when given, else kept in var/."""
    if not private_key:
        if public_key:
            raise ImproperlyConfigured("VAPID_PUBLIC_KEY is set but VAPID_PRIVATE_KEY is not")
        return keys_from_file(var_dir / "vapid_private.pem")
    try:
        keys = keys_from_private(private_key)
    except ValueError:
        raise ImproperlyConfigured(
            "VAPID_PRIVATE_KEY must be a base64url P-256 private key: "
            "run manage.py generate_vapid_keys"
        ) from None
    if public_key and public_key.strip().rstrip("=") != keys.public_key:
        raise ImproperlyConfigured("VAPID_PUBLIC_KEY does not belong to VAPID_PRIVATE_KEY")
    return keys


def audience_of(endpoint: str) -> str:
    """The JWT audience for an endpoint: its scheme, host and port."""
    parts = urlsplit(endpoint)
    return f"{parts.scheme}://{parts.netloc}"


class VapidSigner:
    """Signs the Authorization header once per push service and reuses it until near expiry.

    Signing is the dearest step of a send; a push service sees the same token for hours
    anyway, so there is nothing to gain from a fresh one per message.
    """

    LIFETIME = 12 * 60 * 60  # push services refuse tokens valid for more than 24 hours
    RENEW_BEFORE = 60 * 60

    def __init__(self, *, private_key: str, subject: str) -> None:
        self._vapid = Vapid.from_raw(keys_from_private(private_key).private_key.encode())
        self._subject = subject
        self._cache: dict[str, tuple[dict[str, str], int]] = {}
        self._lock = threading.Lock()

    def headers_for(self, endpoint: str, *, now: float | None = None) -> dict[str, str]:
        audience = audience_of(endpoint)
        moment = int(now if now is not None else time.time())
        with self._lock:
            cached = self._cache.get(audience)
            if cached is not None and cached[1] - moment > self.RENEW_BEFORE:
                return dict(cached[0])
            expires = moment + self.LIFETIME
            headers = self._vapid.sign({"aud": audience, "exp": expires, "sub": self._subject})
            self._cache[audience] = (headers, expires)
            return dict(headers)

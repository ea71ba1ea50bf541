"""A local push service for tests and the benchmark: a real HTTP server on 127.0.0.1.

It plays the part of a browser maker's push service and of the phone behind it. Each device
has a real P-256 key pair and auth secret, so a request can be decrypted with http_ece
exactly as a phone would, and its VAPID token checked as a push service would.
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class Reply:
    """How the service answers one request: a status, headers, and an optional delay."""

    status: int = 201
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


@dataclass
class Device:
    """A phone that subscribed: its keys, as the browser would hand them over."""

    name: str
    endpoint: str
    private_key: ec.EllipticCurvePrivateKey
    auth_secret: bytes

    @property
    def p256dh(self) -> str:
        point = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return b64url(point)

    @property
    def auth(self) -> str:
        return b64url(self.auth_secret)


@dataclass
class Received:
    device: str
    headers: dict[str, str]  # names in lower case
    body: bytes
    at: float  # time.monotonic() when the request arrived


class LocalPushService:
    """Start with ``with LocalPushService() as service:``; it stops when the block ends."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.devices: dict[str, Device] = {}
        self._replies: dict[str, deque[Reply]] = {}
        self._lock = threading.Lock()
        self._release = threading.Event()  # wakes slow handlers when the service stops
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def origin(self) -> str:
        host, port = self._server.server_address[:2]
        assert isinstance(host, str)  # an IPv4 server: a name, not bytes
        return f"http://{host}:{port}"

    def __enter__(self) -> LocalPushService:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._release.set()
        self._server.shutdown()
        self._server.server_close()

    def device(self, name: str, *replies: Reply) -> Device:
        """A new device; it answers with these replies in turn, the last one from then on."""
        made = Device(
            name=name,
            endpoint=f"{self.origin}/push/{name}",
            private_key=ec.generate_private_key(ec.SECP256R1()),
            auth_secret=secrets.token_bytes(16),
        )
        with self._lock:
            self.devices[name] = made
            self._replies[name] = deque(replies or [Reply()])
        return made

    def answer(self, name: str, *replies: Reply) -> None:
        with self._lock:
            self._replies[name] = deque(replies)

    def for_device(self, name: str) -> list[Received]:
        with self._lock:
            return [r for r in self.received if r.device == name]

    def _next_reply(self, name: str) -> Reply:
        with self._lock:
            queue = self._replies.get(name)
            if not queue:
                return Reply(status=404)
            return queue.popleft() if len(queue) > 1 else queue[0]

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        service = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                name = self.path.rsplit("/", 1)[-1]
                with service._lock:
                    service.received.append(
                        Received(
                            name,
                            {k.lower(): v for k, v in self.headers.items()},
                            body,
                            time.monotonic(),
                        )
                    )
                reply = service._next_reply(name)
                if reply.delay:
                    service._release.wait(reply.delay)
                try:
                    self.send_response(reply.status)
                    for key, value in reply.headers.items():
                        self.send_header(key, value)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                except OSError:
                    pass  # the sender gave up waiting, as it should

            def log_message(self, format: str, *args: object) -> None:
                pass

        return Handler

    # What a phone and a push service would check ------------------------------------------

    def decrypt(self, received: Received) -> dict[str, object]:
        """Decrypt a request body as the phone would, with its own private key."""
        assert received.headers.get("content-encoding") == "aes128gcm"
        device = self.devices[received.device]
        plain = http_ece.decrypt(
            received.body,
            private_key=device.private_key,
            auth_secret=device.auth_secret,
            version="aes128gcm",
        )
        return json.loads(plain)

    def vapid_claims(self, received: Received, *, public_key: str) -> dict[str, object]:
        """Check the VAPID token as a push service would; return its claims if it holds.

        The token must be signed (ES256) by the key the browser subscribed with, name this
        service as its audience, and expire in the future but within a day.
        """
        scheme, _, params = received.headers["authorization"].partition(" ")
        assert scheme == "vapid"
        parts = dict(item.split("=", 1) for item in params.split(","))
        assert parts["k"] == public_key, "signed with a key the browser was not given"
        header_b64, claims_b64, signature_b64 = parts["t"].split(".")
        header = json.loads(unb64url(header_b64))
        assert header == {"typ": "JWT", "alg": "ES256"}
        signature = unb64url(signature_b64)
        assert len(signature) == 64
        der = encode_dss_signature(
            int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
        )
        verifier = ec.EllipticCurvePublicKey.from_encoded_point(
            ec.SECP256R1(), unb64url(public_key)
        )
        try:
            verifier.verify(der, f"{header_b64}.{claims_b64}".encode(), ec.ECDSA(hashes.SHA256()))
        except InvalidSignature:
            raise AssertionError("the VAPID signature does not verify") from None
        claims = json.loads(unb64url(claims_b64))
        assert claims["aud"] == self.origin
        assert time.time() < claims["exp"] <= time.time() + 24 * 60 * 60
        return claims

"""Sockets are opened only by Kith's own pages: the whole Origin must be the site's own.

Channels' ``AllowedHostsOriginValidator`` compares host names only, so ``http://kith.example``
or ``https://kith.example:8443`` (another scheme or port: another origin, another program)
would pass. This compares scheme, host and port, exactly as Django's CSRF check does for a
form: the origin the request itself was made to, or one named in ``CSRF_TRUSTED_ORIGINS``.
"""

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from asgiref.typing import ASGIReceiveCallable, ASGISendCallable
from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.http.request import split_domain_port, validate_host

if TYPE_CHECKING:
    from channels.consumer import _ChannelScope

DEFAULT_PORTS = {"http": 80, "https": 443}


def normalise_origin(origin: str) -> str | None:
    """``scheme://host[:port]`` in one spelling (lower case, default port left out)."""
    try:
        parts = urlsplit(origin)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if scheme not in DEFAULT_PORTS or not host or parts.path or parts.query or parts.username:
        return None
    if ":" in host:
        host = f"[{host}]"
    if port is None or port == DEFAULT_PORTS[scheme]:
        return f"{scheme}://{host}"
    return f"{scheme}://{host}:{port}"


def _header(scope: Mapping[str, Any], name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin1")
    return ""


def _is_secure(scope: Mapping[str, Any]) -> bool:
    # Behind the proxy that ends TLS, as Django itself decides request.is_secure().
    proxy = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    if proxy:
        meta_name, secure_value = proxy
        header = meta_name.removeprefix("HTTP_").lower().replace("_", "-").encode()
        return _header(scope, header).split(",")[0].strip() == secure_value
    return scope.get("scheme") in ("wss", "https")


def _allowed_hosts() -> list[str]:
    allowed = list(settings.ALLOWED_HOSTS)
    if settings.DEBUG and not allowed:
        allowed = [".localhost", "127.0.0.1", "[::1]"]
    return allowed


def origin_allowed(scope: Mapping[str, Any]) -> bool:
    origin = normalise_origin(_header(scope, b"origin"))
    host = _header(scope, b"host").lower()
    domain, _port = split_domain_port(host)
    if origin is None or not domain or not validate_host(domain, _allowed_hosts()):
        return False
    own = normalise_origin(f"{'https' if _is_secure(scope) else 'http'}://{host}")
    trusted = {normalise_origin(o) for o in settings.CSRF_TRUSTED_ORIGINS}
    return origin == own or origin in trusted


class SameOriginValidator:
    """ASGI middleware: refuse a socket whose Origin is not the site's own, before anything."""

    # Whatever channels' middleware stack hands over (typed loosely by channels itself).
    def __init__(self, application: Any) -> None:
        self.application = application

    async def __call__(
        self, scope: "_ChannelScope", receive: ASGIReceiveCallable, send: ASGISendCallable
    ) -> None:
        if scope["type"] == "websocket" and not origin_allowed(scope):
            return await WebsocketDenier()(scope, receive, send)
        return await self.application(scope, receive, send)

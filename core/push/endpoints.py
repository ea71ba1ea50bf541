"""Where the push worker may send: a push service on the public internet, over https on 443.

The worker posts from inside our network to an address a browser handed over, so a
subscription must never name ourselves, a neighbour's machine or the cloud's metadata
service. Checked twice: by its spelling when it is saved (``endpoint_problem``), and by the
addresses its name resolves to at the moment of sending (``core.push.resolver``), since a
name that looked public when saved can be pointed at 127.0.0.1 tomorrow.

Tests run a push service on 127.0.0.1; they set ``PUSH_ALLOW_PRIVATE_ENDPOINTS``, which
settings refuse behind HTTPS (every real deployment).
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

ENDPOINT_MAX_LENGTH = 1000
# Names that never reach the public internet, and services whose names are any address
# spelt out (10.0.0.1.nip.io is 10.0.0.1). Resolution at send time catches the rest.
PRIVATE_SUFFIXES = (
    ".localhost",
    ".localdomain",
    ".local",
    ".internal",
    ".intranet",
    ".lan",
    ".home",
    ".corp",
    ".private",
    ".arpa",
    ".test",
    ".example",
    ".invalid",
    ".onion",
    ".nip.io",
    ".sslip.io",
    ".xip.io",
    ".localtest.me",
    ".lvh.me",
)


def private_endpoints_allowed() -> bool:
    return bool(getattr(settings, "PUSH_ALLOW_PRIVATE_ENDPOINTS", False))


def public_address(address: str) -> bool:
    """True only for an address on the public internet (not private, loopback, link-local…)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def endpoint_problem(endpoint: str) -> str | None:
    """Why ``endpoint`` is not a push service we may post to, or None if it is one."""
    if len(endpoint) > ENDPOINT_MAX_LENGTH:
        return _("This address is too long.")
    schemes = ["https", "http"] if private_endpoints_allowed() else ["https"]
    try:
        URLValidator(schemes=schemes)(endpoint)
        parts = urlsplit(endpoint)
        port = parts.port
    except (ValidationError, ValueError):
        return _("This must be the https:// address the browser gave.")
    if private_endpoints_allowed():
        return None
    host = (parts.hostname or "").lower()
    if port not in (None, 443) or parts.username or parts.password:
        return _("This is not a push service address.")
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        # Push services are reached by name; an address spelt out is never one.
        return _("This is not a push service address.")
    labels = host.split(".")
    if (
        len(labels) < 2
        or "" in labels  # "db.internal." (the trailing dot) or "a..b"
        or host == "localhost"
        or f".{host}".endswith(PRIVATE_SUFFIXES)
    ):
        return _("This is not a push service address.")
    return None

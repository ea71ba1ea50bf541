"""The baseline for bench/fanout_bench.py: Channels over Redis with nothing of Kith's own.

One AsyncWebsocketConsumer joins a group and forwards what the group hears; one HTTP endpoint,
POST /send?marker=<text>&size=<bytes>, group_sends a fragment of that size to both groups.
Viewers choose a group with ?audience=team or ?audience=circle, so the groups are split as on
a Kith page, and each send costs two group_sends, as a note shared with the circle does.

Served by daphne: `daphne -b 127.0.0.1 -p <port> bench.bare_app:application`, with REDIS_URL
and BARE_CHANNELS_PREFIX (a prefix of its own, so it never hears Kith's groups) in the
environment.
"""

from __future__ import annotations

import os
import secrets
from typing import Any
from urllib.parse import parse_qs

import django
from django.conf import settings

settings.configure(
    DEBUG=False,
    SECRET_KEY=secrets.token_urlsafe(50),
    ALLOWED_HOSTS=["127.0.0.1"],
    INSTALLED_APPS=["channels"],
    CHANNEL_LAYERS={
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")],
                "prefix": os.environ.get("BARE_CHANNELS_PREFIX", "bare-bench"),
            },
        }
    },
)
django.setup()

from channels.generic.websocket import AsyncWebsocketConsumer  # noqa: E402
from channels.layers import get_channel_layer  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.urls import path  # noqa: E402

GROUPS = ("bare-circle", "bare-team")
MAX_SIZE = 64 * 1024


def _query(scope: dict[str, Any]) -> dict[str, str]:
    parsed = parse_qs(scope.get("query_string", b"").decode())
    return {key: values[0] for key, values in parsed.items()}


class Viewer(AsyncWebsocketConsumer):
    group: str = ""

    async def connect(self) -> None:
        audience = _query(self.scope).get("audience", "team")
        self.group = "bare-circle" if audience == "circle" else "bare-team"
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        if self.group:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def event_message(self, event: dict[str, Any]) -> None:
        await self.send(text_data=event["html"])


def fragment(marker: str, size: int) -> str:
    """An HTML fragment of about size characters carrying the marker."""
    head = f'<article id="bare-{marker}" hx-swap-oob="outerHTML"><p>{marker}</p>'
    tail = "</article>"
    padding = max(0, min(size, MAX_SIZE) - len(head) - len(tail))
    return head + "<p>" + "x" * max(0, padding - 7) + "</p>" + tail


async def _answer(send: Any, status: int) -> None:
    await send({"type": "http.response.start", "status": status, "headers": []})
    await send({"type": "http.response.body", "body": b""})


async def http_app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    more = True
    while more:  # the body is not used, but must be read
        message = await receive()
        more = message.get("more_body", False)
    if scope["method"] != "POST" or scope["path"] != "/send":
        await _answer(send, 404)
        return
    query = _query(scope)
    marker = query.get("marker", "")
    try:
        size = int(query.get("size", "0"))
    except ValueError:
        size = 0
    html = fragment(marker, size)
    layer = get_channel_layer()
    for group in GROUPS:
        await layer.group_send(group, {"type": "event.message", "html": html})
    await _answer(send, 204)


application = ProtocolTypeRouter(
    {"http": http_app, "websocket": URLRouter([path("ws/", Viewer.as_asgi())])}
)

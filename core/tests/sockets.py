"""Helpers for socket tests: a signed-in WebsocketCommunicator in one call, what was sent."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, overload
from unittest.mock import patch

from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from core.asgi import application
from core.models import Event, User

ORIGIN = b"http://localhost"


def _session_cookie(user: User) -> tuple[bytes, str]:
    client = Client()
    client.force_login(user)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    return f"{settings.SESSION_COOKIE_NAME}={key}".encode(), key


@overload
async def connect(
    user: User, path: str, *, after: int | None = None, origin: bytes = ORIGIN
) -> tuple[WebsocketCommunicator, bool, int | str | None, str]: ...
@overload
async def connect(
    user: None, path: str, *, after: int | None = None, origin: bytes = ORIGIN
) -> tuple[WebsocketCommunicator, bool, int | str | None, None]: ...
async def connect(
    user: User | None, path: str, *, after: int | None = None, origin: bytes = ORIGIN
) -> tuple[WebsocketCommunicator, bool, int | str | None, str | None]:
    """Open a socket as ``user`` (or signed out when None).

    Returns the communicator, whether it was accepted, the close code if refused, and the
    session key (so a test can end that session).
    """
    headers = [(b"origin", origin), (b"host", b"localhost")]
    session_key = None
    if user is not None:
        cookie, session_key = await database_sync_to_async(_session_cookie)(user)
        headers.append((b"cookie", cookie))
    if after is not None:
        path = f"{path}?after={after}"
    communicator = WebsocketCommunicator(application, path, headers=headers)
    connected, code = await communicator.connect()
    return communicator, connected, code, session_key


@contextmanager
def published() -> Iterator[list[Event]]:
    """Every event published inside the block, each with the fragment its frame carries.

    The log keeps no fragment (catch-up renders afresh), so tests of what a frame says read
    it here, as publish() hands it to the channel layer, committed or not.
    """
    from core.realtime import broadcast

    seen: list[Event] = []
    log = broadcast._log

    def recording(*args: Any, **kwargs: Any) -> list[Event]:
        events = log(*args, **kwargs)
        seen.extend(events)
        return events

    with patch.object(broadcast, "_log", recording):
        yield seen

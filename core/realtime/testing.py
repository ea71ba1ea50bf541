"""Helpers for socket tests: a signed-in WebsocketCommunicator in one call."""

from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from core.asgi import application

ORIGIN = b"http://localhost"


def _session_cookie(user) -> tuple[bytes, str]:
    client = Client()
    client.force_login(user)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    return f"{settings.SESSION_COOKIE_NAME}={key}".encode(), key


async def connect(
    user, path: str, *, after: int | None = None, origin: bytes = ORIGIN
) -> tuple[WebsocketCommunicator, bool, int | None, str | None]:
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

"""A socket opens only from the site's own origin and at an address that names something.

Anything else is refused before it reaches a consumer, cleanly: no traceback in the log.
"""

import logging

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from core.asgi import application
from core.tests.sockets import _session_cookie, connect

pytestmark = pytest.mark.django_db(transaction=True)


async def _open(user, path: str, *, origin: bytes, host: bytes = b"localhost", headers=()):
    cookie, _key = await database_sync_to_async(_session_cookie)(user)
    all_headers = [(b"origin", origin), (b"host", host), (b"cookie", cookie), *headers]
    communicator = WebsocketCommunicator(application, path, headers=all_headers)
    connected, _code = await communicator.connect()
    if connected:
        await communicator.disconnect()
    return connected


@pytest.mark.parametrize(
    "origin",
    [
        b"https://localhost",  # another scheme
        b"http://localhost:8443",  # another port
        b"http://localhost.evil.example",
        b"null",
        b"",
        b"http://localhost/path",
    ],
)
async def test_an_origin_that_only_shares_the_host_name_is_refused(personas, origin):
    path = f"/ws/people/{personas.person.pk}/"
    assert not await _open(personas.carer, path, origin=origin)
    assert await _open(personas.carer, path, origin=b"http://localhost")


async def test_the_port_the_page_was_served_on_is_its_own(personas):
    path = f"/ws/people/{personas.person.pk}/"
    assert await _open(
        personas.carer, path, origin=b"http://localhost:8000", host=b"localhost:8000"
    )
    assert not await _open(
        personas.carer, path, origin=b"http://localhost:9000", host=b"localhost:8000"
    )


async def test_behind_https_only_the_https_origin_is_accepted(personas, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    path = f"/ws/people/{personas.person.pk}/"
    proxied = [(b"x-forwarded-proto", b"https")]
    assert await _open(personas.carer, path, origin=b"https://localhost", headers=proxied)
    assert not await _open(personas.carer, path, origin=b"http://localhost", headers=proxied)


async def test_a_trusted_origin_is_accepted_by_its_whole_origin(personas, settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://kith.example"]
    path = f"/ws/people/{personas.person.pk}/"
    assert await _open(personas.carer, path, origin=b"https://kith.example")
    assert not await _open(personas.carer, path, origin=b"http://kith.example")
    assert not await _open(personas.carer, path, origin=b"https://kith.example:444")


async def test_a_host_not_allowed_is_refused_whatever_the_origin(personas):
    path = f"/ws/people/{personas.person.pk}/"
    assert not await _open(
        personas.carer, path, origin=b"http://evil.example", host=b"evil.example"
    )


@pytest.mark.parametrize(
    "path",
    [
        "/ws/people/not-a-number/",
        "/ws/people/18446744073709551616/",
        "/ws/people/9223372036854775808/",
        "/ws/people/0/",
        "/ws/teams/-1/",
        "/ws/nothing/",
        "/",
    ],
)
async def test_an_address_that_names_nothing_is_closed_cleanly(personas, path, caplog):
    caplog.set_level(logging.WARNING)
    socket, connected, code, _ = await connect(personas.carer, path)
    assert not connected
    # Answered exactly like an address that could exist but is not this user's to open.
    _, _, missing_code, _ = await connect(personas.carer, "/ws/people/999999/")
    assert code == missing_code
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    await socket.wait()

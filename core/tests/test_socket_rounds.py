"""A socket's rounds ride out a busy moment: one failed session check (the database's pool
exhausted for a moment under a reconnect storm) closes no socket; a database that stays
unreachable still asks the page to reconnect."""

import asyncio

import pytest
from django.db import OperationalError

from core.realtime import consumers
from core.realtime.consumers import CLOSE_TRY_AGAIN
from core.tests.sockets import connect

pytestmark = pytest.mark.django_db(transaction=True)

ROUND = 0.2


@pytest.fixture
def quick_rounds(settings):
    settings.SOCKET_ROUNDS_SECONDS = ROUND


def _failing(times: int, monkeypatch) -> list[int]:
    calls: list[int] = []
    check = consumers.session_user

    def session_user(key):
        calls.append(1)
        if len(calls) <= times:
            raise OperationalError("couldn't get a connection after 10.00 sec")
        return check(key)

    monkeypatch.setattr(consumers, "session_user", session_user)
    return calls


async def test_a_round_that_fails_once_closes_no_socket(personas, quick_rounds, monkeypatch):
    socket, *_ = await connect(personas.family, f"/ws/people/{personas.person.pk}/")
    calls = _failing(1, monkeypatch)
    await asyncio.sleep(4 * ROUND)
    assert len(calls) >= 3, "the failed round was not tried again"
    assert await socket.receive_nothing(timeout=0.1)
    await socket.disconnect()


async def test_rounds_that_keep_failing_ask_the_page_to_reconnect(
    personas, quick_rounds, monkeypatch
):
    socket, *_ = await connect(personas.family, f"/ws/people/{personas.person.pk}/")
    _failing(consumers.ROUNDS_TRIED, monkeypatch)
    output = await socket.receive_output(timeout=3)
    assert output == {"type": "websocket.close", "code": CLOSE_TRY_AGAIN}
    await socket.disconnect()

"""Sockets' database calls: several at once on PostgreSQL, one at a time on SQLite.

With every call on one thread, a hundred pages catching up at once queued each other's
session checks, presence and catch-up behind each other for longer than daphne waits.
"""

import asyncio
import threading
import time

import pytest
from django.db import connection

from core.realtime.db import database_call, runs_in_parallel


def _where_and_when() -> tuple[str, float, float]:
    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    time.sleep(0.3)
    return threading.current_thread().name, started, time.monotonic()


async def _two_at_once() -> list[tuple[str, float, float]]:
    return list(await asyncio.gather(*(database_call(_where_and_when)() for _ in range(2))))


def _overlap(calls: list[tuple[str, float, float]]) -> bool:
    (_a, start_a, end_a), (_b, start_b, end_b) = calls
    return start_a < end_b and start_b < end_a


@pytest.mark.django_db(transaction=True)
async def test_socket_database_calls_run_side_by_side_only_where_the_database_can():
    calls = await _two_at_once()
    if connection.vendor == "postgresql":
        assert runs_in_parallel()
        assert calls[0][0] != calls[1][0], "two calls at once ran on one thread"
        assert _overlap(calls)
    else:
        # SQLite: one writer at a time, and the tests' database is one connection.
        assert not runs_in_parallel()
        assert calls[0][0] == calls[1][0]
        assert not _overlap(calls)


async def test_asking_where_a_sockets_calls_run_makes_it_no_connection_of_its_own():
    """On the event loop every socket has a context of its own: a connection object made there
    (though its calls run on other threads) was kept, kilobytes a socket, while it was open."""
    from django.db import connections

    async def a_socket() -> tuple[int, int]:
        before = len(connections.all(initialized_only=True))
        runs_in_parallel()
        database_call(_where_and_when)  # made, not called: no database is needed here
        return before, len(connections.all(initialized_only=True))

    before, after = await asyncio.create_task(a_socket())
    assert after == before == 0

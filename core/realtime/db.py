"""Database calls from sockets: on which threads they run.

Channels' ``database_sync_to_async`` is thread sensitive by default, and sockets, unlike HTTP
requests (core/request_threads.py), have no thread of their own: every socket of a process
then queues its database work on one single thread. Under a reconnect storm (a process died
and a hundred pages catch up at once) that one thread held presence, session checks and
catch-up for every socket behind each other, for long enough that daphne gave up on sockets
still waiting.

PostgreSQL serves many connections at once, so there the calls run on the event loop's pool
of threads, each with a pooled connection. SQLite has one writer at a time and the tests' in-
memory database lives on one connection: there they stay on the one thread.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

from channels.db import database_sync_to_async
from django.conf import settings
from django.db import connections
from django.db.utils import load_backend

P = ParamSpec("P")
R = TypeVar("R")

_catch_up_lock = threading.Lock()  # guards making the executors below


def runs_in_parallel() -> bool:
    """Whether socket database calls may run on several threads at once.

    Read from the backend's class, never from ``connections["default"]``: on the event loop
    that makes a connection object for the socket's own context (a few kilobytes each, held
    as long as the socket is open), though its calls then run on other threads.
    """
    return _vendor(connections.settings["default"]["ENGINE"]) == "postgresql"


@functools.cache
def _vendor(engine: str) -> str:
    return load_backend(engine).DatabaseWrapper.vendor


# On PostgreSQL, socket calls run on this many long-lived threads per process: each keeps at
# most one pooled connection, so sockets never take more of the pool than this, however many.
# The pool's size counts them (DATABASE_THREADS in settings).
SOCKET_THREADS = settings.SOCKET_DB_THREADS
_socket_threads: ThreadPoolExecutor | None = None


def _socket_executor() -> ThreadPoolExecutor:
    global _socket_threads
    with _catch_up_lock:
        if _socket_threads is None:
            _socket_threads = ThreadPoolExecutor(
                max_workers=SOCKET_THREADS, thread_name_prefix="socket-db"
            )
        return _socket_threads


def database_call(function: Callable[P, R]) -> Callable[P, Awaitable[R]]:
    """``function`` made awaitable from a socket, on the threads the database allows."""
    if not runs_in_parallel():
        return database_sync_to_async(function)
    return database_sync_to_async(function, thread_sensitive=False, executor=_socket_executor())


# Catching up is the one heavy thing a socket asks of the database: after a process dies, a
# hundred pages ask at once. On threads of its own, a few at a time, it never holds up what
# every socket needs quickly (the session check and presence of a page opening, which daphne
# gives only a few seconds before it drops the connection).
CATCH_UP_THREADS = settings.CATCH_UP_DB_THREADS
_catch_up_threads: ThreadPoolExecutor | None = None


def _catch_up_executor() -> ThreadPoolExecutor:
    global _catch_up_threads
    with _catch_up_lock:
        if _catch_up_threads is None:
            _catch_up_threads = ThreadPoolExecutor(
                max_workers=CATCH_UP_THREADS, thread_name_prefix="catch-up"
            )
        return _catch_up_threads


def catch_up_call(function: Callable[P, R]) -> Callable[P, Awaitable[R]]:
    """Like database_call, for catching up: on its own few threads where calls run side by side."""
    if not runs_in_parallel():
        return database_call(function)
    return database_sync_to_async(function, thread_sensitive=False, executor=_catch_up_executor())

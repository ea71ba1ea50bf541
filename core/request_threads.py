"""Every HTTP request's Django work runs on one of a fixed set of long-lived threads.

Django's ASGI handler otherwise starts a new thread for each request, so each request also
opens (and then closes) a database connection of its own. With a fixed set of threads, as a
threaded WSGI server has, a thread keeps its connection from one request to the next.
"""

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from asgiref.sync import ThreadSensitiveContext

Scope = dict[str, Any]


class RequestThreads:
    """ASGI middleware: at most `threads` requests run at once; the others wait their turn."""

    def __init__(self, app: Any, *, threads: int) -> None:
        self.app = app
        self.threads = threads
        self._idle: asyncio.Queue[ThreadPoolExecutor] | None = None

    def _idle_threads(self) -> asyncio.Queue[ThreadPoolExecutor]:
        # Made on first use, inside the server's running event loop.
        if self._idle is None:
            self._idle = asyncio.Queue()
            for number in range(self.threads):
                # One worker each: a request's sync code must all run on one thread.
                self._idle.put_nowait(
                    ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"request-{number}")
                )
        return self._idle

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        idle = self._idle_threads()
        executor = await idle.get()
        try:
            # Django's own per-request context, inside this one, keeps this executor.
            async with ThreadSensitiveContext(executor=executor):
                await self.app(scope, receive, send)
        finally:
            idle.put_nowait(executor)

"""The outbox's sending side: one asyncio loop in a thread of its own, one aiohttp session.

Sending runs on the loop through pywebpush rather than on a pool of threads: CPU per
notification is what limits a worker, and a POST from aiohttp on one loop costs well under
half the CPU of the same POST from urllib3 on eight threads (bench/push_bench.py prints both).
Nothing here touches the database: what each send came back with is queued for the worker's
own thread to record (core.push.outbox).
"""

from __future__ import annotations

import asyncio
import json
import logging
import queue
import ssl
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

import aiohttp
import certifi
from aiohttp.abc import AbstractResolver
from pywebpush import WebPusher, WebPushException

from core.models import PushKind
from core.push.endpoints import endpoint_problem
from core.push.outbox import Attempt, Claimed, about, parse_retry_after
from core.push.resolver import PublicOnlyResolver
from core.push.vapid import VapidSigner

logger = logging.getLogger("core.push.delivery")

# A phone that is off keeps a notification this long at its push service.
TIME_TO_LIVE_SECONDS = 24 * 60 * 60

T = TypeVar("T")


class _NoRedirects:
    """The session as pywebpush sees it, with redirects refused.

    An endpoint is checked to be a push service on the internet when a browser hands it
    over; following a redirect would let that service send our POST anywhere, ourselves
    included. No push service redirects, so a redirect is an answer like any other refusal.
    """

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self._session = session

    def post(self, url: str, **options: Any) -> Any:
        return self._session.post(url, allow_redirects=False, **options)


class Sending:
    """The loop, its thread and its session, for the Deliverer (which opens and closes them)."""

    signer: VapidSigner
    concurrency: int
    _resolver: AbstractResolver | None
    _loop: asyncio.AbstractEventLoop
    _thread: threading.Thread
    _session: aiohttp.ClientSession
    _poster: _NoRedirects
    _timeouts: aiohttp.ClientTimeout
    _done: queue.SimpleQueue[tuple[Claimed, Attempt]]
    _sending: set[asyncio.Task[None]]

    def _on_loop(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result()

    async def _open_session(self) -> aiohttp.ClientSession:
        connector = aiohttp.TCPConnector(
            limit=self.concurrency,
            # A quarter of the connections stay free for the other push services whenever
            # one of them is slow; the one most phones use still gets the rest.
            limit_per_host=max(1, self.concurrency - self.concurrency // 4),
            ssl=ssl.create_default_context(cafile=certifi.where()),
            ttl_dns_cache=300,
            # Whatever a name resolves to when we send, only public addresses are dialled.
            resolver=PublicOnlyResolver(self._resolver or aiohttp.DefaultResolver()),
        )
        return aiohttp.ClientSession(connector=connector, timeout=self._timeouts)

    def close(self) -> None:
        if self._loop.is_closed():
            return
        self._on_loop(self._shut_down())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()
        self._loop.close()

    async def _shut_down(self) -> None:
        # Only a run() that raised leaves sends behind: nobody will record their outcome, so
        # they are called off rather than finished (their rows are sent again after the lease).
        others = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
        for task in others:
            task.cancel()
        await asyncio.gather(*others, return_exceptions=True)
        await self._session.close()
        await asyncio.get_running_loop().shutdown_default_executor()

    def _finished_sends(self, *, wait: float) -> list[tuple[Claimed, Attempt]]:
        """What the loop has finished: waits up to `wait` for the first, then takes the rest."""
        try:
            done = [self._done.get(timeout=wait)]
        except queue.Empty:
            return []
        while True:
            try:
                done.append(self._done.get_nowait())
            except queue.Empty:
                return done

    # Sending (on the loop's thread; no database here) ----------------------------------

    def _submit(self, messages: list[Claimed]) -> None:
        """Hand a claim's messages to the loop at once: one wake-up of the loop per claim."""
        if not messages:
            return
        sends = []
        for message in messages:
            assert message.endpoint is not None
            headers = self.signer.headers_for(message.endpoint)
            headers["Urgency"] = "high" if message.kind == PushKind.CONCERN else "normal"
            data = json.dumps(message.payload, separators=(",", ":")).encode()
            sends.append((message, message.subscription_info(), data, headers))
        self._loop.call_soon_threadsafe(self._start, sends)

    def _start(self, sends: list[tuple[Claimed, dict[str, object], bytes, dict[str, str]]]) -> None:
        for message, info, data, headers in sends:
            task = self._loop.create_task(self._send_and_report(message, info, data, headers))
            # The loop keeps only weak references to its tasks.
            self._sending.add(task)
            task.add_done_callback(self._sending.discard)

    async def _send_and_report(
        self, message: Claimed, info: dict[str, object], data: bytes, headers: dict[str, str]
    ) -> None:
        try:
            attempt = await self._send(info, data, headers)
        except Exception as exc:
            # Whatever went wrong, the main thread must hear of every send it handed over,
            # or it would wait for this one forever; the row is tried again later.
            with about(message):
                logger.exception("push %s: sending failed unexpectedly", message.pk)
            attempt = Attempt(error=f"could not send ({type(exc).__name__})")
        self._done.put((message, attempt))

    async def _send(self, info: dict[str, object], data: bytes, headers: dict[str, str]) -> Attempt:
        # Checked again when sending: a row saved before a check was tightened, or made
        # without the browser, never sends to an address spelt out or another port.
        if endpoint_problem(str(info["endpoint"])) is not None:
            return Attempt(error="not a push service on the internet", permanent=True)
        try:
            pusher = WebPusher(info, aiohttp_session=self._poster)
            response = await pusher.send_async(
                data, headers, ttl=TIME_TO_LIVE_SECONDS, timeout=self._timeouts
            )
            try:
                await response.read()  # pywebpush reads it today; this does not rely on that
            finally:
                response.release()  # the connection goes back to the pool for the next send
        except aiohttp.ClientConnectorError as exc:
            # Refused, unreachable, or a name that does not resolve.
            return Attempt(error=f"could not reach the push service ({type(exc).__name__})")
        except (aiohttp.ServerTimeoutError, TimeoutError):
            return Attempt(error="the push service did not answer in time")
        except aiohttp.ClientError as exc:
            return Attempt(error=f"could not reach the push service ({type(exc).__name__})")
        except (WebPushException, ValueError) as exc:
            # Keys the service checked on the way in but the encryption cannot use.
            return Attempt(error=f"could not encrypt: {exc}"[:300], permanent=True)
        ok = 200 <= response.status < 300
        return Attempt(
            status_code=response.status,
            retry_after=parse_retry_after(response.headers.get("Retry-After")),
            error="" if ok else f"{response.status} {response.reason or ''}".strip()[:300],
        )

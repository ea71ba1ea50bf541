"""HTTP requests reuse a fixed set of threads, as Django's sync code runs them under ASGI."""

import asyncio
import threading

from asgiref.sync import ThreadSensitiveContext, sync_to_async

from core.request_threads import RequestThreads


class SyncWorkApp:
    """Stands in for Django's ASGI handler: a context of its own, sync work inside it."""

    def __init__(self) -> None:
        self.threads: list[threading.Thread] = []
        self.running = 0
        self.most_at_once = 0

    async def __call__(self, scope, receive, send) -> None:
        async with ThreadSensitiveContext():
            await sync_to_async(self._work)()

    def _work(self) -> None:
        self.running += 1
        self.most_at_once = max(self.most_at_once, self.running)
        self.threads.append(threading.current_thread())
        threading.Event().wait(0.01)
        self.running -= 1


async def _requests(app, count: int, scope_type: str = "http") -> None:
    async def nothing():
        return {}

    async def ignore(message):
        pass

    await asyncio.gather(*(app({"type": scope_type}, nothing, ignore) for _ in range(count)))


async def test_one_request_after_another_runs_on_the_same_thread():
    inner = SyncWorkApp()
    app = RequestThreads(inner, threads=1)

    await _requests(app, 1)
    await _requests(app, 1)

    assert len(inner.threads) == 2
    assert inner.threads[0] is inner.threads[1]


async def test_without_it_each_request_gets_a_thread_of_its_own():
    inner = SyncWorkApp()

    await _requests(inner, 1)
    await _requests(inner, 1)

    assert inner.threads[0] is not inner.threads[1]


async def test_no_more_requests_run_at_once_than_there_are_threads():
    inner = SyncWorkApp()
    app = RequestThreads(inner, threads=2)

    await _requests(app, 6)

    assert len(inner.threads) == 6
    assert len(set(inner.threads)) == 2
    assert inner.most_at_once <= 2


async def test_sockets_pass_straight_through():
    inner = SyncWorkApp()
    app = RequestThreads(inner, threads=1)

    await _requests(app, 1, scope_type="websocket")

    assert len(inner.threads) == 1
    assert app._idle is None  # never waited for a thread

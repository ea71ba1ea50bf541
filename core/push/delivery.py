"""Sending the outbox: claim due rows, check access again, send in parallel, record what happened.

Before each claim, news that requests left for later (PushNews) becomes messages. Only the
calling thread touches the database. Sending runs on one asyncio event loop in a
background thread that the Deliverer owns, through pywebpush on one aiohttp session, rather
than on a pool of threads: CPU per notification is what limits a worker, and a POST from
aiohttp on one loop costs well under half the CPU of the same POST from urllib3 on eight
threads (bench/push_bench.py prints both). Every request has connect and read timeouts, and
one push service may hold only part of the connections, so a slow one delays only what is
sent to it. Claiming is a conditional UPDATE (with SKIP LOCKED on PostgreSQL), so several
workers never send one message twice.

The Deliverer runs the round; claiming and recording are core/push/outbox.py's, the loop and
its sends core/push/sending.py's.
"""

from __future__ import annotations

import asyncio
import gc
import queue
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta

import aiohttp
from aiohttp.abc import AbstractResolver
from django.conf import settings
from django.utils import timezone

from core.models import PushMessage
from core.push.outbox import MAX_ATTEMPTS as MAX_ATTEMPTS
from core.push.outbox import Attempt, Claimed, Outbox, Report
from core.push.outbox import backoff_seconds as backoff_seconds
from core.push.outbox import parse_retry_after as parse_retry_after
from core.push.sending import Sending, _NoRedirects
from core.push.services import push_news_expand
from core.push.vapid import VapidSigner

KEEP_FINISHED_FOR = timedelta(days=7)
# How long the main thread lets sends finish in a bunch when it has nothing else to do.
GATHER_SECONDS = 0.01

Status = PushMessage.Status


class Deliverer(Sending, Outbox):
    """Sends due outbox rows. One per worker process; ``close()`` when done.

    Claiming and recording are the outbox's (core.push.outbox), sending the loop's
    (core.push.sending); this class sets them up and runs the round between them.
    """

    def __init__(
        self,
        *,
        concurrency: int | None = None,
        timeout: float | None = None,
        signer: VapidSigner | None = None,
        resolver: AbstractResolver | None = None,
    ) -> None:
        # Tests hand in a resolver that knows a few names, so no test looks anything up.
        self._resolver = resolver
        self.concurrency = max(1, concurrency or settings.PUSH_SEND_CONCURRENCY)
        self.timeout = float(timeout or settings.PUSH_TIMEOUT_SECONDS)
        self.signer = signer or VapidSigner(
            private_key=settings.VAPID_PRIVATE_KEY, subject=settings.VAPID_SUBJECT
        )
        # Enough claimed ahead that no send waits for the database, and claims big enough
        # that the queries are shared by many messages; few enough that a crashed worker
        # strands little (its claims are taken over after the lease).
        self.capacity = max(self.concurrency * 8, 128)
        # A claim older than this belongs to a worker that died mid-send.
        self.lease = timedelta(seconds=self.timeout * 3 + 60)
        # Connecting and each read are limited as a push service's fault. The whole send,
        # waiting for a free connection included, ends well inside the lease: a row still
        # waiting here when its claim ran out would be taken over and sent twice.
        self._timeouts = aiohttp.ClientTimeout(
            total=self.lease.total_seconds() - 30,
            sock_connect=min(self.timeout, 5.0),
            sock_read=self.timeout,
        )
        self._allowed: dict[tuple[int, str, str], set[int]] = {}
        # Sends finished on the loop, for the calling thread to record.
        self._done: queue.SimpleQueue[tuple[Claimed, Attempt]] = queue.SimpleQueue()
        self._sending: set[asyncio.Task[None]] = set()
        self._loop = asyncio.new_event_loop()
        # A daemon, so that a close() forgotten after an error never keeps the process alive.
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="push-send", daemon=True
        )
        self._thread.start()
        self._session = self._on_loop(self._open_session())
        self._poster = _NoRedirects(self._session)

    # The loop ---------------------------------------------------------------------------

    def run(
        self,
        *,
        until_idle: bool = False,
        should_stop: Callable[[], bool] = lambda: False,
        idle_seconds: float = 1.0,
        now: Callable[[], datetime] = timezone.now,
    ) -> Report:
        """Send until told to stop, or (until_idle) until nothing is due or in flight."""
        report = Report()
        in_flight: dict[int, Claimed] = {}
        finished: list[tuple[Claimed, Attempt]] = []
        look_again_at = 0.0
        while True:
            stopping = should_stop()
            # Refill in batches rather than per finished send: one claim query per batch. A
            # claim that came back short took all that was due; asking again as each send
            # ends would query for nothing (taking SQLite's write lock each time), so the
            # next look waits a while, or until nothing is in flight.
            if (
                not stopping
                and len(in_flight) <= self.capacity // 2
                and (not in_flight or time.monotonic() >= look_again_at)
            ):
                wanted = self.capacity - len(in_flight)
                # News left by requests becomes messages first, due in this same claim.
                push_news_expand()
                claimed = self._claim(limit=wanted, now=now())
                if len(claimed) < wanted:
                    look_again_at = time.monotonic() + idle_seconds
                sending = []
                for message in claimed:
                    if self._still_allowed(message):
                        in_flight[message.pk] = message
                        sending.append(message)
                    else:
                        report.dropped += 1
                self._submit(sending)
            if not in_flight:
                if finished:
                    self._record(finished, report, now())
                    finished = []
                if stopping or until_idle:
                    return report
                time.sleep(idle_seconds)
                continue
            done = self._finished_sends(wait=idle_seconds)
            for message, _attempt in done:
                in_flight.pop(message.pk, None)
            finished += done
            # Outcomes are written in batches too; a wait that ends with nothing new means
            # something is slow, so what is done is written down meanwhile.
            if not done or len(finished) >= self.capacity // 2 or not in_flight:
                self._record(finished, report, now())
                finished = []
            elif len(in_flight) > self.capacity // 2:
                # Nothing to claim or record yet. Each wake takes the GIL from the sending
                # loop: waking for every send that ended was among the larger CPU costs of
                # a notification.
                time.sleep(GATHER_SECONDS)


def settle_worker_process() -> None:
    """Call once a worker has started: what is loaded by then lives as long as it does.

    Frozen, those objects are left out of the collector's full passes, which otherwise walk
    all of Django again and again while the worker sends.
    """
    gc.collect()
    gc.freeze()


def deliver_due(
    *,
    now: Callable[[], datetime] = timezone.now,
    concurrency: int | None = None,
    timeout: float | None = None,
) -> Report:
    """Send everything due now and return; what tests and ``push_worker --once`` use."""
    deliverer = Deliverer(concurrency=concurrency, timeout=timeout)
    try:
        return deliverer.run(until_idle=True, now=now)
    finally:
        deliverer.close()


def prune_finished(*, now: datetime | None = None) -> int:
    """Forget rows that were sent or given up on a week ago; the outbox is not an archive."""
    cutoff = (now or timezone.now()) - KEEP_FINISHED_FOR
    deleted, _ = PushMessage.objects.filter(
        status__in=[Status.SENT, Status.FAILED, Status.GONE, Status.DROPPED],
        created_at__lt=cutoff,
    ).delete()
    return deleted

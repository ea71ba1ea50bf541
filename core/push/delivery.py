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
"""

from __future__ import annotations

import asyncio
import email.utils
import gc
import json
import logging
import queue
import ssl
import threading
import time
import uuid
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar

import aiohttp
import certifi
from aiohttp.abc import AbstractResolver
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from pywebpush import WebPusher, WebPushException

from core.access import audience_users
from core.models import PushKind, PushMessage, PushSubscription
from core.push.endpoints import PublicOnlyResolver, endpoint_problem
from core.push.services import push_news_expand
from core.push.vapid import VapidSigner

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
BACKOFF_FIRST_SECONDS = 30
BACKOFF_MAX_SECONDS = 60 * 60
RETRY_AFTER_MAX_SECONDS = 24 * 60 * 60
MIN_RETRY_SECONDS = 1.0
# A phone that is off keeps a notification this long at its push service.
TIME_TO_LIVE_SECONDS = 24 * 60 * 60
KEEP_FINISHED_FOR = timedelta(days=7)
# How long the main thread lets sends finish in a bunch when it has nothing else to do.
GATHER_SECONDS = 0.01

Status = PushMessage.Status
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Claimed:
    """A claimed outbox row as sending and recording read it.

    Plain values rather than model instances: building a message and its subscription as
    models took three times the CPU of reading the same values.
    """

    pk: int
    claim: str
    attempts: int
    user_id: int
    person_id: int
    audience: str
    topic: str
    kind: str
    payload: dict[str, object]
    # The device's, all None once it unsubscribed (the row then is not sent).
    subscription_id: int | None
    device_owner_id: int | None
    endpoint: str | None
    p256dh: str | None
    auth: str | None

    def subscription_info(self) -> dict[str, object]:
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}


CLAIMED_FIELDS = (
    *("pk", "claim", "attempts", "user_id", "person_id", "audience", "topic", "kind", "payload"),
    *("subscription_id", "subscription__user_id"),
    *("subscription__endpoint", "subscription__p256dh", "subscription__auth"),
)


@dataclass(frozen=True)
class Attempt:
    """What one send came back with; made on the sending loop, recorded on the main thread."""

    status_code: int | None = None
    retry_after: float | None = None
    error: str = ""
    permanent: bool = False  # not worth trying again whatever the code says


@dataclass
class Report:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    gone: int = 0
    dropped: int = 0
    by_status: dict[int, int] = field(default_factory=dict)

    @property
    def handled(self) -> int:
        return self.sent + self.retrying + self.failed + self.gone + self.dropped


def backoff_seconds(attempts: int) -> float:
    """30 s, 1 min, 2 min, ... up to an hour between tries."""
    return float(min(BACKOFF_FIRST_SECONDS * 2 ** max(attempts - 1, 0), BACKOFF_MAX_SECONDS))


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (a number of seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        seconds = float(value)
    else:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            return None
        seconds = when.timestamp() - (now if now is not None else time.time())
    return min(max(seconds, 0.0), float(RETRY_AFTER_MAX_SECONDS))


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


class Deliverer:
    """Sends due outbox rows. One per worker process; ``close()`` when done."""

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

    # Claiming ---------------------------------------------------------------------------

    def _claim(self, *, limit: int, now: datetime) -> list[Claimed]:
        token = uuid.uuid4().hex
        due = Q(status=Status.QUEUED, next_attempt_at__lte=now) | Q(
            status=Status.SENDING, claimed_at__lt=now - self.lease
        )
        with transaction.atomic():
            candidates = PushMessage.objects.filter(due).order_by("next_attempt_at", "pk")
            if connection.features.has_select_for_update_skip_locked:
                candidates = candidates.select_for_update(skip_locked=True)
            ids = list(candidates.values_list("pk", flat=True)[:limit])
            if not ids:
                return []
            # The condition is repeated in the UPDATE: another worker that took a row first
            # has changed its status or claim time, and this worker then takes nothing.
            PushMessage.objects.filter(due, pk__in=ids).update(
                status=Status.SENDING,
                claim=token,
                claimed_at=now,
                attempts=F("attempts") + 1,
            )
        rows = PushMessage.objects.filter(claim=token, status=Status.SENDING).values_list(
            *CLAIMED_FIELDS
        )
        claimed = [Claimed(*row) for row in rows]
        self._allowed = self._allowed_users(claimed)
        return claimed

    def _allowed_users(self, messages: list[Claimed]) -> dict[tuple[int, str, str], set[int]]:
        """Who may still hear about each person, asked of core.access once per person."""
        allowed: dict[tuple[int, str, str], set[int]] = {}
        for key in {(m.person_id, m.audience, m.topic) for m in messages}:
            person_id, audience, topic = key
            reached = audience_users(person_id, audience, topic=topic)
            allowed[key] = set(reached.values_list("pk", flat=True))
        return allowed

    def _still_allowed(self, message: Claimed) -> bool:
        if message.subscription_id is None or message.device_owner_id != message.user_id:
            reason = "the device is no longer theirs"
        elif message.user_id not in self._allowed.get(
            (message.person_id, message.audience, message.topic), ()
        ):
            reason = "no longer allowed to see this person"
        else:
            return True
        PushMessage.objects.filter(pk=message.pk).update(
            status=Status.DROPPED, last_error=reason, claim=""
        )
        return False

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

    # Recording --------------------------------------------------------------------------

    def _record(
        self, results: list[tuple[Claimed, Attempt]], report: Report, now: datetime
    ) -> None:
        sent_ids: list[int] = []
        healthy_subscriptions: set[int] = set()
        for message, attempt in results:
            # Only a message with a device is sent: _still_allowed drops the rest unsent.
            assert message.subscription_id is not None
            code = attempt.status_code
            if code is not None:
                report.by_status[code] = report.by_status.get(code, 0) + 1
            if code is not None and 200 <= code < 300:
                sent_ids.append(message.pk)
                healthy_subscriptions.add(message.subscription_id)
            elif code in (404, 410):
                report.gone += 1
                self._forget_device(message, attempt)
            elif not attempt.permanent and (code is None or code == 429 or code >= 500):
                if message.attempts >= MAX_ATTEMPTS:
                    report.failed += 1
                    self._finish(message, Status.FAILED, attempt)
                else:
                    report.retrying += 1
                    wait_for = attempt.retry_after
                    if wait_for is None:
                        wait_for = backoff_seconds(message.attempts)
                    # "Retry-After: 0" must not become a tight loop against a struggling service.
                    wait_for = max(wait_for, MIN_RETRY_SECONDS)
                    PushMessage.objects.filter(pk=message.pk, claim=message.claim).update(
                        status=Status.QUEUED,
                        next_attempt_at=now + timedelta(seconds=wait_for),
                        last_error=attempt.error,
                        claim="",
                    )
                    self._count_failure(message)
            else:
                report.failed += 1
                self._finish(message, Status.FAILED, attempt)
                self._count_failure(message)
        if sent_ids:
            report.sent += len(sent_ids)
            with transaction.atomic():
                PushMessage.objects.filter(pk__in=sent_ids).update(
                    status=Status.SENT, sent_at=now, last_error="", claim=""
                )
                PushSubscription.objects.filter(pk__in=healthy_subscriptions).update(
                    last_success_at=now, failures=0
                )

    def _finish(self, message: Claimed, status: str, attempt: Attempt) -> None:
        PushMessage.objects.filter(pk=message.pk).update(
            status=status, last_error=attempt.error, claim=""
        )
        logger.warning("push %s %s: %s", message.pk, status, attempt.error)

    def _count_failure(self, message: Claimed) -> None:
        assert message.subscription_id is not None  # as in _record: only sent messages come here
        PushSubscription.objects.filter(pk=message.subscription_id).update(
            failures=F("failures") + 1
        )

    def _forget_device(self, message: Claimed, attempt: Attempt) -> None:
        """The push service says the device unsubscribed or expired: stop sending to it."""
        assert message.subscription_id is not None  # as in _record: only sent messages come here
        with transaction.atomic():
            PushMessage.objects.filter(
                subscription_id=message.subscription_id,
                status__in=[Status.QUEUED, Status.SENDING],
            ).update(status=Status.GONE, last_error=attempt.error, claim="")
            PushSubscription.objects.filter(pk=message.subscription_id).delete()


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

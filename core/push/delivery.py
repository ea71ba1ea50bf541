"""Sending the outbox: claim due rows, check access again, send in parallel, record what happened.

Only the calling thread touches the database. Sending runs on a small thread pool with a
timeout on every request, so one slow push service holds up one thread and never the rest.
Claiming is a conditional UPDATE (with SKIP LOCKED on PostgreSQL), so several workers never
send one message twice.
"""

from __future__ import annotations

import email.utils
import json
import logging
import time
import uuid
from collections.abc import Callable, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from http import HTTPStatus

import certifi
import urllib3
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from pywebpush import WebPusher, WebPushException

from core.access import audience_users
from core.models import PushKind, PushMessage, PushSubscription
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

Status = PushMessage.Status


@dataclass(frozen=True)
class Attempt:
    """What one send came back with; made on a sending thread, recorded on the main one."""

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


@dataclass(frozen=True)
class PushResponse:
    """The parts of a requests.Response that pywebpush and this module read."""

    status_code: int
    headers: Mapping[str, str]
    content: bytes

    @property
    def ok(self) -> bool:
        return 200 <= self.status_code < 300

    @property
    def reason(self) -> str:
        try:
            return HTTPStatus(self.status_code).phrase
        except ValueError:
            return ""

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")


class PushHTTP:
    """What pywebpush needs of a requests session (``post``), on urllib3 alone.

    requests spends more CPU on each POST than encrypting and signing together (see
    bench/push_bench.py); urllib3, which requests is built on, does the same job for a
    third of it. Thread-safe: one connection pool per push service, shared by every thread.
    """

    def __init__(self, *, connections_per_host: int) -> None:
        self._pool = urllib3.PoolManager(
            num_pools=50, maxsize=connections_per_host, ca_certs=certifi.where()
        )

    def post(
        self, url: str, *, data: bytes | None, headers: Mapping[str, str], timeout: tuple
    ) -> PushResponse:
        connect, read = timeout
        answer = self._pool.request(
            "POST",
            url,
            body=data,
            headers=dict(headers),
            timeout=urllib3.Timeout(connect=connect, read=read),
            retries=False,  # the outbox retries, later, with backoff
            redirect=False,
        )
        return PushResponse(answer.status, answer.headers, answer.data)

    def close(self) -> None:
        self._pool.clear()


class Deliverer:
    """Sends due outbox rows. One per worker process; ``close()`` when done."""

    def __init__(
        self,
        *,
        threads: int | None = None,
        timeout: float | None = None,
        signer: VapidSigner | None = None,
    ) -> None:
        self.threads = max(1, threads or settings.PUSH_SEND_THREADS)
        self.timeout = float(timeout or settings.PUSH_TIMEOUT_SECONDS)
        self.signer = signer or VapidSigner(
            private_key=settings.VAPID_PRIVATE_KEY, subject=settings.VAPID_SUBJECT
        )
        # Enough claimed ahead that no thread waits for the database, and claims big enough
        # that the queries are shared by many messages; few enough that a crashed worker
        # strands little (its claims are taken over after the lease).
        self.capacity = max(self.threads * 8, 128)
        # A claim older than this belongs to a worker that died mid-send.
        self.lease = timedelta(seconds=self.timeout * 3 + 60)
        self._pool = ThreadPoolExecutor(self.threads, thread_name_prefix="push-send")
        self._http = PushHTTP(connections_per_host=self.threads)
        self._allowed: dict[tuple[int, str, str], set[int]] = {}

    def close(self) -> None:
        self._pool.shutdown(wait=True)
        self._http.close()

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
        in_flight: dict[Future[Attempt], PushMessage] = {}
        finished: list[tuple[PushMessage, Attempt]] = []
        while True:
            stopping = should_stop()
            # Refill in batches rather than per finished send: one claim query per batch.
            if not stopping and len(in_flight) <= self.capacity // 2:
                for message in self._claim(limit=self.capacity - len(in_flight), now=now()):
                    if self._still_allowed(message):
                        in_flight[self._submit(message)] = message
                    else:
                        report.dropped += 1
            if not in_flight:
                if finished:
                    self._record(finished, report, now())
                    finished = []
                if stopping or until_idle:
                    return report
                time.sleep(idle_seconds)
                continue
            done, _pending = wait(in_flight, timeout=idle_seconds, return_when=FIRST_COMPLETED)
            finished += [(in_flight.pop(future), future.result()) for future in done]
            # Outcomes are written in batches too; a wait that ends with nothing new means
            # something is slow, so what is done is written down meanwhile.
            if not done or len(finished) >= self.capacity // 2 or not in_flight:
                self._record(finished, report, now())
                finished = []

    # Claiming ---------------------------------------------------------------------------

    def _claim(self, *, limit: int, now: datetime) -> list[PushMessage]:
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
        claimed = list(
            PushMessage.objects.filter(claim=token, status=Status.SENDING).select_related(
                "subscription"
            )
        )
        self._allowed = self._allowed_users(claimed)
        return claimed

    def _allowed_users(self, messages: list[PushMessage]) -> dict[tuple[int, str, str], set[int]]:
        """Who may still hear about each person, asked of core.access once per person."""
        allowed: dict[tuple[int, str, str], set[int]] = {}
        for key in {(m.person_id, m.audience, m.topic) for m in messages}:
            person_id, audience, topic = key
            reached = audience_users(person_id, audience, topic=topic)
            allowed[key] = set(reached.values_list("pk", flat=True))
        return allowed

    def _still_allowed(self, message: PushMessage) -> bool:
        subscription = message.subscription
        if subscription is None or subscription.user_id != message.user_id:
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

    # Sending (on the pool's threads; no database here) ----------------------------------

    def _submit(self, message: PushMessage) -> Future[Attempt]:
        subscription = message.subscription
        assert subscription is not None
        headers = self.signer.headers_for(subscription.endpoint)
        headers["Urgency"] = "high" if message.kind == PushKind.CONCERN else "normal"
        data = json.dumps(message.payload, separators=(",", ":")).encode()
        return self._pool.submit(self._send, subscription.as_subscription_info(), data, headers)

    def _send(self, info: dict[str, object], data: bytes, headers: dict[str, str]) -> Attempt:
        try:
            pusher = WebPusher(info, requests_session=self._http)
            response = pusher.send(
                data,
                headers,
                ttl=TIME_TO_LIVE_SECONDS,
                timeout=(min(self.timeout, 5.0), self.timeout),
            )
        except urllib3.exceptions.NewConnectionError as exc:
            # Checked first: urllib3 counts a refused connection as a kind of timeout.
            return Attempt(error=f"could not reach the push service ({type(exc).__name__})")
        except urllib3.exceptions.TimeoutError:
            return Attempt(error="the push service did not answer in time")
        except urllib3.exceptions.HTTPError as exc:
            return Attempt(error=f"could not reach the push service ({type(exc).__name__})")
        except (WebPushException, ValueError) as exc:
            # Keys the service checked on the way in but the encryption cannot use.
            return Attempt(error=f"could not encrypt: {exc}"[:300], permanent=True)
        return Attempt(
            status_code=response.status_code,
            retry_after=parse_retry_after(response.headers.get("Retry-After")),
            error="" if response.ok else f"{response.status_code} {response.reason}"[:300],
        )

    # Recording --------------------------------------------------------------------------

    def _record(
        self, results: list[tuple[PushMessage, Attempt]], report: Report, now: datetime
    ) -> None:
        sent_ids: list[int] = []
        healthy_subscriptions: set[int] = set()
        for message, attempt in results:
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

    def _finish(self, message: PushMessage, status: str, attempt: Attempt) -> None:
        PushMessage.objects.filter(pk=message.pk).update(
            status=status, last_error=attempt.error, claim=""
        )
        logger.warning("push %s %s: %s", message.pk, status, attempt.error)

    def _count_failure(self, message: PushMessage) -> None:
        PushSubscription.objects.filter(pk=message.subscription_id).update(
            failures=F("failures") + 1
        )

    def _forget_device(self, message: PushMessage, attempt: Attempt) -> None:
        """The push service says the device unsubscribed or expired: stop sending to it."""
        with transaction.atomic():
            PushMessage.objects.filter(
                subscription_id=message.subscription_id,
                status__in=[Status.QUEUED, Status.SENDING],
            ).update(status=Status.GONE, last_error=attempt.error, claim="")
            PushSubscription.objects.filter(pk=message.subscription_id).delete()


def deliver_due(
    *,
    now: Callable[[], datetime] = timezone.now,
    threads: int | None = None,
    timeout: float | None = None,
) -> Report:
    """Send everything due now and return; what tests and ``push_worker --once`` use."""
    deliverer = Deliverer(threads=threads, timeout=timeout)
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

"""The outbox's database side: claiming due rows, asking again who may hear, recording.

Only the worker's own thread runs these (core.push.delivery.Deliverer). Claiming is a
conditional UPDATE (with SKIP LOCKED on PostgreSQL), so several workers never send one
message twice; a claim older than the lease belongs to a worker that died mid-send.
"""

from __future__ import annotations

import email.utils
import logging
import time
import uuid
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import structlog
from django.db import connection, transaction
from django.db.models import F, Q

from core.audience import Audience, audience_users
from core.logs import current_request_id
from core.models import PushMessage, PushSubscription

MAX_ATTEMPTS = 8
BACKOFF_FIRST_SECONDS = 30
BACKOFF_MAX_SECONDS = 60 * 60
RETRY_AFTER_MAX_SECONDS = 24 * 60 * 60
MIN_RETRY_SECONDS = 1.0

Status = PushMessage.Status
# One name for the whole worker's log, as before it had three modules.
logger = logging.getLogger("core.push.delivery")


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
    request_id: str  # the request whose news this tells (core.logs)

    def subscription_info(self) -> dict[str, object]:
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}


CLAIMED_FIELDS = (
    *("pk", "claim", "attempts", "user_id", "person_id", "audience", "topic", "kind", "payload"),
    *("subscription_id", "subscription__user_id"),
    *("subscription__endpoint", "subscription__p256dh", "subscription__auth"),
    "request_id",
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


def about(message: Claimed) -> AbstractContextManager[None]:
    """Around a line about one message: it carries the id of the request that caused it."""
    return structlog.contextvars.bound_contextvars(
        request_id=message.request_id or current_request_id(), push_id=message.pk
    )


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


class Outbox:
    """Claiming and recording, for the Deliverer; its lease is set by the Deliverer."""

    lease: timedelta
    _allowed: dict[tuple[int, str, str], set[int]]

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
        """Who may still hear about each person, asked of the access layer once per person."""
        allowed: dict[tuple[int, str, str], set[int]] = {}
        for key in {(m.person_id, m.audience, m.topic) for m in messages}:
            person_id, audience, topic = key
            reached = audience_users(person_id, Audience(audience), topic=topic)
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

    # Recording --------------------------------------------------------------------------

    def _record(
        self, results: list[tuple[Claimed, Attempt]], report: Report, now: datetime
    ) -> None:
        sent_ids: list[int] = []
        healthy_subscriptions: set[int] = set()
        for message, attempt in results:
            # Only messages with a device are sent (_still_allowed drops the rest).
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
        with about(message):
            logger.warning("push %s %s: %s", message.pk, status, attempt.error)

    def _count_failure(self, message: Claimed) -> None:
        assert message.subscription_id is not None  # only messages with a device are sent
        PushSubscription.objects.filter(pk=message.subscription_id).update(
            failures=F("failures") + 1
        )

    def _forget_device(self, message: Claimed, attempt: Attempt) -> None:
        """The push service says the device unsubscribed or expired: stop sending to it."""
        assert message.subscription_id is not None  # only messages with a device are sent
        with transaction.atomic():
            PushMessage.objects.filter(
                subscription_id=message.subscription_id,
                status__in=[Status.QUEUED, Status.SENDING],
            ).update(status=Status.GONE, last_error=attempt.error, claim="")
            PushSubscription.objects.filter(pk=message.subscription_id).delete()

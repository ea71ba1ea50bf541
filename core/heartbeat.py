"""Workers say they are alive: one row per kind of worker, written at most every few seconds."""

import time

from django.utils import timezone

from core.models import WorkerHeartbeat

PUSH_WORKER = "push_worker"
EXPORT_WORKER = "export_worker"
# /health/ready allows a minute; writing four times in it rides out a slow loop without an
# UPDATE on every idle second (SQLite has one writer at a time).
BEAT_EVERY_SECONDS = 15


def heartbeat_record(*, worker: str) -> None:
    WorkerHeartbeat.objects.update_or_create(worker=worker, defaults={"beat_at": timezone.now()})


class Heartbeat:
    """Call beat() every time round a worker's loop; it writes only when one is due."""

    def __init__(self, worker: str, *, every: float = BEAT_EVERY_SECONDS) -> None:
        self.worker = worker
        self.every = every
        self._last: float | None = None

    def beat(self) -> None:
        now = time.monotonic()
        if self._last is not None and now - self._last < self.every:
            return
        heartbeat_record(worker=self.worker)
        self._last = now

"""/health/live and /health/ready: for load balancers and process managers, not for people.

They say only whether the parts answer, never anything about the people Kith holds; they need
no session, write nothing (no audit row, no session save) and give up on a part within 2 s.
The checks are django-health-check's (the database) and Kith's own (channel layer, workers),
run together by its view.
"""

import asyncio
import dataclasses
import datetime
import uuid

from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET
from health_check.base import HealthCheck
from health_check.checks import Database
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView

from core.heartbeat import EXPORT_WORKER, PUSH_WORKER
from core.models import WorkerHeartbeat

CHECK_SECONDS = 2
HEARTBEAT_MAX_AGE = datetime.timedelta(minutes=1)


@dataclasses.dataclass
class ChannelLayer(HealthCheck):
    """A message sent to this process's own channel comes back: Redis (or memory) works."""

    timeout = datetime.timedelta(seconds=CHECK_SECONDS)

    async def run(self) -> None:
        layer = get_channel_layer()
        assert layer is not None, "settings.CHANNEL_LAYERS always names a default layer"
        try:
            # The stub's BaseChannelLayer takes no prefix; the in-memory and Redis layers do.
            channel = await layer.new_channel("health.")  # type: ignore[call-arg]
            token = uuid.uuid4().hex
            await layer.send(channel, {"type": "health.ping", "token": token})
            message = await asyncio.wait_for(layer.receive(channel), CHECK_SECONDS)
        except (OSError, TimeoutError) as exc:
            raise ServiceUnavailable("the channel layer did not answer") from exc
        if message.get("token") != token:
            raise ServiceUnavailable("the channel layer answered with another message")


@dataclasses.dataclass
class WorkerAlive(HealthCheck):
    """The worker went round its loop within the last minute (see core.heartbeat)."""

    worker: str
    timeout = datetime.timedelta(seconds=CHECK_SECONDS)

    async def run(self) -> None:
        # On the request's own thread, which keeps its database connection (request_threads).
        beat_at = await sync_to_async(self._last_beat)()
        if beat_at is None:
            raise ServiceUnavailable(f"{self.worker} has never run")
        age = timezone.now() - beat_at
        if age > HEARTBEAT_MAX_AGE:
            raise ServiceUnavailable(f"{self.worker} last ran {int(age.total_seconds())} s ago")

    def _last_beat(self) -> datetime.datetime | None:
        return (
            WorkerHeartbeat.objects.filter(worker=self.worker)
            .values_list("beat_at", flat=True)
            .first()
        )


# The name each check answers under, in the JSON.
READY_CHECKS = {
    "database": Database(),
    "channel_layer": ChannelLayer(),
    PUSH_WORKER: WorkerAlive(worker=PUSH_WORKER),
    EXPORT_WORKER: WorkerAlive(worker=EXPORT_WORKER),
}


class ReadyView(HealthCheckView):
    """Every check at once; 200 when all answer, 503 (try another process) when one does not.

    Always JSON, named by part, whatever the Accept header asks for: what a probe reads.
    """

    async def get(self, request: HttpRequest, *args: object, **kwargs: object) -> JsonResponse:
        results = await asyncio.gather(*(check.get_result() for check in READY_CHECKS.values()))
        checks = {
            name: result.error.message if result.error else "ok"
            for name, result in zip(READY_CHECKS, results, strict=True)
        }
        ready = all(answer == "ok" for answer in checks.values())
        return JsonResponse(
            {"status": "ok" if ready else "unavailable", "checks": checks},
            status=200 if ready else 503,
        )


@require_GET
def live(request: HttpRequest) -> JsonResponse:
    """The process answers: nothing else is asked, so a busy database never restarts it."""
    response = JsonResponse({"status": "ok"})
    add_never_cache_headers(response)
    return response


ready = ReadyView.as_view()

"""Prometheus metrics: what each process did (requests, sockets, frames) and what waits in
the queues, at /metrics for whoever holds METRICS_TOKEN or scrapes from an allowed address.

Each daphne process is its own scrape target (kith-daphne@PORT: 127.0.0.1:PORT/metrics), not
prometheus_client's multiprocess mode: the processes are separate units on known ports, so
"open sockets per process" is simply each target's gauge, a restarted process starts its own
counters (which Prometheus's rate() expects), and there is no shared folder of memory-mapped
files to wipe at every start. The queue figures are read from the database when scraped, so
every target reports the same ones: query them with max().
"""

import asyncio
import hmac
import ipaddress
import time
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.db.models import Count, Min
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET
from prometheus_client import REGISTRY, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.registry import Collector

REQUESTS = Counter(
    "kith_http_requests",
    "HTTP requests answered, by route (the URL pattern's name, never the path) and status.",
    ["route", "method", "status"],
)
REQUEST_SECONDS = Histogram(
    "kith_http_request_duration_seconds",
    # By method too: the API's list and its writes share one address, and so one route name
    # (writing a note is POST to "api:note_list"); timed together, a slow write would hide.
    "Time to answer an HTTP request, by route and method.",
    ["route", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
SOCKETS_OPEN = Gauge("kith_websockets_open", "WebSockets this process holds open now.")
FRAMES_SENT = Counter("kith_websocket_frames_sent", "Frames this process sent down WebSockets.")
FANOUT_SECONDS = Histogram(
    "kith_fanout_commit_to_last_frame_seconds",
    "From a change's commit to this process handing its frame to the last of its sockets that"
    " hears it; one observation per change per process that had a socket hearing it.",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
# A change's frames reach a process's sockets one by one, and nothing says which is the last:
# once none has come for this long, the latest written was the last. Tests shorten it.
FANOUT_QUIET_SECONDS = 1.0

METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}
UNMATCHED = "unmatched"  # an address no pattern knows: counted, without its path


class RequestMetricsMiddleware:
    """Outermost: counts and times every answer, the other middleware's work included."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        match = request.resolver_match
        route = match.view_name if match is not None else UNMATCHED
        method = request.method if request.method in METHODS else "other"
        REQUESTS.labels(route, method, str(response.status_code)).inc()
        REQUEST_SECONDS.labels(route, method).observe(time.perf_counter() - started)
        return response


class SocketMetrics:
    """ASGI middleware around the WebSocket app: open sockets and frames sent."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "websocket":
            await self.app(scope, receive, send)
            return
        is_open = False

        async def counting_send(message: dict) -> None:
            nonlocal is_open
            kind = message["type"]
            if kind == "websocket.send":
                FRAMES_SENT.inc()
            elif kind == "websocket.accept" and not is_open:
                is_open = True
                SOCKETS_OPEN.inc()
            elif kind == "websocket.close" and is_open:
                is_open = False
                SOCKETS_OPEN.dec()
            await send(message)

        try:
            await self.app(scope, receive, counting_send)
        finally:
            if is_open:  # the client left: the consumer returned without closing itself
                SOCKETS_OPEN.dec()


class FanoutClock:
    """Times each change from its commit to the last frame this process wrote for it.

    The commit's moment comes with the change's messages (core.realtime.broadcast stamps
    ``committed_at``, wall-clock seconds, as the writing process's on_commit runs: just after
    the COMMIT returned), so every process measures from the same moment; on several machines
    the figure includes their clocks' difference. A frame counts as written when the socket's
    send has returned: daphne has it for that connection. One change is one publish, all of
    its streams and languages together (a note shared with the circle goes to the team's
    stream and the circle's); catch-up frames are not counted.
    """

    def __init__(self) -> None:
        # change -> (committed at, last frame written at, the loop that times it)
        self._changes: dict[int, tuple[float, float, asyncio.AbstractEventLoop]] = {}

    def frame_written(self, change: int, committed_at: float) -> None:
        """Call on the socket's event loop once a frame of ``change`` has been sent."""
        loop = asyncio.get_running_loop()
        timing = self._changes.get(change)
        if timing is None or timing[2] is not loop:
            loop.call_later(self.quiet_seconds(), self._settle, change)
        self._changes[change] = (committed_at, time.time(), loop)

    def _settle(self, change: int) -> None:
        committed_at, last, loop = self._changes[change]
        left = last + self.quiet_seconds() - time.time()
        if left > 0:  # a frame came meanwhile: wait until the change has been quiet
            loop.call_later(left, self._settle, change)
            return
        del self._changes[change]
        FANOUT_SECONDS.observe(max(0.0, last - committed_at))

    @staticmethod
    def quiet_seconds() -> float:
        return getattr(settings, "FANOUT_QUIET_SECONDS", FANOUT_QUIET_SECONDS)


FANOUT = FanoutClock()


# Queues, read from the database at each scrape. Apps add their own (families: exports).
QueueReader = Callable[[], Iterable[GaugeMetricFamily]]
QUEUE_READERS: list[QueueReader] = []


def queue_depth_and_age(
    name: str, what: str, depth: int, oldest: Any | None
) -> list[GaugeMetricFamily]:
    age = (timezone.now() - oldest).total_seconds() if oldest is not None else 0.0
    return [
        GaugeMetricFamily(f"kith_{name}_depth", f"{what} waiting now.", value=depth),
        GaugeMetricFamily(
            f"kith_{name}_oldest_seconds", f"Age of the oldest of the {what} waiting.", value=age
        ),
    ]


def push_queues() -> Iterable[GaugeMetricFamily]:
    from core.models import PushMessage, PushNews

    news = PushNews.objects.aggregate(depth=Count("id"), oldest=Min("created_at"))
    yield from queue_depth_and_age("push_news", "push news to share out", **news)
    waiting = PushMessage.objects.filter(
        status__in=[PushMessage.Status.QUEUED, PushMessage.Status.SENDING]
    ).aggregate(depth=Count("id"), oldest=Min("created_at"))
    yield from queue_depth_and_age("push_queue", "push messages", **waiting)
    results = GaugeMetricFamily(
        "kith_push_messages",
        "Push messages by status, until the worker prunes finished ones (hourly).",
        labels=["status"],
    )
    counts = dict(PushMessage.objects.values_list("status").annotate(Count("id")))
    for status in PushMessage.Status.values:
        results.add_metric([status], counts.get(status, 0))
    yield results


QUEUE_READERS.append(push_queues)


class QueueCollector(Collector):
    def describe(self) -> Iterable[GaugeMetricFamily]:
        return []  # registering must not query the database (it happens at import)

    def collect(self) -> Iterable[GaugeMetricFamily]:
        for reader in QUEUE_READERS:
            yield from reader()


REGISTRY.register(QueueCollector())


def _allowed(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    if token:
        sent = request.headers.get("Authorization", "")
        if hmac.compare_digest(sent.encode(), f"Bearer {token}".encode()):
            return True
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(
        address in ipaddress.ip_network(allowed, strict=False)
        for allowed in settings.METRICS_ALLOWED_ADDRESSES
    )


@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    """Nothing is here for anyone else: the same 404 as an address that does not exist."""
    if not _allowed(request):
        raise Http404
    return HttpResponse(generate_latest(REGISTRY), content_type=CONTENT_TYPE_LATEST)

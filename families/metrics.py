"""The record-copy queue, for /metrics (core.metrics reads it at each scrape)."""

from collections.abc import Iterable

from django.db.models import Count, Min
from prometheus_client.core import GaugeMetricFamily

from core.metrics import queue_depth_and_age


def export_queue() -> Iterable[GaugeMetricFamily]:
    from families.models import RecordExport

    waiting = RecordExport.objects.filter(
        status__in=[RecordExport.Status.QUEUED, RecordExport.Status.BUILDING]
    ).aggregate(depth=Count("id"), oldest=Min("created_at"))
    yield from queue_depth_and_age("export_queue", "record copies", **waiting)

"""What the benchmarks share: timing, counting queries, and a throwaway Django to run in."""

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def start_throwaway_django(folder: str) -> None:
    """Set Django up on a SQLite database and in-memory channel layer inside `folder`."""
    for name in ("DATABASE_URL", "REDIS_URL", "KITH_MEDIA_ROOT", "DJANGO_DEBUG"):
        os.environ.pop(name, None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "core.settings"
    os.environ["KITH_VAR_DIR"] = folder
    if str(BASE_DIR) not in sys.path:
        sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()


def timed(run: Callable[[], object], runs: int) -> list[float]:
    """Milliseconds for each of `runs` calls, after one call that fills the caches."""
    run()  # a first run fills caches the others then share, as a live server's would
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return times


def query_count(run: Callable[[], object]) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        run()
    return len(captured.captured_queries)


def percentile(times: list[float], share: float) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]

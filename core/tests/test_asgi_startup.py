"""A served process keeps what it loaded at start out of garbage collection.

A full collection of everything Kith loads holds up the event loop, and so every open page's
frames, for about 100 ms; frozen at start, collections look only at what was made since.
"""

import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent

COUNTS = """
import gc
before = len(gc.get_objects())
import core.asgi
from django.urls import get_resolver
routes = get_resolver().url_patterns
# Frozen objects are left out of what the collector tracks.
print(gc.get_freeze_count(), before, int(any(o is routes for o in gc.get_objects())))
"""


def test_serving_freezes_what_start_up_loaded(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "core.settings",
        "KITH_VAR_DIR": str(tmp_path),
    }
    for name in ("DATABASE_URL", "REDIS_URL"):
        env.pop(name, None)
    result = subprocess.run(  # noqa: S603 - our own fixed script
        [sys.executable, "-c", COUNTS],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    frozen, before, routes_collected = (int(n) for n in result.stdout.split())
    # Django, the apps and the socket routes: many times what Python starts with.
    assert frozen > 10 * before
    # The URL conf is loaded before the freeze, not on the first request after it.
    assert routes_collected == 0

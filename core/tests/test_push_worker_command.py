"""The long-running push worker as its own process: it starts, and stops cleanly when told."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)


def _start(tmp_path: Path, *args: str) -> subprocess.Popen:
    env = {**os.environ, "KITH_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "core.settings"}
    env.pop("DATABASE_URL", None)
    manage = [sys.executable, "manage.py"]
    command = [*manage, "migrate", "-v0"]
    subprocess.run(command, cwd=BASE_DIR, env=env, check=True, timeout=120)  # noqa: S603 - ours
    return subprocess.Popen(  # noqa: S603 - our own manage.py, no outside input
        [*manage, "push_worker", "--interval", "0.1", *args],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _wait_for_line(process: subprocess.Popen[str], text: str, seconds: float = 30) -> None:
    assert process.stdout is not None
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if text in line:
            return
        if not line and process.poll() is not None:
            break
    raise AssertionError(f"the worker never said {text!r}")


def test_it_finishes_and_exits_when_asked_to_stop(tmp_path):
    worker = _start(tmp_path)
    try:
        _wait_for_line(worker, "Push worker started.")
        worker.send_signal(signal.SIGTERM)
        output, _ = worker.communicate(timeout=20)
    finally:
        worker.kill()
    assert worker.returncode == 0
    assert "Push worker stopped." in output


def test_a_started_worker_keeps_what_it_loaded_out_of_full_collections():
    import gc

    from core.push.delivery import settle_worker_process

    try:
        settle_worker_process()
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()

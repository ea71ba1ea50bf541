"""The benchmarks that need no server still run to the end, on a small scale.

Their figures are read by people, not asserted (a slow machine is not a failure), but a
benchmark that crashes on today's demo data or pages measures nothing: two did, unnoticed,
after the demo neighbourhood and a carer's home page changed. What they assert beside their
figures (the same queries on every page) is asserted here too: that holds on any machine.
"""

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent


def _run(script: str, *options: str) -> str:
    finished = subprocess.run(
        [sys.executable, str(BENCH / script), *options],
        capture_output=True,
        text=True,
        timeout=300,
    )
    # 1 is also a target missed on a slow machine; a crash shows its traceback.
    assert finished.returncode in (0, 1), finished.stderr[-3000:]
    assert "Traceback" not in finished.stderr, finished.stderr[-3000:]
    return finished.stdout


def test_the_timeline_benchmark_runs_and_every_page_costs_the_same_queries():
    out = _run("timeline_bench.py", "--runs", "5", "--notes", "300")
    assert "Slowest p50:" in out, out
    assert "Queries the same on every page: yes" in out, out


def test_the_rota_benchmark_runs_and_every_week_costs_the_same_queries():
    out = _run("rota_bench.py", "--runs", "5", "--expand-runs", "1")
    assert "queries the same every week: yes" in out, out
    assert "target: at most 2 s" in out, out

"""What one daphne process holds: idle signed-in timeline sockets, against a bare Channels app.

    REDIS_URL=redis://127.0.0.1:6379/0 python bench/idle_sockets_bench.py

What it does, all on 127.0.0.1: makes a fresh SQLite database (or, with --postgres URL, a
throwaway PostgreSQL database) with the demo neighbourhood and --sockets signed-in sessions of
people who may see Jean (half her circle, half her team); starts ONE daphne process serving
Kith and opens that many timeline sockets to it (/ws/people/<Jean>/), waits --idle seconds,
and reads the process's resident memory (RSS) and the CPU it used while idle; then does the
same with ONE daphne process serving the bare Channels app of bench/bare_app.py (a consumer
that joins a group and does nothing else), in the same run, on the same Redis.

It prints, per app: RSS before the sockets, RSS holding them, the memory per socket, CPU % at
rest, and sockets the server closed while idle (should be 0). Then the ratios Kith / bare of
RSS holding the sockets (target: at most 1.3x) and of memory per socket. Kith's idle work
(presence refreshed every 60 s, the session re-checked every 60 s, group membership renewed)
is inside the idle window when --idle is at least 60 (the default is 70).

Options: --sockets N (default 2000), --idle S (default 70), --postgres URL.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.fanout_bench import (
    BASE_DIR,
    DEFAULT_REDIS_URL,
    HOST,
    _free_port,
    _run,
    _wait_until_answering,
    bare_env,
    close_all,
    connect_all,
    kith_env,
    throwaway_postgres,
)

PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
TICKS = os.sysconf("SC_CLK_TCK")


def rss_mib(pid: int) -> float:
    with open(f"/proc/{pid}/statm") as statm:
        return int(statm.read().split()[1]) * PAGE_SIZE / 2**20


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime


@contextmanager
def one_daphne(app: str, env: dict[str, str], folder: Path, name: str) -> Iterator[tuple[str, int]]:
    port = _free_port()
    log = folder / f"{name}.log"
    with log.open("w") as handle:
        process = subprocess.Popen(
            [sys.executable, "-m", "daphne", "-b", HOST, "-p", str(port), app],
            cwd=BASE_DIR,
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_answering(process, port, log)
        yield f"http://{HOST}:{port}", process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass
class Held:
    rss_before: float
    rss_holding: float
    cpu_percent: float
    closed_by_server: int
    sockets: int

    @property
    def per_socket_kib(self) -> float:
        return (self.rss_holding - self.rss_before) * 1024 / self.sockets


async def hold(
    url: str, pid: int, paths: list[str], cookies: list[dict[str, str]], idle: float
) -> Held:
    time.sleep(2)  # let start-up settle before the first reading
    rss_before = rss_mib(pid)
    sessions, sockets = await connect_all([url], paths, cookies)
    try:
        await asyncio.sleep(5)  # the catch-up and presence writes of the handshakes end
        cpu_start, started = cpu_seconds(pid), time.monotonic()
        await asyncio.sleep(idle)
        cpu = (cpu_seconds(pid) - cpu_start) / (time.monotonic() - started) * 100
        rss_holding = rss_mib(pid)
        closed = sum(1 for socket in sockets if socket.closed)
    finally:
        await close_all(sessions, sockets)
    return Held(rss_before, rss_holding, cpu, closed, len(paths))


def _line(app: str, held: Held) -> str:
    return (
        f"{app:<5}  {held.sockets:>7}  {held.rss_before:>10.1f}  {held.rss_holding:>11.1f}  "
        f"{held.per_socket_kib:>12.1f}  {held.cpu_percent:>9.2f}  {held.closed_by_server:>6}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sockets", type=int, default=2000)
    parser.add_argument("--idle", type=float, default=70.0)
    parser.add_argument("--postgres", metavar="URL")
    options = parser.parse_args()
    # Each socket is a file on both ends: raise this process's limit (daphne inherits it).
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    if hard < 2 * options.sockets + 200:
        raise SystemExit(f"the open-file limit ({hard}) is too low for {options.sockets} sockets")
    redis_url = os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL
    with (
        tempfile.TemporaryDirectory(prefix="kith-idle-") as temporary,
        throwaway_postgres(options.postgres, "kith_idle")
        if options.postgres
        else nullcontext("") as database,
    ):
        folder = Path(temporary)
        env = kith_env(folder, redis_url, database)
        print("Preparing a fresh database with the demo neighbourhood…", flush=True)
        _run(["manage.py", "migrate", "--noinput", "-v0"], env)
        _run(["manage.py", "seed_demo"], env)
        setup_env = {**env, "PYTHONPATH": str(BASE_DIR)}
        made = json.loads(
            _run(
                [
                    str(BASE_DIR / "bench" / "fanout_bench.py"),
                    "--make-sessions",
                    str(options.sockets),
                ],
                setup_env,
            ).splitlines()[-1]
        )
        kith_paths = [f"/ws/people/{made['person_id']}/"] * options.sockets
        kith_cookies = [{made["cookie_name"]: viewer["session"]} for viewer in made["viewers"]]
        bare_paths = [
            f"/ws/?audience={'circle' if i % 2 == 0 else 'team'}" for i in range(options.sockets)
        ]
        print(f"{options.sockets} sockets per app, idle {options.idle:.0f} s, Redis {redis_url}.")
        with one_daphne("core.asgi:application", env, folder, "kith") as (url, pid):
            kith = asyncio.run(hold(url, pid, kith_paths, kith_cookies, options.idle))
        with one_daphne("bench.bare_app:application", bare_env(redis_url), folder, "bare") as (
            url,
            pid,
        ):
            bare = asyncio.run(hold(url, pid, bare_paths, [{}] * options.sockets, options.idle))
    print("app    sockets  RSS before MiB  RSS holding MiB  KiB / socket  CPU % idle  closed")
    print(_line("kith", kith))
    print(_line("bare", bare))
    ratio = kith.rss_holding / bare.rss_holding
    print(f"RSS holding the sockets, Kith / bare: {ratio:.2f}x (target at most 1.3x)")
    per_socket = kith.per_socket_kib / max(bare.per_socket_kib, 0.1)
    print(f"Memory per socket, Kith / bare: {per_socket:.2f}x")
    failed = ratio > 1.3 or kith.closed_by_server or bare.closed_by_server
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

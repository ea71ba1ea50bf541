"""Restart without loss behind nginx: 500 open pages on two daphne processes behind deploy/'s
nginx site, a stream of notes through the API, and one process killed with SIGKILL mid-stream.

    REDIS_URL=redis://127.0.0.1:6379/0 python bench/restart_bench.py

What it does, all on 127.0.0.1: makes a throwaway PostgreSQL database (--postgres names the
server; the database is kith_restart_<random>, dropped at the end) and builds the reliability
test's neighbourhood in it at ten people (e2e/reliability_world.py): 500 pages, each a
signed-in viewer's timeline (10 carers, 30 family members, 10 professionals per person).
Starts two daphne processes as the kith-daphne@ unit does, on Redis, and the shipped nginx
site in front of them over TLS (deploy/local.py). Opens the 500 pages' sockets through nginx,
which spreads them over both processes. Sixteen carers then post a stream of --notes notes
through nginx's API (each writer a note every --pause seconds; a note whose answer is lost
is sent again with the same client key, as the outbox does); once --kill-after are saved,
process A is killed with SIGKILL and started again RestartSec later, as systemd's
Restart=always does. Each page is a client that behaves as live.js does (e2e/live_page.py):
it follows each stream's chain of frames, asks for what it missed, and when its socket ends it
waits a random moment (up to 1 s, then backing off as htmx's ws extension does) and
reconnects through nginx with ?after= what it had.

It prints: sockets each process held before the kill; notes posted and retried; when the kill
came; for each page the kill cut off, the reconnect time (kill to the new socket open) and the
catch-up time (kill to the page showing every note it may see that was saved before it
reconnected), p50/p95/max; then, once every page has been quiet for 2 s, the notes lost (a
page lacks a note it may see), doubled (a note saved twice, or an event sent twice down one
socket), heard where they may not be (a team-only note on a circle page) and sockets a server
closed other than those of the kill, each of which must be 0; frames re-sent after a
reconnect, which pages drop by id as timeline.js does, are counted but are no fault. Last, each
process's kith_fanout_commit_to_last_frame_seconds (core/metrics.py). Exit status 1 when
anything was lost, doubled or heard where it may not be.

Options: --notes N (default 400), --kill-after N (default 120), --pause S (default 0.25),
--people N (default 10, 50 pages each), --postgres URL.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "core.settings")

import aiohttp
from prometheus_client.parser import text_string_to_metric_families

from bench.measure import percentile
from deploy.local import DAPHNE_UNIT, HOST, as_deployed, nginx_in_front, start_daphne, stop
from e2e.conftest import _free_port, _PostgresDatabase, _run, _server_env, _wait_until_answering
from e2e.live_page import ARTICLE, TEAM_ONLY, Page
from e2e.reliability_world import KINDS, build_in, visible

DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
METRICS_TOKEN = uuid.uuid4().hex
OPENING_AT_ONCE = 20  # pages opening at the same moment
SETTLE_SECONDS = 2.0  # quiet this long: every frame has arrived
FANOUT = "kith_fanout_commit_to_last_frame_seconds"


def restart_seconds() -> float:
    """The unit's RestartSec: how long systemd waits before starting a killed process."""
    found = re.search(r"(?m)^RestartSec=(\d+(\.\d+)?)$", DAPHNE_UNIT.read_text())
    return float(found.group(1)) if found else 0.1


@dataclass
class TimedPage(Page):
    """A page that also notes when the kill cut it off, reconnected and caught up."""

    cut_at: float = 0.0
    back_at: float = 0.0
    caught_up_at: float = 0.0
    needed: set[int] = field(default_factory=set)
    resent: int = 0  # new-note frames for a note already shown (timeline.js drops them)

    def show(self, frame: str) -> None:
        for match in ARTICLE.finditer(frame):
            inserted = 'afterbegin:#timeline"' in frame[: match.start()][-60:]
            if inserted and int(match.group(1)) in self.shown:
                self.resent += 1
        super().show(frame)

    def check_caught_up(self) -> None:
        if self.back_at and not self.caught_up_at and self.needed <= self.shown.keys():
            self.caught_up_at = time.monotonic()

    async def heard(self, frame: str, on_this_socket: set[int]) -> None:
        await super().heard(frame, on_this_socket)
        self.check_caught_up()


@dataclass
class Run:
    https: str
    ports: list[int]
    processes: list[subprocess.Popen]
    env: dict[str, str]
    logs: Path
    world: dict[str, Any]
    http: aiohttp.ClientSession
    pages: list[TimedPage]
    options: argparse.Namespace
    notes: dict[str, dict[str, Any]] = field(default_factory=dict)  # client key -> note
    retried: int = 0
    killed_at: float = 0.0
    killed_after: int = 0
    back_at: float = 0.0
    before_kill: list[dict[str, Any]] = field(default_factory=list)  # each process's metrics
    started_at: float = field(default_factory=time.monotonic)
    opening: asyncio.Semaphore = field(default_factory=lambda: asyncio.Semaphore(OPENING_AT_ONCE))

    def say(self, what: str) -> None:
        print(f"{time.monotonic() - self.started_at:7.1f} s  {what}", flush=True)

    def cookie(self, session: str) -> str:
        return f"__Host-sessionid={session}"

    def saved(self) -> list[dict[str, Any]]:
        return list(self.notes.values())


# The pages ---------------------------------------------------------------------------------------


@contextlib.asynccontextmanager
async def _no_wait() -> AsyncIterator[None]:
    yield


async def keep_open(run: Run, page: TimedPage) -> None:
    """The page's socket through nginx, reconnected as htmx's ws extension does."""
    path = f"/ws/people/{page.viewer['person']}/"
    retries = 0
    while not page.closing:
        try:
            async with run.opening if not page.connected.is_set() else _no_wait():
                socket = await run.http.ws_connect(
                    f"{run.https}{path}?after={page.covered}",
                    headers={"Origin": run.https, "Cookie": run.cookie(page.viewer["session"])},
                    autoping=True,
                    heartbeat=None,
                )
        except (aiohttp.ClientError, OSError) as error:
            page.last_error = repr(error)
            await asyncio.sleep(random.uniform(0, 2 ** min(retries, 3)))
            retries += 1
            continue
        retries = 0
        if page.cut_at and not page.back_at:
            page.back_at = time.monotonic()
            # What it must show once caught up: every note it may see saved by now.
            page.needed = {n["id"] for n in run.saved() if visible(page.viewer, n)}
            page.check_caught_up()
        page.socket = socket
        page.asking, page.unanswered = False, []  # a new socket answers ?after= itself
        page.connected.set()
        on_this_socket: set[int] = set()
        async for message in socket:
            if message.type == aiohttp.WSMsgType.TEXT:
                await page.heard(message.data, on_this_socket)
        page.socket = None
        if page.closing:
            return
        if run.killed_at and not page.cut_at:
            page.cut_at = time.monotonic()
            await asyncio.sleep(random.uniform(0, 1))
            continue
        page.server_closes.append(f"page {page.number}: closed with {socket.close_code}")
        return


async def quiet(run: Run) -> None:
    """Until no page has heard a frame or waited for an answer for SETTLE_SECONDS."""
    while True:
        await asyncio.sleep(0.5)
        now = time.monotonic()
        if not any(p.asking or now - p.last_frame_at < SETTLE_SECONDS for p in run.pages):
            return


# The stream of notes and the kill ----------------------------------------------------------------


async def write(run: Run, writer: dict[str, Any], numbers: list[int]) -> None:
    people = run.world["people"]
    csrf = uuid.uuid4().hex
    headers = {
        "Cookie": f"{run.cookie(writer['session'])}; __Host-csrftoken={csrf}",
        "X-CSRFToken": csrf,
        "Origin": run.https,
        "Referer": f"{run.https}/",
    }
    for number in numbers:
        kind, audience = KINDS[number % len(KINDS)]
        person = people[number % len(people)]
        marker = TEAM_ONLY if audience == "team" and kind != "concern" else "SHARED"
        note = {
            "kind": kind,
            "audience": audience,
            "person": person,
            "body": f"{marker} note {number}: {kind} for {audience}",
            "client_key": str(uuid.uuid4()),
        }
        sent = {k: note[k] for k in ("kind", "body", "audience", "client_key")}
        last = ""
        for _try in range(50):
            try:
                async with run.http.post(
                    f"{run.https}/api/v1/people/{person}/notes", json=sent, headers=headers
                ) as response:
                    body = await response.text()
                    if response.status in (200, 201):
                        break
                    # nginx answers 502 for a request the killed process took with it.
                    assert response.status >= 500, f"note {number}: {response.status} {body}"
                    last = f"{response.status} {body[:200]}"
            except (aiohttp.ClientError, OSError) as error:
                last = repr(error)
            run.retried += 1  # the same note, the same key: saved once however often sent
            await asyncio.sleep(0.2)
        else:
            raise AssertionError(f"note {number} could not be saved: {last}")
        note["id"] = json.loads(body)["id"]
        run.notes[note["client_key"]] = note
        if len(run.notes) == run.options.kill_after and not run.killed_at:
            asyncio.get_running_loop().create_task(kill_and_restart(run))
        await asyncio.sleep(run.options.pause)


async def kill_and_restart(run: Run) -> None:
    run.before_kill = [await scrape(run, port) for port in run.ports]
    run.killed_after = len(run.notes)
    run.killed_at = time.monotonic()
    run.processes[0].send_signal(signal.SIGKILL)
    run.say(f"{run.killed_after} notes saved: process A killed (SIGKILL)")
    await asyncio.to_thread(run.processes[0].wait, 10)
    await asyncio.sleep(restart_seconds())
    run.processes[0] = start_daphne(run.ports[0], run.env, run.logs / "daphne-A-restarted.log")
    while True:
        try:
            async with run.http.get(f"http://{HOST}:{run.ports[0]}/health/live") as response:
                if response.status == 200:
                    break
        except (aiohttp.ClientError, OSError):
            pass
        await asyncio.sleep(0.1)
    run.back_at = time.monotonic()
    run.say(f"process A answers again, {run.back_at - run.killed_at:.1f} s after the kill")


# Figures -----------------------------------------------------------------------------------------


async def scrape(run: Run, port: int) -> dict[str, Any]:
    bearer = {"Authorization": f"Bearer {METRICS_TOKEN}"}
    async with run.http.get(f"http://{HOST}:{port}/metrics", headers=bearer) as response:
        text = await response.text()
    return {
        sample.name + json.dumps(sample.labels, sort_keys=True) * bool(sample.labels): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def fanout_line(name: str, metrics: dict[str, Any], before: dict[str, Any] | None = None) -> str:
    """The histogram's count, mean and p95 bucket, less what it held ``before``."""
    if before:
        metrics = {key: value - before.get(key, 0.0) for key, value in metrics.items()}
    count = metrics.get(f"{FANOUT}_count", 0.0)
    if not count:
        return f"  {name}: no change timed"
    mean = metrics[f"{FANOUT}_sum"] / count
    buckets = sorted(
        (float(json.loads(key[len(FANOUT) + 7 :])["le"]), value)
        for key, value in metrics.items()
        if key.startswith(f"{FANOUT}_bucket")
    )
    p95 = next(le for le, below in buckets if below >= 0.95 * count)
    return f"  {name}: {count:.0f} changes, mean {mean * 1000:.0f} ms, p95 at most {p95:g} s"


def spread(values: list[float]) -> str:
    if not values:
        return "none"
    return (
        f"p50 {percentile(values, 0.5):.2f} s, p95 {percentile(values, 0.95):.2f} s, "
        f"max {max(values):.2f} s"
    )


async def the_run(run: Run) -> dict[str, int]:
    pages = run.pages
    keepers = [asyncio.create_task(keep_open(run, page)) for page in pages]
    try:
        return await the_stream(run)
    finally:
        for page in pages:
            page.closing = True
            if page.socket is not None:
                await page.socket.close()
        for keeper in keepers:
            keeper.cancel()
        await asyncio.gather(*keepers, return_exceptions=True)


async def the_stream(run: Run) -> dict[str, int]:
    pages = run.pages
    async with asyncio.timeout(120):
        await asyncio.gather(*(page.connected.wait() for page in pages))
    held = [(await scrape(run, port)).get("kith_websockets_open", 0) for port in run.ports]
    run.say(f"{len(pages)} pages open through nginx: process A {held[0]:.0f}, B {held[1]:.0f}")

    writers = run.world["writers"]
    shares = [list(range(w, run.options.notes, len(writers))) for w in range(len(writers))]
    stream_from = time.monotonic()
    await asyncio.gather(*(write(run, w, s) for w, s in zip(writers, shares, strict=True)))
    took = time.monotonic() - stream_from
    run.say(f"{len(run.notes)} notes posted in {took:.1f} s ({run.retried} sent again)")
    async with asyncio.timeout(120):
        await quiet(run)
    run.say("every page quiet")

    notes = run.saved()
    faults = {"lost": 0, "doubled": 0, "heard where it may not be": 0, "closed by a server": 0}
    for page in pages:
        may_see = {note["id"] for note in notes if visible(page.viewer, note)}
        faults["lost"] += len(may_see - page.shown.keys())
        faults["doubled"] += len(page.repeats)
        faults["heard where it may not be"] += len(page.team_only_heard) + len(
            page.heard_ids - may_see
        )
        faults["closed by a server"] += len(page.server_closes)
    [(rows,)] = sql(run.env["DATABASE_URL"], "SELECT count(*) FROM families_note")
    faults["doubled"] += rows - len({note["id"] for note in notes})

    cut = [page for page in pages if page.cut_at]
    print(
        f"\nThe kill: {run.killed_at - stream_from:.1f} s into the stream, after "
        f"{run.killed_after} notes; process A answered again after "
        f"{run.back_at - run.killed_at:.1f} s (RestartSec {restart_seconds():g} s)."
    )
    print(f"Pages the kill cut off: {len(cut)} (process A held {held[0]:.0f})")
    print(f"  reconnected through nginx: {spread([p.back_at - run.killed_at for p in cut])}")
    caught = [p.caught_up_at - run.killed_at for p in cut if p.caught_up_at]
    print(f"  caught up:                 {spread(caught)}")
    print(f"  never caught up:           {sum(1 for p in cut if not p.caught_up_at)}")
    print(f"Frames re-sent after a reconnect, dropped by id: {sum(p.resent for p in pages)}")
    print("Fan-out, commit to the last frame each process wrote:")
    a_before, b_before = run.before_kill
    print(fanout_line("A, before the kill", a_before))
    print(fanout_line("B, before the kill", b_before))
    print(fanout_line("A, since its restart", await scrape(run, run.ports[0])))
    print(fanout_line("B, since the kill", await scrape(run, run.ports[1]), b_before))
    faults["never caught up"] = sum(1 for p in cut if not p.caught_up_at)
    return faults


def sql(database_url: str, query: str) -> list[tuple]:
    import psycopg

    with psycopg.connect(database_url, connect_timeout=5) as connection:
        return connection.execute(query).fetchall()


@contextlib.contextmanager
def servers(options: argparse.Namespace, folder: Path) -> Iterator[dict[str, Any]]:
    """The database, the world in it, two daphne processes and nginx in front of them."""
    database = _PostgresDatabase(options.postgres, prefix="kith_restart")
    database.create()
    processes: list[subprocess.Popen] = []
    try:
        var_dir = folder / "var"
        var_dir.mkdir()
        env = _server_env(var_dir, database.url)
        env["REDIS_URL"] = os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL
        env = as_deployed(env, metrics_token=METRICS_TOKEN)
        print("Preparing a fresh PostgreSQL database and 500 signed-in pages…", flush=True)
        _run(["migrate", "--noinput", "-v0"], env)
        _run(["collectstatic", "--noinput", "-v0"], env)
        world = build_in(env, people=options.people)
        ports = [_free_port(), _free_port()]
        for name, port in zip("AB", ports, strict=True):
            processes.append(start_daphne(port, env, folder / f"daphne-{name}.log"))
        for name, port, process in zip("AB", ports, processes, strict=True):
            _wait_until_answering(process, port, folder / f"daphne-{name}.log")
        https_port = _free_port()
        with nginx_in_front(
            folder,
            daphne_ports=ports,
            http_port=_free_port(),
            https_port=https_port,
            static=var_dir / "static",
            # Each page's socket is two of nginx's connections; the writers' too.
            worker_connections=4 * len(world["pages"]) + 256,
        ):
            yield {
                "https": f"https://{HOST}:{https_port}",
                "ports": ports,
                "processes": processes,
                "env": env,
                "world": world,
            }
    finally:
        for process in processes:
            if process.poll() is None:
                stop(process)
        database.drop()


async def run_with(options: argparse.Namespace, folder: Path, setup: dict[str, Any]) -> int:
    # The certificate is the run's own: trusting it is not what is measured.
    connector = aiohttp.TCPConnector(limit=0, ssl=False)
    async with aiohttp.ClientSession(
        connector=connector, cookie_jar=aiohttp.DummyCookieJar()
    ) as http:
        pages = [
            TimedPage(number=n, viewer=viewer, process=0)
            for n, viewer in enumerate(setup["world"]["pages"])
        ]
        run = Run(http=http, pages=pages, options=options, logs=folder, **setup)
        faults = await the_run(run)
    print()
    for what, count in faults.items():
        print(f"{what:<27} {count}")
    failed = any(faults.values())
    print("Verdict:", "FAILED" if failed else "nothing lost, nothing doubled, nothing overheard")
    return 1 if failed else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=400)
    parser.add_argument("--kill-after", type=int, default=120)
    parser.add_argument("--pause", type=float, default=0.25)
    parser.add_argument("--people", type=int, default=10)
    parser.add_argument("--postgres", metavar="URL", default=DEFAULT_POSTGRES)
    parser.add_argument("--keep", action="store_true", help="keep the logs' folder")
    options = parser.parse_args()
    if not 0 < options.kill_after < options.notes:
        parser.error("--kill-after must fall inside the stream")
    # Each socket is a file here, twice in nginx and once in daphne: raise the limit (the
    # servers inherit it).
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    folder = Path(tempfile.mkdtemp(prefix="kith-restart-"))
    try:
        with servers(options, folder) as setup:
            try:
                return asyncio.run(run_with(options, folder, setup))
            except BaseException:
                show_logs(folder)
                raise
    finally:
        if options.keep:
            print(f"The servers' logs are in {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


def show_logs(folder: Path) -> None:
    """What nginx and the servers said, for the report of a run that failed: the first line
    of each kind of nginx error, and each server's last lines that are not access lines."""
    kinds: dict[str, str] = {}
    for line in (folder / "error.log").read_text().splitlines():
        if found := re.search(r"\[(error|warn|crit|alert)\] [\d#]+: \*\d+ ([^,]+)", line):
            kinds.setdefault(found.group(2), line)
    print("--- nginx's errors, the first of each kind:\n" + "\n".join(kinds.values()))
    for log in sorted(folder.glob("daphne-*.log")):
        said = [line for line in log.read_text().splitlines() if "[info  " not in line]
        said = [line for line in said if not re.match(r"^\S+:\d+ - - \[", line)]
        print(f"--- {log.name}:\n" + "\n".join(said[-30:]))


if __name__ == "__main__":
    sys.exit(main())

"""How fast a note reaches every open timeline, against two baselines in the same run.

    REDIS_URL=redis://127.0.0.1:6379/0 python bench/fanout_bench.py

What it does, all on 127.0.0.1:
- makes a fresh SQLite database in a temporary folder (or, with --postgres URL, a throwaway
  database on that PostgreSQL server, as production runs), migrates it and seeds the demo
  neighbourhood, then signs in viewer sessions of Jean (half from her circle, half from her
  team: several sessions of the demo accounts that may see her);
- starts 2 daphne processes serving Kith, 2 serving the bare app and 2 serving the floor (both
  in bench/bare_app.py), all on the same Redis (REDIS_URL, default redis://127.0.0.1:6379/0)
  under prefixes of their own;
- for 1, 20 and 200 viewers, spread evenly over the 2 processes, posts notes shared with the
  circle through process A's API (as Angela) and times, at every viewer, from the moment the
  POST is sent to the moment the frame carrying that note arrives. The bare app and the floor
  each get the same viewers, the same split into two groups and fragments of the same size,
  posted to their A. All three apps' viewers are open at once and the measured notes take
  turns (kith, bare, floor, kith, …), so a machine that slows down mid-run weighs on all three
  alike.

The three rows per viewer count, from cheapest to dearest:
- "bare": a raw ASGI endpoint that group_sends the fragment, writing nothing; the least
  Channels over Redis costs.
- "floor": the least a Django app can do for the same job: Django's handler with sessions and
  authentication only, a sync view that checks the user is signed in, stores the fragment in one
  row inside a transaction and group_sends it on commit. It is tuned as Kith is: requests on
  long-lived threads that keep their connections, a sync-only innermost middleware, and a
  database like Kith's (a fresh SQLite file with Kith's options, or with --postgres a second
  throwaway database on the same server, pooled as Kith's is). floor minus bare is what any
  authenticated Django write costs on this stack.
- "kith": a real note through Kith's API; kith minus floor is Kith's own cost.

It prints p50/p95/p99 per viewer count and app, the frames lost (not there within
--frame-timeout seconds), and the ratios of Kith's p95 to the bare app's and to the floor's.
Two columns help read them: "POST p50", how long the POST itself took to answer, and "spread
p50", per note the time from the first viewer's frame to the last one's (the fan-out alone).
The targets: p95 at most 1.5x the bare app's (the first issue's), and p95 at most 1.5x the
floor's at every viewer count (issue 16's: the floor is the honest limit of this stack), with
no frame lost; a verdict line says whether each is met. The exit status is 1 when a frame is
lost (by any app). The floor's own ratio to the bare app, printed last, shows how far from the
first target any Django write already is. Notes are sent one at a time: the next waits until
every viewer has the last one. The viewers are only accounts shown the note the bench posts (a
moment shared with the circle): a circle member the person shows only concerns and visits is
rightly never sent it.

Options: --notes N (measured notes per viewer count, default 40), --warmup N (default 5),
--viewers 1,20,200, --frame-timeout S (default 5), --postgres URL.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import math
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from contextlib import AsyncExitStack, contextmanager, nullcontext, suppress
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
HOST = "127.0.0.1"
SERVER_START_SECONDS = 60
COMMAND_SECONDS = 300
CONNECT_SECONDS = 30
POST_SECONDS = 30
MARKER = re.compile(r"bench-[0-9a-f]+-\d+")
# Issue 16: Kith's p95 at most this many times the floor's, at every viewer count.
FLOOR_TARGET = 1.5
# What the bench posts: a moment shared with Jean's circle.
NOTE_KIND = "moment"


# Setup inside the project (run as a subprocess with the server's environment) ---------------


def make_sessions(count: int) -> None:
    """Print, as JSON, Jean's id, Angela's session and `count` viewer sessions of Jean."""
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    from core.models import User
    from families.access import Audience, person_access
    from families.models import Person

    jean = Person.objects.get(preferred_name="Jean")
    poster = User.objects.get(email="angela@kith.example")
    candidates = User.objects.filter(is_active=True).order_by("pk")
    by_audience: dict[Audience, list[User]] = {Audience.CIRCLE: [], Audience.TEAM: []}
    for user in candidates:
        access = person_access(user, jean.pk)
        # Only those shown the notes the bench posts: a district nurse Jean shows only her
        # concerns and visits is rightly never sent a moment, which is no frame lost.
        shown = access is not None and access.may_see_note(
            kind=NOTE_KIND, audience=Audience.CIRCLE, author_id=poster.pk
        )
        if access is not None and shown:
            by_audience[access.live_audience].append(user)
    if not all(by_audience.values()):
        raise SystemExit("the demo neighbourhood has nobody in Jean's circle or team")

    def session_of(user: User) -> str:
        client = Client()
        client.force_login(user)
        return client.cookies[settings.SESSION_COOKIE_NAME].value

    viewers = []
    for index in range(count):
        audience = Audience.CIRCLE if index % 2 == 0 else Audience.TEAM
        pool = by_audience[audience]
        user = pool[(index // 2) % len(pool)]
        viewers.append({"session": session_of(user), "audience": audience.value})
    print(
        json.dumps(
            {
                "person_id": jean.pk,
                "cookie_name": settings.SESSION_COOKIE_NAME,
                "poster": session_of(poster),
                "viewers": viewers,
            }
        )
    )


# Processes ------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def _run(arguments: list[str], env: dict[str, str]) -> str:
    result = subprocess.run(
        [sys.executable, *arguments],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=COMMAND_SECONDS,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(arguments)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def _wait_until_answering(process: subprocess.Popen, port: int, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"daphne stopped ({process.returncode}):\n{log.read_text()}")
        connection = http.client.HTTPConnection(HOST, port, timeout=2)
        try:
            connection.request("GET", "/")
            connection.getresponse()
            return
        except OSError:
            time.sleep(0.2)
        finally:
            connection.close()
    raise SystemExit(f"daphne did not answer within {SERVER_START_SECONDS}s:\n{log.read_text()}")


@contextmanager
def daphnes(app: str, env: dict[str, str], folder: Path, name: str) -> Iterator[list[str]]:
    """Two daphne processes serving app; their base URLs, A first."""
    processes: list[subprocess.Popen] = []
    urls = []
    try:
        for which in ("a", "b"):
            port = _free_port()
            log = folder / f"{name}-{which}.log"
            with log.open("w") as handle:
                processes.append(
                    subprocess.Popen(
                        [sys.executable, "-m", "daphne", "-b", HOST, "-p", str(port), app],
                        cwd=BASE_DIR,
                        env=env,
                        stdout=handle,
                        stderr=subprocess.STDOUT,
                    )
                )
            _wait_until_answering(processes[-1], port, log)
            urls.append(f"http://{HOST}:{port}")
        yield urls
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def kith_env(folder: Path, redis_url: str, database_url: str = "") -> dict[str, str]:
    env = dict(os.environ)
    for name in ("DATABASE_URL", "KITH_MEDIA_ROOT", "DJANGO_DEBUG"):
        env.pop(name, None)  # a fresh SQLite database in the temporary folder, unless given
    if database_url:
        env["DATABASE_URL"] = database_url
    env.update(
        DJANGO_SETTINGS_MODULE="core.settings",
        KITH_VAR_DIR=str(folder),
        SECRET_KEY=secrets.token_urlsafe(50),
        REDIS_URL=redis_url,
        CHANNELS_PREFIX=f"kith-bench-{secrets.token_hex(4)}",
        PYTHONUNBUFFERED="1",
    )
    return env


def bare_env(redis_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("DJANGO_SETTINGS_MODULE", None)  # bare_app.py configures its own settings
    env.update(
        REDIS_URL=redis_url,
        BARE_CHANNELS_PREFIX=f"bare-bench-{secrets.token_hex(4)}",
        PYTHONUNBUFFERED="1",
    )
    return env


def floor_env(folder: Path, redis_url: str, database_url: str = "") -> dict[str, str]:
    env = bare_env(redis_url)
    for name in ("FLOOR_DATABASE_URL", "FLOOR_SQLITE_PATH"):
        env.pop(name, None)
    if database_url:
        env["FLOOR_DATABASE_URL"] = database_url
    else:
        env["FLOOR_SQLITE_PATH"] = str(folder / "floor.sqlite3")
    env.update(
        BARE_CHANNELS_PREFIX=f"floor-bench-{secrets.token_hex(4)}",
        # Shared by the setup and both processes, so each accepts the session the setup made.
        FLOOR_SECRET_KEY=secrets.token_urlsafe(50),
    )
    return env


# Measuring ------------------------------------------------------------------------------------


@dataclass
class Arrivals:
    """When each viewer first heard each marker, and who is still waiting for it."""

    viewers: int
    heard: dict[str, list[float]] = field(default_factory=dict)
    complete: dict[str, asyncio.Event] = field(default_factory=dict)
    frame_sizes: list[int] = field(default_factory=list)

    def expect(self, marker: str) -> asyncio.Event:
        self.heard[marker] = []
        self.complete[marker] = asyncio.Event()
        return self.complete[marker]

    def arrived(self, text: str, at: float) -> None:
        for marker in set(MARKER.findall(text)):
            times = self.heard.get(marker)
            if times is None:
                continue  # not one we are waiting for (or a repeat after it was counted)
            times.append(at)
            self.frame_sizes.append(len(text))
            if len(times) == self.viewers:
                self.complete[marker].set()


async def listen(socket: aiohttp.ClientWebSocketResponse, arrivals: Arrivals) -> None:
    async for message in socket:
        if message.type == aiohttp.WSMsgType.TEXT:
            arrivals.arrived(message.data, time.perf_counter())


@dataclass
class Result:
    latencies_ms: list[float]
    lost: int
    sent: int
    post_ms: list[float]
    # Per note, first viewer's frame to last viewer's: the fan-out alone, without the POST.
    spread_ms: list[float]

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies_ms)
        if not ordered:
            return math.nan
        return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))]


class Listening:
    """One app's open viewers, hearing frames, and how a note is posted to it."""

    def __init__(
        self,
        name: str,
        sockets: list[aiohttp.ClientWebSocketResponse],
        post: Callable[[str], Awaitable[None]],
    ) -> None:
        self.name = name
        self.post = post
        self.arrivals = Arrivals(viewers=len(sockets))
        self.result = Result([], 0, 0, [], [])
        self._run = secrets.token_hex(4)
        self._numbered = 0
        self._listeners = [asyncio.create_task(listen(s, self.arrivals)) for s in sockets]

    async def note(self, frame_timeout: float, *, counted: bool) -> None:
        """Post one note and wait until every viewer has it (or frame_timeout passes)."""
        marker = f"bench-{self._run}-{self._numbered}"
        self._numbered += 1
        complete = self.arrivals.expect(marker)
        started = time.perf_counter()
        await asyncio.wait_for(self.post(marker), POST_SECONDS)
        posted = time.perf_counter()
        with suppress(TimeoutError):
            await asyncio.wait_for(complete.wait(), frame_timeout)
        if not counted:
            return
        times = self.arrivals.heard[marker]
        self.result.sent += self.arrivals.viewers
        self.result.post_ms.append((posted - started) * 1000)
        self.result.lost += self.arrivals.viewers - len(times)
        self.result.latencies_ms.extend((at - started) * 1000 for at in times)
        if times:
            self.result.spread_ms.append((max(times) - min(times)) * 1000)

    async def stop(self) -> None:
        for task in self._listeners:
            task.cancel()
        await asyncio.gather(*self._listeners, return_exceptions=True)


async def connect_all(
    urls: list[str], paths: list[str], cookies: list[dict[str, str]]
) -> tuple[list[aiohttp.ClientSession], list[aiohttp.ClientWebSocketResponse]]:
    """One browser-like session and socket per viewer, alternating between the processes."""
    sessions: list[aiohttp.ClientSession] = []
    sockets: list[aiohttp.ClientWebSocketResponse] = []
    timeout = aiohttp.ClientWSTimeout(ws_receive=None, ws_close=5)

    async def one(index: int) -> None:
        base = urls[index % len(urls)]
        session = aiohttp.ClientSession(base_url=base, cookies=cookies[index])
        sessions.append(session)
        sockets.append(
            await session.ws_connect(paths[index], headers={"Origin": base}, timeout=timeout)
        )

    # A few at a time: a burst of hundreds of handshakes would measure the handshakes.
    for start in range(0, len(paths), 20):
        batch = range(start, min(start + 20, len(paths)))
        await asyncio.wait_for(asyncio.gather(*(one(i) for i in batch)), CONNECT_SECONDS)
    return sessions, sockets


async def close_all(
    sessions: list[aiohttp.ClientSession], sockets: list[aiohttp.ClientWebSocketResponse]
) -> None:
    await asyncio.gather(*(s.close() for s in sockets), return_exceptions=True)
    await asyncio.gather(*(s.close() for s in sessions), return_exceptions=True)


# The run --------------------------------------------------------------------------------------


@dataclass
class Setup:
    person_id: int
    cookie_name: str
    poster: str
    viewers: list[dict[str, str]]


async def open_kith(stack: AsyncExitStack, setup: Setup, urls: list[str], count: int) -> Listening:
    """Kith's viewers listening on their timeline sockets, and Angela posting notes to A."""
    viewers = setup.viewers[:count]
    paths = [f"/ws/people/{setup.person_id}/"] * count
    cookies = [{setup.cookie_name: v["session"]} for v in viewers]
    sessions, sockets = await connect_all(urls, paths, cookies)
    stack.push_async_callback(close_all, sessions, sockets)
    url_a = urls[0]
    poster = await stack.enter_async_context(
        aiohttp.ClientSession(
            base_url=url_a,
            cookies={setup.cookie_name: setup.poster},
            cookie_jar=aiohttp.CookieJar(unsafe=True),
        )
    )
    (await poster.get("/")).release()  # for the CSRF cookie
    token = next(c.value for c in poster.cookie_jar if c.key == "csrftoken")

    async def post(marker: str) -> None:
        response = await poster.post(
            f"/api/v1/people/{setup.person_id}/notes",
            json={
                "kind": NOTE_KIND,
                "body": f"Jean enjoyed the garden today ({marker})",
                "audience": "circle",
                "client_key": str(uuid.uuid4()),
            },
            headers={"X-CSRFToken": token, "Referer": f"{url_a}/"},
        )
        if response.status != 201:
            raise SystemExit(f"the note was refused ({response.status}): {await response.text()}")
        response.release()

    listening = Listening("kith", sockets, post)
    stack.push_async_callback(listening.stop)
    return listening


async def open_baseline(
    stack: AsyncExitStack,
    urls: list[str],
    count: int,
    size: int,
    *,
    app: str,
    status: int,
    poster_cookies: dict[str, str] | None = None,
) -> Listening:
    """One of bench/bare_app.py's apps, which answer a send with `status`, listening."""
    paths = [f"/ws/?audience={'circle' if i % 2 == 0 else 'team'}" for i in range(count)]
    sessions, sockets = await connect_all(urls, paths, [{}] * count)
    stack.push_async_callback(close_all, sessions, sockets)
    poster = await stack.enter_async_context(
        aiohttp.ClientSession(base_url=urls[0], cookies=poster_cookies)
    )

    async def post(marker: str) -> None:
        response = await poster.post("/send", params={"marker": marker, "size": str(size)})
        if response.status != status:
            raise SystemExit(f"the {app} app refused ({response.status})")
        response.release()

    listening = Listening(app, sockets, post)
    stack.push_async_callback(listening.stop)
    return listening


async def one_count(
    options: argparse.Namespace,
    setup: Setup,
    servers: dict[str, list[str]],
    count: int,
    *,
    floor_cookies: dict[str, str],
) -> tuple[dict[str, Result], int]:
    """The three apps' results at `count` viewers, and the fragment size the baselines sent.

    Every app's viewers are open at once and the measured notes take turns (kith, bare,
    floor, kith, …), so a machine that slows down or speeds up mid-run weighs on all three
    alike and the ratios compare like with like.
    """
    async with AsyncExitStack() as stack:
        kith = await open_kith(stack, setup, servers["kith"], count)
        # Kith's warm-up notes say how big its fragments are, for the baselines to match.
        for _ in range(max(1, options.warmup)):
            await kith.note(options.frame_timeout, counted=False)
        sizes = kith.arrivals.frame_sizes
        size = int(statistics.median(sizes)) if sizes else 2048
        bare = await open_baseline(stack, servers["bare"], count, size, app="bare", status=204)
        floor = await open_baseline(
            stack,
            servers["floor"],
            count,
            size,
            app="floor",
            status=201,
            poster_cookies=floor_cookies,
        )
        apps = [kith, bare, floor]
        for _ in range(options.warmup):
            for listening in (bare, floor):
                await listening.note(options.frame_timeout, counted=False)
        for _ in range(options.notes):
            for listening in apps:
                await listening.note(options.frame_timeout, counted=True)
        return {listening.name: listening.result for listening in apps}, size


def _row(count: int, app: str, result: Result) -> str:
    return (
        f"{count:>7}  {app:<5}  {len(result.latencies_ms):>6}  {result.lost:>4}  "
        f"{result.percentile(0.50):>7.1f}  {result.percentile(0.95):>7.1f}  "
        f"{result.percentile(0.99):>7.1f}  {statistics.median(result.post_ms):>8.1f}  "
        f"{statistics.median(result.spread_ms or [math.nan]):>10.1f}"
    )


async def bench(
    options: argparse.Namespace,
    setup: Setup,
    servers: dict[str, list[str]],
    *,
    floor_cookies: dict[str, str],
) -> int:
    print(
        f"{'viewers':>7}  {'app':<5}  {'frames':>6}  {'lost':>4}  {'p50 ms':>7}  "
        f"{'p95 ms':>7}  {'p99 ms':>7}  {'POST p50':>8}  {'spread p50':>10}"
    )
    lost = 0
    ratios = []
    floor_ratios = []
    kith_floor_ratios = []
    for count in options.viewers:
        results, size = await one_count(options, setup, servers, count, floor_cookies=floor_cookies)
        for app in ("kith", "bare", "floor"):
            print(_row(count, app, results[app]))
        kith_p95, bare_p95, floor_p95 = (
            results[app].percentile(0.95) for app in ("kith", "bare", "floor")
        )
        ratio = kith_p95 / bare_p95
        ratios.append(ratio)
        floor_ratios.append(floor_p95 / bare_p95)
        kith_floor_ratios.append(kith_p95 / floor_p95)
        print(
            f"{'':>7}  p95 kith/bare: {ratio:.2f}  p95 kith/floor: {kith_p95 / floor_p95:.2f}  "
            f"(fragment of {size} bytes)"
        )
        lost += sum(result.lost for result in results.values())
    print()
    print(f"Frames lost: {lost} (target: 0).")
    worst = max(ratios)
    verdict = "met" if worst <= 1.5 else "missed"
    print(f"Worst p95 ratio kith/bare: {worst:.2f} (target: at most 1.5, {verdict}).")
    each_kith = ", ".join(
        f"{r:.2f} at {c}" for c, r in zip(options.viewers, kith_floor_ratios, strict=True)
    )
    worst_floor = max(kith_floor_ratios)
    floor_verdict = "met" if worst_floor <= FLOOR_TARGET and not lost else "missed"
    print(
        f"Worst p95 ratio kith/floor: {worst_floor:.2f} ({each_kith} viewers; target: at most "
        f"{FLOOR_TARGET}x the floor with no frame lost, {floor_verdict})."
    )
    each = ", ".join(f"{r:.2f} at {c}" for c, r in zip(options.viewers, floor_ratios, strict=True))
    print(
        f"p95 floor/bare: {max(floor_ratios):.2f} at worst ({each} viewers) — what any Django "
        "write on this stack costs over the bare app."
    )
    return 1 if lost else 0


@contextmanager
def throwaway_postgres(server_url: str, prefix: str = "kith_fanout") -> Iterator[str]:
    """A new, empty database on the PostgreSQL server at server_url; dropped afterwards."""
    import psycopg

    name = f"{prefix}_{secrets.token_hex(4)}"
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server_url.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(server_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _counts(text: str) -> list[int]:
    counts = [int(part) for part in text.split(",") if part.strip()]
    if not counts or any(not 1 <= c <= 1000 for c in counts):
        raise argparse.ArgumentTypeError("viewer counts between 1 and 1000, e.g. 1,20,200")
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=40, choices=range(1, 1001), metavar="N")
    parser.add_argument("--warmup", type=int, default=5, choices=range(0, 101), metavar="N")
    parser.add_argument("--viewers", type=_counts, default=[1, 20, 200])
    parser.add_argument("--frame-timeout", type=float, default=5.0)
    parser.add_argument(
        "--postgres",
        metavar="URL",
        help="run Kith and the floor on throwaway databases on this PostgreSQL server "
        "(e.g. postgres://postgres@127.0.0.1:5432/postgres) instead of SQLite",
    )
    parser.add_argument("--make-sessions", type=int, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.make_sessions:
        make_sessions(options.make_sessions)
        return 0
    redis_url = os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL
    with (
        tempfile.TemporaryDirectory(prefix="kith-fanout-") as temporary,
        throwaway_postgres(options.postgres) if options.postgres else nullcontext("") as database,
        (
            throwaway_postgres(options.postgres, "floor_fanout")
            if options.postgres
            else nullcontext("")
        ) as floor_database,
    ):
        folder = Path(temporary)
        env = kith_env(folder, redis_url, database)
        where = "PostgreSQL" if database else "SQLite"
        print(f"Preparing a fresh {where} database with the demo neighbourhood…", flush=True)
        _run(["manage.py", "migrate", "--noinput", "-v0"], env)
        _run(["manage.py", "collectstatic", "--noinput", "-v0"], env)
        _run(["manage.py", "seed_demo"], env)
        most = max(options.viewers)
        # Run from the project folder, so the script can import it.
        setup_env = {**env, "PYTHONPATH": str(BASE_DIR)}
        made = json.loads(
            _run([__file__, "--make-sessions", str(most)], setup_env).splitlines()[-1]
        )
        setup = Setup(**made)
        print(f"Preparing the floor's own {where} database…", flush=True)
        floor_app_env = floor_env(folder, redis_url, floor_database)
        floor_made = json.loads(
            _run(["-m", "bench.bare_app", "--setup"], floor_app_env).splitlines()[-1]
        )
        floor_cookies = {floor_made["cookie_name"]: floor_made["session"]}
        print(f"Redis {redis_url}; {options.notes} notes per viewer count.", flush=True)
        with (
            daphnes("core.asgi:application", env, folder, "kith") as kith,
            daphnes("bench.bare_app:application", bare_env(redis_url), folder, "bare") as bare,
            daphnes("bench.bare_app:floor_application", floor_app_env, folder, "floor") as floor,
        ):
            servers = {"kith": kith, "bare": bare, "floor": floor}
            run = bench(options, setup, servers, floor_cookies=floor_cookies)
            return asyncio.run(run)


if __name__ == "__main__":
    sys.exit(main())

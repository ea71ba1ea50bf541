"""Web Push delivery benchmark: N notifications through the real push worker.

How to run (from the repository root, nothing else needs to be running):

    . .venv/bin/activate
    python bench/push_bench.py                 # 500 notifications, 8 sends at once
    python bench/push_bench.py --count 2000 --concurrency 16 --rounds 5

What it does, all on 127.0.0.1 with a throwaway SQLite database in a temporary folder:

- starts a local push service in a separate process (so its CPU is not counted as ours) that
  answers 201 to every POST, the way a browser maker's push service does;
- makes one team with N carers, each with one subscribed device (a real P-256 key pair);
- baselines: the same N POSTs of a same-sized body, with no database, no encryption and no
  signing, as many at once as the worker sends: with plain requests and with plain urllib3 on
  a thread pool, and with plain aiohttp on one asyncio loop (the transport the worker uses);
- Kith: push_notify_later leaves one row of news (the part on the request path); the push
  worker works out who hears it (push_news_expand: N messages, one per device), then
  claims, re-checks access, encrypts (aes128gcm), signs (VAPID) and sends them from its own
  event loop, through pywebpush on one aiohttp session;
- then the same again while an asyncio loop in this process ticks every millisecond and
  records how late each tick is: the event-loop lag a daphne process would see if this work
  ran beside it (a run of its own, so the ticker's CPU is not counted as the worker's).

It prints, per round and as the median of the rounds: wall time, our CPU per notification
(time.process_time, every thread of this process; and how much of it was in the kernel) and
the ratio against the baselines, the p99 event-loop lag, and checks that one delivered body
decrypts on the device's key.
The issue's targets: at most 0.5 ms of our CPU per notification; p99 loop lag at most 20 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import resource
import secrets
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CPU_TARGET_MS = 0.5
LAG_TARGET_MS = 20.0


# The push service, in its own process ---------------------------------------------------------


def _serve(port_out: multiprocessing.connection.Connection) -> None:
    received = {"count": 0}
    samples: dict[str, bytes] = {}
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            with lock:
                received["count"] += 1
                if len(samples) < 5:
                    samples[self.path] = body
            self.send_response(201)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_GET(self) -> None:
            with lock:
                answer = json.dumps(
                    {
                        "count": received["count"],
                        "samples": {k: v.hex() for k, v in samples.items()},
                    }
                ).encode()
                if self.path == "/reset":
                    received["count"] = 0
                    samples.clear()
            self.send_response(200)
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, format: str, *args: object) -> None:
            pass

    class Server(ThreadingHTTPServer):
        # Every transport here opens its connections at once; past the default backlog of 5
        # a connection waits a second for its SYN to be sent again, which is not its cost.
        request_queue_size = 128

    server = Server(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    port_out.send(server.server_address[1])
    server.serve_forever(poll_interval=0.05)


# Event-loop lag -----------------------------------------------------------------------------


async def _measure_lag(work: Callable[[], object]) -> tuple[object, list[float]]:
    """Run work in a worker thread while the loop ticks every millisecond; return its lag."""
    lags: list[float] = []
    done = asyncio.Event()

    async def ticker() -> None:
        interval = 0.001
        while not done.is_set():
            expected = time.perf_counter() + interval
            await asyncio.sleep(interval)
            lags.append(max(0.0, time.perf_counter() - expected) * 1000)

    ticking = asyncio.create_task(ticker())
    try:
        result = await asyncio.to_thread(work)
    finally:
        done.set()
        await ticking
    return result, lags


def _kernel_seconds() -> float:
    """CPU this process has spent in the kernel so far, every thread included."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_stime


def _p99(values: list[float]) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


# The benchmark ------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument(
        "--concurrency", type=int, default=8, help="POSTs in flight at once, for every transport"
    )
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    service = context.Process(target=_serve, args=(sender,), daemon=True)
    service.start()
    port = receiver.recv()
    origin = f"http://127.0.0.1:{port}"

    workdir = tempfile.mkdtemp(prefix="kith-push-bench-")
    os.environ["KITH_VAR_DIR"] = workdir
    for name in ("DATABASE_URL", "REDIS_URL", "VAPID_PRIVATE_KEY", "VAPID_PUBLIC_KEY"):
        os.environ.pop(name, None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "core.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    # Its push service runs on 127.0.0.1, which the worker otherwise refuses.
    os.environ["PUSH_ALLOW_PRIVATE_ENDPOINTS"] = "true"
    sys.path.insert(0, str(REPO))

    import django

    django.setup()

    import aiohttp
    import http_ece
    import requests
    import urllib3
    from cryptography.hazmat.primitives.asymmetric import ec
    from django.core.management import call_command

    from core.models import PushKind, PushSubscription, User
    from core.push.delivery import Deliverer, settle_worker_process
    from core.push.services import push_news_expand, push_notify_later
    from core.tests.push_helpers import b64url
    from families.access import Audience
    from families.models import Person
    from teams.models import Membership, Team

    call_command("migrate", verbosity=0)

    def service_state(path: str = "/stats") -> dict:
        return requests.get(origin + path, timeout=5).json()

    # One team, N carers, one device each.
    count = args.count
    team = Team.objects.create(name="Bench team", area="Bench")
    person = Person.objects.create(team=team, full_name="Jean Bench", preferred_name="Jean")
    users = User.objects.bulk_create(
        User(email=f"carer{n}@bench.example", display_name=f"Carer {n}") for n in range(count)
    )
    Membership.objects.bulk_create(Membership(team=team, user=user) for user in users)
    keys: dict[str, tuple[ec.EllipticCurvePrivateKey, bytes]] = {}
    devices = []
    for n, user in enumerate(users):
        private, auth = ec.generate_private_key(ec.SECP256R1()), secrets.token_bytes(16)
        point = private.public_key().public_numbers()
        raw = b"\x04" + point.x.to_bytes(32, "big") + point.y.to_bytes(32, "big")
        keys[f"/push/d{n}"] = (private, auth)
        devices.append(
            PushSubscription(
                user=user, endpoint=f"{origin}/push/d{n}", p256dh=b64url(raw), auth=b64url(auth)
            )
        )
    PushSubscription.objects.bulk_create(devices)

    payload_size = 0
    kernel_share: dict[str, float] = {}

    def baseline(transport: str) -> tuple[float, float]:
        """The same POSTs, no database, no encryption, no signing: on a thread pool with plain
        requests (one session per thread) or plain urllib3, or on one loop with plain aiohttp
        (the transport the worker uses)."""
        if transport == "aiohttp":
            return asyncio.run(baseline_aiohttp())
        local = threading.local()
        pool = urllib3.PoolManager(maxsize=args.concurrency)
        body = secrets.token_bytes(payload_size)
        headers = {"TTL": "86400", "Content-Encoding": "aes128gcm"}

        def post_requests(n: int) -> int:
            session = getattr(local, "session", None)
            if session is None:
                session = local.session = requests.Session()
            return session.post(
                f"{origin}/push/d{n}", data=body, headers=headers, timeout=10
            ).status_code

        def post_urllib3(n: int) -> int:
            return pool.request(
                "POST", f"{origin}/push/d{n}", body=body, headers=headers, timeout=10.0
            ).status

        post = post_requests if transport == "requests" else post_urllib3
        kernel = _kernel_seconds()
        cpu, wall = time.process_time(), time.perf_counter()
        with ThreadPoolExecutor(args.concurrency) as threads:
            codes = list(threads.map(post, range(count)))
        result = time.process_time() - cpu, time.perf_counter() - wall
        kernel_share[transport] = _kernel_seconds() - kernel
        assert codes == [201] * count
        pool.clear()
        return result

    async def baseline_aiohttp() -> tuple[float, float]:
        body = secrets.token_bytes(payload_size)
        headers = {"TTL": "86400", "Content-Encoding": "aes128gcm"}
        timeout = aiohttp.ClientTimeout(total=10)
        connector = aiohttp.TCPConnector(limit=args.concurrency)
        async with aiohttp.ClientSession(connector=connector) as session:

            async def post(n: int) -> int:
                async with session.post(
                    f"{origin}/push/d{n}", data=body, headers=headers, timeout=timeout
                ) as response:
                    await response.read()
                    return response.status

            kernel = _kernel_seconds()
            cpu, wall = time.process_time(), time.perf_counter()
            codes = await asyncio.gather(*(post(n) for n in range(count)))
            result = time.process_time() - cpu, time.perf_counter() - wall
            kernel_share["aiohttp"] = _kernel_seconds() - kernel
        assert codes == [201] * count
        return result

    def queue() -> tuple[float, float, float]:
        """The request leaves one piece of news; the worker then works out who hears it."""
        cpu = time.process_time()
        push_notify_later(
            person_id=person.pk,
            kind=PushKind.NOTE,
            audience=Audience.TEAM,
            title="New note about Jean",
            body="Jean enjoyed her lunch and talked about the garden.",
            url=f"/people/{person.pk}/",
        )
        news_cpu = time.process_time() - cpu
        cpu, wall = time.process_time(), time.perf_counter()
        queued = push_news_expand()
        assert queued == count
        return news_cpu, time.process_time() - cpu, time.perf_counter() - wall

    # One deliverer for the whole run, as `manage.py push_worker` keeps one for its life: its
    # start-up (TLS context, event loop, session, VAPID key) is not a cost per notification.
    started = time.process_time()
    deliverer = Deliverer(concurrency=args.concurrency, timeout=10)
    startup_cpu_ms = (time.process_time() - started) * 1000

    def deliver() -> tuple[float, float]:
        kernel = _kernel_seconds()
        cpu, wall = time.process_time(), time.perf_counter()
        report = deliverer.run(until_idle=True)
        result = time.process_time() - cpu, time.perf_counter() - wall
        kernel_share["deliver"] = _kernel_seconds() - kernel
        assert report.sent == count, report
        return result

    # One warm-up delivery: imports, first connections, the first VAPID signature.
    queue()
    deliver()
    state = service_state("/reset")
    sample_path, sample_hex = next(iter(state["samples"].items()))
    private, auth = keys[sample_path]
    plain = http_ece.decrypt(
        bytes.fromhex(sample_hex), private_key=private, auth_secret=auth, version="aes128gcm"
    )
    decrypted = json.loads(plain)
    assert decrypted["title"] == "New note about Jean", decrypted
    payload_size = len(bytes.fromhex(sample_hex))
    # As push_worker does once it has started: what is loaded by now lives as long as it does.
    settle_worker_process()

    rows = []
    for round_number in range(1, args.rounds + 1):
        requests_cpu, requests_wall = baseline("requests")
        urllib3_cpu, urllib3_wall = baseline("urllib3")
        aiohttp_cpu, aiohttp_wall = baseline("aiohttp")
        news_cpu, queue_cpu, queue_wall = queue()
        kith_cpu, kith_wall = deliver()
        # Lag is measured in a run of its own: the ticker's own wake-ups cost CPU too, and
        # must not be counted as the worker's.
        _, queue_lags = asyncio.run(_measure_lag(queue))
        _, deliver_lags = asyncio.run(_measure_lag(deliver))
        assert service_state("/reset")["count"] == 5 * count
        rows.append(
            {
                "requests_cpu_ms": requests_cpu * 1000 / count,
                "requests_wall_s": requests_wall,
                "urllib3_cpu_ms": urllib3_cpu * 1000 / count,
                "urllib3_wall_s": urllib3_wall,
                "aiohttp_cpu_ms": aiohttp_cpu * 1000 / count,
                "aiohttp_wall_s": aiohttp_wall,
                "news_cpu_ms": news_cpu * 1000,
                "queue_cpu_ms": queue_cpu * 1000 / count,
                "queue_wall_ms": queue_wall * 1000,
                "kith_cpu_ms": kith_cpu * 1000 / count,
                "kith_kernel_ms": kernel_share["deliver"] * 1000 / count,
                "urllib3_kernel_ms": kernel_share["urllib3"] * 1000 / count,
                "aiohttp_kernel_ms": kernel_share["aiohttp"] * 1000 / count,
                "kith_wall_s": kith_wall,
                "lag_p99_ms": _p99(queue_lags + deliver_lags),
                "lag_max_ms": max(queue_lags + deliver_lags, default=0.0),
            }
        )
        row = rows[-1]
        print(
            f"round {round_number}: plain requests {row['requests_cpu_ms']:.3f} ms CPU each | "
            f"plain urllib3 {row['urllib3_cpu_ms']:.3f} | "
            f"plain aiohttp {row['aiohttp_cpu_ms']:.3f} | "
            f"who hears {row['queue_cpu_ms']:.3f} | deliver {row['kith_cpu_ms']:.3f} "
            f"({row['kith_wall_s']:.2f} s) | loop lag p99 {row['lag_p99_ms']:.1f} ms"
        )

    def median(key: str) -> float:
        return statistics.median(r[key] for r in rows)

    deliver_cpu = median("kith_cpu_ms")
    lag = median("lag_p99_ms")
    verdict = "met" if deliver_cpu <= CPU_TARGET_MS else "NOT met"
    print()
    print(
        f"Web Push, {count} notifications, {args.concurrency} sends at once, "
        f"median of {args.rounds}"
    )
    print(f"  payload decrypted on the device key: {decrypted['title']!r}, {payload_size} bytes")
    print(
        f"  baseline, plain requests POSTs:  {median('requests_cpu_ms'):.3f} ms CPU each, "
        f"{median('requests_wall_s'):.2f} s wall"
    )
    print(
        f"  baseline, plain urllib3 POSTs:   {median('urllib3_cpu_ms'):.3f} ms CPU each, "
        f"{median('urllib3_wall_s'):.2f} s wall"
    )
    print(
        f"  baseline, plain aiohttp POSTs:   {median('aiohttp_cpu_ms'):.3f} ms CPU each, "
        f"{median('aiohttp_wall_s'):.2f} s wall (one loop; the worker's transport)"
    )
    print(
        f"  the request (push_notify_later, one row): {median('news_cpu_ms'):.3f} ms CPU "
        f"for all {count}"
    )
    print(
        f"  who hears (push_news_expand, in the worker: audience, devices, choices, quiet "
        f"hours, one row each): {median('queue_cpu_ms'):.3f} ms CPU each, "
        f"{median('queue_wall_ms'):.0f} ms wall for all {count}"
    )
    print(
        f"  deliver (push worker: claim, access, encrypt, sign, send, record): "
        f"{deliver_cpu:.3f} ms CPU each, {median('kith_wall_s'):.2f} s wall"
    )
    print(
        f"  ratio, deliver CPU: {deliver_cpu / median('requests_cpu_ms'):.2f}x plain requests, "
        f"{deliver_cpu / median('urllib3_cpu_ms'):.2f}x plain urllib3, "
        f"{deliver_cpu / median('aiohttp_cpu_ms'):.2f}x plain aiohttp; "
        f"wall {median('kith_wall_s') / median('aiohttp_wall_s'):.2f}x plain aiohttp"
    )
    print(
        f"  of the deliver CPU, in the kernel: {median('kith_kernel_ms'):.3f} ms each "
        f"(plain aiohttp: {median('aiohttp_kernel_ms'):.3f}, plain urllib3: "
        f"{median('urllib3_kernel_ms'):.3f}); on loopback the kernel's TCP "
        "work for both ends is charged to the sender"
    )
    print(
        f"  our CPU per notification sent: {deliver_cpu:.3f} ms; "
        f"target <= {CPU_TARGET_MS} ms: {verdict}"
    )
    print(
        f"  the worker in all, who hears and sending: "
        f"{median('queue_cpu_ms') + deliver_cpu:.3f} ms CPU each"
    )
    print(
        f"  event-loop lag p99: {lag:.1f} ms (max {median('lag_max_ms'):.1f} ms); "
        f"target <= {LAG_TARGET_MS:.0f} ms: {'met' if lag <= LAG_TARGET_MS else 'NOT met'}"
    )
    print(f"  the worker's start-up, once: {startup_cpu_ms:.1f} ms CPU")
    deliverer.close()
    service.terminate()


if __name__ == "__main__":
    main()

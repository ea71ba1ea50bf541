"""deploy/nginx/kith.conf, run by Debian's nginx over TLS in front of the daphne processes the
kith-daphne@ unit starts: people sign in through it, sockets open through it on every
process, and a note posted through the API reaches each of them.

On PostgreSQL and Redis (CI's second pass) there are two daphne processes. Embedded (no
REDIS_URL), one process on SQLite and the in-memory layer: nginx is still tested, and two
processes cannot share an in-memory layer.
"""

import asyncio
import html
import json
import os
import re
import subprocess
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import pytest

from deploy.local import (
    HOST,
    NGINX,
    WAIT_SECONDS,
    NotStarted,
    as_deployed,
    nginx_in_front,
    start_daphne,
    stop,
)
from e2e.conftest import (
    DEMO_PASSWORD,
    _free_port,
    _PostgresDatabase,
    _run,
    _server_env,
    _wait_until_answering,
)

pytestmark = pytest.mark.deploy

IN_CI = os.environ.get("CI", "").lower() == "true"
METRICS_TOKEN = "deployment-test-scrape-token"


def _missing(why: str) -> None:
    """In CI a missing service fails the run; on a laptop the test steps aside."""
    if IN_CI:
        pytest.fail(why, pytrace=False)
    pytest.skip(why)


@dataclass
class Deployment:
    https: str  # what people open
    http: str  # the plain port, which only redirects
    static_root: Path
    daphne_logs: list[Path] = field(default_factory=list)
    daphne_urls: list[str] = field(default_factory=list)  # each process, as a scraper sees it


@pytest.fixture
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    if not NGINX.exists():
        _missing(f"{NGINX} is missing: `make test` installs Debian's nginx when run as root")
    database_url = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "")
    on_postgres = database_url.startswith(("postgres://", "postgresql://"))
    if on_postgres and not redis_url:
        _missing("on PostgreSQL the deployment test runs two daphne processes: set REDIS_URL")
    root = tmp_path_factory.mktemp("deployment")
    var_dir = root / "var"
    var_dir.mkdir()
    database = _PostgresDatabase(database_url) if on_postgres else None
    if database:
        database.create()
    processes: list[subprocess.Popen] = []
    try:
        https_port, http_port = _free_port(), _free_port()
        env = _server_env(var_dir, database.url if database else "")
        if redis_url:
            env["REDIS_URL"] = redis_url  # one CHANNELS_PREFIX for all, from _server_env
        else:
            env.pop("REDIS_URL", None)
        env = as_deployed(env, metrics_token=METRICS_TOKEN)
        _run(["migrate", "--noinput", "-v0"], env)
        _run(["collectstatic", "--noinput", "-v0"], env)
        _run(["seed_demo"], env)
        deployment = Deployment(
            https=f"https://{HOST}:{https_port}",
            http=f"http://{HOST}:{http_port}",
            static_root=var_dir / "static",
        )
        daphne_ports = [_free_port() for _ in range(2 if redis_url else 1)]
        for number, port in enumerate(daphne_ports):
            log = root / f"daphne-{number}.log"
            processes.append(start_daphne(port, env, log))
            _wait_until_answering(processes[-1], port, log)
            deployment.daphne_logs.append(log)
            deployment.daphne_urls.append(f"http://{HOST}:{port}")
        try:
            nginx = nginx_in_front(
                root,
                daphne_ports=daphne_ports,
                http_port=http_port,
                https_port=https_port,
                static=deployment.static_root,
            )
            with nginx:
                yield deployment
        except NotStarted as error:
            pytest.fail(str(error), pytrace=False)
    finally:
        for process in reversed(processes):
            stop(process)
        if database:
            database.drop()


def _browser(deployment: Deployment) -> aiohttp.ClientSession:
    # The certificate is the test's own: trusting it is not what is being tested.
    return aiohttp.ClientSession(
        base_url=deployment.https,
        connector=aiohttp.TCPConnector(ssl=False),
        cookie_jar=aiohttp.CookieJar(unsafe=True),
    )


def _cookie(session: aiohttp.ClientSession, name: str) -> str:
    return next(cookie.value for cookie in session.cookie_jar if cookie.key == name)


async def _sign_in(session: aiohttp.ClientSession, base: str, email: str) -> None:
    response = await session.get("/accounts/login/", allow_redirects=False)
    # Were X-Forwarded-Proto not believed, Kith would send every request to https again.
    assert response.status == 200, f"the sign-in page answered {response.status}"
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', await response.text())
    assert token is not None, "the sign-in page has no CSRF token"
    response = await session.post(
        "/accounts/login/",
        data={"csrfmiddlewaretoken": token.group(1), "username": email, "password": DEMO_PASSWORD},
        headers={"Origin": base, "Referer": f"{base}/accounts/login/"},
        allow_redirects=False,
    )
    assert response.status == 302, f"{email} could not sign in ({response.status})"
    # Host-locked, secure cookies: Kith knew it was served over HTTPS.
    assert _cookie(session, "__Host-sessionid")


async def _frame_with(socket: aiohttp.ClientWebSocketResponse, text: str) -> None:
    text = html.escape(text)
    heard: list[str] = []
    try:
        async with asyncio.timeout(WAIT_SECONDS):
            while not heard or text not in heard[-1]:
                message = await socket.receive()
                assert message.type == aiohttp.WSMsgType.TEXT, f"the socket ended: {message!r}"
                heard.append(message.data)
    except TimeoutError:
        pytest.fail(f"{text!r} did not arrive; the socket heard {heard!r}", pytrace=False)


def _sockets_per_process(deployment: Deployment) -> list[int]:
    return [log.read_text().count('"WSCONNECT ') for log in deployment.daphne_logs]


async def _wait_for_socket_logged(deployment: Deployment, before: list[int]) -> list[int]:
    """Which process took the socket just opened: daphne logs it as it accepts."""
    deadline = time.monotonic() + WAIT_SECONDS
    while (now := _sockets_per_process(deployment)) == before:
        assert time.monotonic() < deadline, "no daphne process logged the socket"
        await asyncio.sleep(0.05)
    return now


async def _through_nginx(deployment: Deployment) -> None:
    async with _browser(deployment) as angela, _browser(deployment) as sarah:
        # The plain port only sends people to HTTPS.
        response = await angela.get(f"{deployment.http}/", allow_redirects=False)
        assert response.status == 301
        assert response.headers["Location"] == f"https://{HOST}/"

        # Static files come from STATIC_ROOT, by nginx, cached for good.
        manifest = json.loads((deployment.static_root / "staticfiles.json").read_text())
        hashed = next(iter(manifest["paths"].values()))
        response = await angela.get(f"/static/{hashed}")
        assert response.status == 200
        assert response.headers.getall("Cache-Control") == ["public, max-age=31536000, immutable"]
        assert await response.read() == (deployment.static_root / hashed).read_bytes()

        await _sign_in(angela, deployment.https, "angela@kith.example")
        await _sign_in(sarah, deployment.https, "sarah@kith.example")
        people = await (await sarah.get("/api/v1/people")).json()
        jean = next(person for person in people if person["name"] == "Jean")

        # Open Sarah's timeline socket until every process holds at least one: nginx picks
        # the process, any process must do.
        wait = aiohttp.ClientWSTimeout(ws_receive=None, ws_close=5)
        sockets: list[aiohttp.ClientWebSocketResponse] = []
        counts = _sockets_per_process(deployment)
        while min(counts) == 0 or len(sockets) < 2:
            assert len(sockets) < 8, f"nginx never sent a socket to every process: {counts}"
            sockets.append(
                await sarah.ws_connect(
                    f"/ws/people/{jean['id']}/",
                    headers={"Origin": deployment.https},
                    timeout=wait,
                )
            )
            counts = await _wait_for_socket_logged(deployment, counts)

        moment = f"Jean beat everyone at dominoes ({uuid.uuid4().hex[:6]})"
        response = await angela.post(
            f"/api/v1/people/{jean['id']}/notes",
            json={
                "kind": "moment",
                "body": moment,
                "audience": "circle",
                "client_key": str(uuid.uuid4()),
            },
            headers={
                "X-CSRFToken": _cookie(angela, "__Host-csrftoken"),
                "Origin": deployment.https,
                "Referer": f"{deployment.https}/",
            },
        )
        assert response.status == 201, await response.text()
        for socket in sockets:
            await _frame_with(socket, moment)

        # Each process, scraped directly, counts the sockets it holds; from outside, nothing.
        bearer = {"Authorization": f"Bearer {METRICS_TOKEN}"}
        assert (await angela.get("/metrics", headers=bearer)).status == 404
        for url, held in zip(deployment.daphne_urls, counts, strict=True):
            response = await angela.get(f"{url}/metrics", headers=bearer)
            assert response.status == 200, url
            text = await response.text()
            assert f"kith_websockets_open {float(held)}" in text, text
        assert (await angela.get("/health/live")).status == 200
        for socket in sockets:
            await socket.close()


def test_people_sign_in_and_hear_notes_through_nginx_on_every_process(deployment):
    # On a thread of its own: the browser tests may hold an event loop in this one.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, _through_nginx(deployment)).result()

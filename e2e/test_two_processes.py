"""Two daphne processes sharing Redis behave as one Kith: what happens through one process
reaches sockets held by the other, revocation included."""

import asyncio
import html
import os
import re
import subprocess
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import aiohttp
import pytest

from e2e.conftest import (
    DEMO_PASSWORD,
    _free_port,
    _PostgresDatabase,
    _run,
    _server_env,
    _wait_until_answering,
    start_daphne,
)

pytestmark = pytest.mark.redis
CLOSE_NO_ACCESS = 4403


@pytest.fixture
def two_servers(redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[str]]:
    var_dir = tmp_path_factory.mktemp("two-servers")
    database = None
    if os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        database = _PostgresDatabase(os.environ["DATABASE_URL"])
        database.create()
    processes: list[subprocess.Popen] = []
    try:
        env = _server_env(var_dir, database.url if database else "")
        env["REDIS_URL"] = redis_url  # one prefix for both, from _server_env
        _run(["migrate", "--noinput", "-v0"], env)
        _run(["collectstatic", "--noinput", "-v0"], env)
        _run(["seed_demo"], env)
        urls = []
        for name in ("a", "b"):
            port = _free_port()
            log = Path(var_dir / f"daphne-{name}.log")
            processes.append(start_daphne(port, env, log))
            _wait_until_answering(processes[-1], port, log)
            urls.append(f"http://127.0.0.1:{port}")
        yield urls
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=10)
        if database:
            database.drop()


def _browser(base: str) -> aiohttp.ClientSession:
    return aiohttp.ClientSession(base_url=base, cookie_jar=aiohttp.CookieJar(unsafe=True))


def _run_async(coroutine) -> None:
    """Run on a thread of its own: the browser tests keep an event loop running in this one."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, coroutine).result()


async def _sign_in(session: aiohttp.ClientSession, base: str, email: str) -> None:
    page = await (await session.get("/accounts/login/")).text()
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert found is not None, "the sign-in page has no CSRF token"
    token = found.group(1)
    response = await session.post(
        "/accounts/login/",
        data={"csrfmiddlewaretoken": token, "username": email, "password": DEMO_PASSWORD},
        headers={"Referer": f"{base}/accounts/login/"},
        allow_redirects=False,
    )
    assert response.status == 302, f"{email} could not sign in"


async def _csrf(session: aiohttp.ClientSession) -> str:
    return next(c.value for c in session.cookie_jar if c.key == "csrftoken")


async def _removal_through_a_closes_the_socket_on_b(url_a: str, url_b: str) -> None:
    async with _browser(url_a) as angela, _browser(url_b) as sarah:
        await _sign_in(angela, url_a, "angela@kith.example")
        await _sign_in(sarah, url_b, "sarah@kith.example")
        people = await (await angela.get("/api/v1/people")).json()
        jean = next(p for p in people if p["name"] == "Jean")
        circle = await (await angela.get(f"/api/v1/people/{jean['id']}/circle")).json()
        place = next(m for m in circle["family_and_friends"] if m["name"] == "Sarah Hughes")

        socket = await sarah.ws_connect(
            f"/ws/people/{jean['id']}/",
            headers={"Origin": url_b},
            timeout=aiohttp.ClientWSTimeout(ws_close=5),
        )
        response = await angela.post(
            f"/circle/{place['id']}/remove/",
            headers={"X-CSRFToken": await _csrf(angela), "Referer": url_a},
            allow_redirects=False,
        )
        assert response.status == 302
        message = await asyncio.wait_for(socket.receive(), timeout=5)
        assert message.type == aiohttp.WSMsgType.CLOSE
        assert message.data == CLOSE_NO_ACCESS
        refused = await sarah.get(f"/people/{jean['id']}/")
        assert refused.status == 404


def test_a_change_through_one_process_reaches_sockets_on_the_other(two_servers):
    _run_async(_removal_through_a_closes_the_socket_on_b(*two_servers))


async def _frame_with(socket: aiohttp.ClientWebSocketResponse, text: str) -> list[str]:
    """Every frame up to and including the first that carries text (5 s at most)."""
    text = html.escape(text)  # as the page's HTML spells it
    frames: list[str] = []
    try:
        async with asyncio.timeout(5):
            while not frames or text not in frames[-1]:
                message = await socket.receive()
                assert message.type == aiohttp.WSMsgType.TEXT, f"the socket ended: {message!r}"
                frames.append(message.data)
    except TimeoutError:
        pytest.fail(f"{text!r} did not arrive within 5 s; the socket heard {frames!r}")
    return frames


async def _notes_through_a_reach_the_circle_on_b(url_a: str, url_b: str) -> None:
    async with (
        _browser(url_a) as angela,
        _browser(url_b) as angela_on_b,
        _browser(url_b) as sarah,
    ):
        await _sign_in(angela, url_a, "angela@kith.example")
        await _sign_in(angela_on_b, url_b, "angela@kith.example")
        await _sign_in(sarah, url_b, "sarah@kith.example")
        people = await (await angela.get("/api/v1/people")).json()
        jean = next(p for p in people if p["name"] == "Jean")
        path = f"/ws/people/{jean['id']}/"
        wait = aiohttp.ClientWSTimeout(ws_receive=None, ws_close=5)
        sarahs_socket = await sarah.ws_connect(path, headers={"Origin": url_b}, timeout=wait)
        angelas_socket = await angela_on_b.ws_connect(path, headers={"Origin": url_b}, timeout=wait)

        async def post(kind: str, body: str, audience: str) -> None:
            response = await angela.post(
                f"/api/v1/people/{jean['id']}/notes",
                json={
                    "kind": kind,
                    "body": body,
                    "audience": audience,
                    "client_key": str(uuid.uuid4()),
                },
                headers={"X-CSRFToken": await _csrf(angela), "Referer": url_a},
            )
            assert response.status == 201, await response.text()

        moment = f"Jean won at dominoes ({uuid.uuid4().hex[:6]})"
        await post("moment", moment, "circle")
        await _frame_with(sarahs_socket, moment)
        await _frame_with(angelas_socket, moment)

        # The handover is published before the next shared note, on the same process, so
        # had it been sent to Sarah's socket it would have arrived before that note.
        handover = f"Spare key is with Mrs Patel at number 12 ({uuid.uuid4().hex[:6]})"
        await post("handover", handover, "team")
        await _frame_with(angelas_socket, handover)
        later = f"The roses Jean loves are out ({uuid.uuid4().hex[:6]})"
        await post("moment", later, "circle")
        heard_by_sarah = await _frame_with(sarahs_socket, later)
        assert not any(html.escape(handover) in frame for frame in heard_by_sarah)
        assert not any('data-kind="handover"' in frame for frame in heard_by_sarah)
        await sarahs_socket.close()
        await angelas_socket.close()


def test_a_note_through_one_process_reaches_only_its_audience_on_the_other(two_servers):
    _run_async(_notes_through_a_reach_the_circle_on_b(*two_servers))

"""deploy/nginx/kith.conf, run by Debian's nginx over TLS in front of the daphne processes the
kith-daphne@ unit starts: people sign in through it, sockets open through it on every
process, and a note posted through the API reaches each of them.

On PostgreSQL and Redis (CI's second pass) there are two daphne processes. Embedded (no
REDIS_URL), one process on SQLite and the in-memory layer: nginx is still tested, and two
processes cannot share an in-memory layer.
"""

import asyncio
import datetime
import html
import json
import os
import pwd
import re
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from ipaddress import IPv4Address
from pathlib import Path

import aiohttp
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from e2e.conftest import (
    BASE_DIR,
    DEMO_PASSWORD,
    _free_port,
    _PostgresDatabase,
    _run,
    _server_env,
    _wait_until_answering,
)

pytestmark = pytest.mark.deploy

IN_CI = os.environ.get("CI", "").lower() == "true"
NGINX = Path(shutil.which("nginx") or "/usr/sbin/nginx")
DEPLOY = BASE_DIR / "deploy"
SITE = DEPLOY / "nginx" / "kith.conf"
DAPHNE_UNIT = DEPLOY / "systemd" / "kith-daphne@.service"
HOST = "127.0.0.1"
WAIT_SECONDS = 10
METRICS_TOKEN = "deployment-test-scrape-token"


def _missing(why: str) -> None:
    """In CI a missing service fails the run; on a laptop the test steps aside."""
    if IN_CI:
        pytest.fail(why, pytrace=False)
    pytest.skip(why)


def _daphne_command(port: int) -> list[str]:
    """The unit's own ExecStart, with this virtualenv's daphne and the port as its instance."""
    line = next(
        line for line in DAPHNE_UNIT.read_text().splitlines() if line.startswith("ExecStart=")
    )
    program, *args = shlex.split(line.removeprefix("ExecStart="))
    assert program.endswith("/daphne"), line
    # The access log shows which process took each socket.
    return [sys.executable, "-m", "daphne", "--access-log", "-"] + [
        arg.replace("%i", str(port)) for arg in args
    ]


def _replace_once(text: str, old: str, new: str) -> str:
    """A template change that breaks the rewrite must fail here, not pass unnoticed."""
    assert text.count(old) == 1, f"expected {old!r} once in {SITE.name}"
    return text.replace(old, new)


def _site_for_test(
    *, daphne_ports: list[int], http_port: int, https_port: int, tls: Path, static: Path
) -> str:
    """The site as shipped, moved onto this test's ports, certificate and static folder."""
    site = SITE.read_text()
    upstream = "".join(
        f"    server {HOST}:{port} max_fails=1 fail_timeout=10s;\n" for port in daphne_ports
    )
    site, count = re.subn(
        r"(?m)^    server 127\.0\.0\.1:\d+ max_fails=1 fail_timeout=10s;\n", "", site
    )
    assert count == 2, "the shipped upstream lists two daphne processes"
    site = _replace_once(site, "upstream kith_daphne {\n", "upstream kith_daphne {\n" + upstream)
    site = _replace_once(site, "    listen 80;\n", f"    listen {HOST}:{http_port};\n")
    site = _replace_once(site, "    listen [::]:80;\n", "")
    site = _replace_once(
        site, "    listen 443 ssl http2;\n", f"    listen {HOST}:{https_port} ssl http2;\n"
    )
    site = _replace_once(site, "    listen [::]:443 ssl http2;\n", "")
    site = _replace_once(
        site, "/etc/letsencrypt/live/kith.example.org/fullchain.pem", str(tls / "cert.pem")
    )
    site = _replace_once(
        site, "/etc/letsencrypt/live/kith.example.org/privkey.pem", str(tls / "key.pem")
    )
    return _replace_once(site, "alias /srv/kith/var/static/;", f"alias {static}/;")


def _main_conf(root: Path) -> str:
    """What /etc/nginx/nginx.conf gives a site, with every path inside this test's folder."""
    temp = " ".join(
        f"{kind}_temp_path {root / kind};" for kind in ("client_body", "proxy", "fastcgi")
    )
    # Run as root, nginx hands its workers to nobody, who may not read this test's folder.
    user = f"user {pwd.getpwuid(os.geteuid()).pw_name};" if os.geteuid() == 0 else ""
    return f"""
daemon off;
{user}
worker_processes 1;
pid {root / "nginx.pid"};
error_log {root / "error.log"} info;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {root / "access.log"};
    {temp} uwsgi_temp_path {root / "uwsgi"}; scgi_temp_path {root / "scgi"};
    include {root / "kith.conf"};
}}
"""


def _self_signed_certificate(folder: Path) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, HOST)])
    # A fixed validity window: the test must not depend on the day it runs.
    start = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + datetime.timedelta(days=365 * 100))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(IPv4Address(HOST))]), False)
        .sign(key, hashes.SHA256())
    )
    (folder / "cert.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )


def _wait_for_port(process: subprocess.Popen, port: int, log: Path) -> None:
    import socket

    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"nginx stopped ({process.returncode}):\n{log.read_text()}", pytrace=False)
        with socket.socket() as probe:
            if probe.connect_ex((HOST, port)) == 0:
                return
        time.sleep(0.1)
    pytest.fail(f"nginx did not listen within {WAIT_SECONDS}s:\n{log.read_text()}", pytrace=False)


@dataclass
class Deployment:
    https: str  # what people open
    http: str  # the plain port, which only redirects
    static_root: Path
    daphne_logs: list[Path] = field(default_factory=list)
    daphne_urls: list[str] = field(default_factory=list)  # each process, as a scraper sees it


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


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
        # A deployment's push endpoints are on the internet: the test-only opening is refused.
        env.pop("PUSH_ALLOW_PRIVATE_ENDPOINTS", None)
        env.update(
            # As deploy/kith.env.example has it.
            SECURE_COOKIES="true",
            BEHIND_PROXY="true",
            ALLOWED_HOSTS=HOST,
            KITH_MANIFEST_STATIC="true",
            METRICS_TOKEN=METRICS_TOKEN,
        )
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
            with log.open("w") as handle:
                processes.append(
                    subprocess.Popen(
                        _daphne_command(port),
                        cwd=BASE_DIR,
                        env=env,
                        stdout=handle,
                        stderr=subprocess.STDOUT,
                    )
                )
            _wait_until_answering(processes[-1], port, log)
            deployment.daphne_logs.append(log)
            deployment.daphne_urls.append(f"http://{HOST}:{port}")
        tls = root / "tls"
        tls.mkdir()
        _self_signed_certificate(tls)
        (root / "kith.conf").write_text(
            _site_for_test(
                daphne_ports=daphne_ports,
                http_port=http_port,
                https_port=https_port,
                tls=tls,
                static=deployment.static_root,
            )
        )
        (root / "nginx.conf").write_text(_main_conf(root))
        nginx_log = root / "nginx.out"
        command = [str(NGINX), "-p", str(root), "-c", str(root / "nginx.conf")]
        command += ["-e", str(root / "error.log")]
        with nginx_log.open("w") as handle:
            processes.append(
                subprocess.Popen(command, stdout=handle, stderr=subprocess.STDOUT, cwd=root)
            )
        _wait_for_port(processes[-1], https_port, root / "error.log")
        yield deployment
    finally:
        for process in reversed(processes):
            _stop(process)
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

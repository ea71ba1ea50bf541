"""The browser-test harness: a real daphne process on a fresh database, driven by Debian's
Chromium through Playwright, on phone-sized screens.

The server runs in subprocesses, so pytest-django's test database and its blocking of database
access do not reach it: it gets a database of its own, seeded with the demo neighbourhood.

Playwright's sync API marks an asyncio loop as running in this thread for as long as the
browser is open, and Django refuses its ORM (and async_to_sync) while a loop runs. So the browser
tests are moved to the end of the run, where nothing else needs the ORM any more.
"""

import http.client
import importlib.metadata
import os
import re
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Generator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url
import psycopg
import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, sync_playwright
from playwright.sync_api import Error as PlaywrightError
from psycopg import sql

from e2e import clock

IN_CI = os.environ.get("CI", "").lower() == "true"
BASE_DIR = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
DEMO_PASSWORD = "kith-demo-1"
SERVER_START_SECONDS = 30
COMMAND_SECONDS = 300
PAGE_TIMEOUT_MS = 10_000
DAPHNE_ARGS = ("--access-log", "-", "-b", "127.0.0.1")
DAPHNE_APP = "core.asgi:application"
SERVER_LOG = pytest.StashKey[Path]()
SERVER_ENV = pytest.StashKey[dict[str, str]]()
LOG_OFFSET = pytest.StashKey[int]()

PHONE: dict[str, Any] = {
    "viewport": {"width": 360, "height": 740},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "en-GB",
    "timezone_id": "Europe/London",
}


# Collection ---------------------------------------------------------------------------------


def pytest_itemcollected(item: pytest.Item) -> None:
    # Only called for items under e2e/, as this conftest is scoped to the folder.
    item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # After pytest-randomly's shuffle: a stable sort keeps the order within each group.
    items.sort(key=lambda item: item.get_closest_marker("e2e") is not None)


# The server -----------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _on_the_test_day(env: dict[str, str]) -> dict[str, str]:
    """env for a process that starts now, on the clock the tests run on (see e2e/clock.py).

    With --today, this process's clock has been ticking since the session started; a server
    told the session's starting moment would run behind it by however long setting up took.
    So each process is told this process's now, and starts in step with it.
    """
    if not os.environ.get(clock.ENV):
        return env
    return {**env, clock.ENV: datetime.now(UTC).isoformat()}


def daphne_command(port: int) -> list[str]:
    """daphne serving Kith on port, started through e2e/clock.py so it keeps the tests' day."""
    return [
        sys.executable,
        "-m",
        "e2e.clock",
        "-m",
        "daphne",
        *DAPHNE_ARGS,
        "-p",
        str(port),
        DAPHNE_APP,
    ]


def start_daphne(port: int, env: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("w") as handle:
        return subprocess.Popen(
            daphne_command(port),
            cwd=BASE_DIR,
            env=_on_the_test_day(env),
            stdout=handle,
            stderr=subprocess.STDOUT,
        )


def _run(command: list[str], env: dict[str, str]) -> None:
    """Run a manage.py command the way `make run` does, failing with its output."""
    result = subprocess.run(
        [sys.executable, "-m", "e2e.clock", "manage.py", *command],
        cwd=BASE_DIR,
        env=_on_the_test_day(env),
        capture_output=True,
        text=True,
        timeout=COMMAND_SECONDS,
        check=False,
    )
    if result.returncode != 0:
        pytest.fail(
            f"manage.py {' '.join(command)} failed ({result.returncode}):\n"
            f"{result.stdout}\n{result.stderr}",
            pytrace=False,
        )


class _PostgresDatabase:
    """A database of its own on the server DATABASE_URL names, dropped afterwards."""

    def __init__(self, url: str, prefix: str = "kith_e2e") -> None:
        self.name = f"{prefix}_{secrets.token_hex(6)}"
        self.url = urlsplit(url)._replace(path=f"/{self.name}").geturl()
        config = dj_database_url.parse(url)
        self._server: dict[str, Any] = {
            "user": config["USER"],
            "password": config["PASSWORD"],
            "host": config["HOST"],
            "port": config["PORT"] or None,
            "connect_timeout": 5,
        }

    def _execute(self, statement: str) -> None:
        # The maintenance database, as Django's own test runner uses.
        with psycopg.connect(dbname="postgres", autocommit=True, **self._server) as conn:
            conn.execute(sql.SQL(statement).format(sql.Identifier(self.name)))

    def create(self) -> None:
        self._execute("CREATE DATABASE {}")

    def drop(self) -> None:
        self._execute("DROP DATABASE IF EXISTS {} WITH (FORCE)")


def _server_env(var_dir: Path, database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)  # without it: a SQLite file in KITH_VAR_DIR
    env.pop("KITH_MEDIA_ROOT", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    env.update(
        DJANGO_SETTINGS_MODULE="core.settings",
        KITH_VAR_DIR=str(var_dir),
        SECRET_KEY=secrets.token_urlsafe(50),
        # Other processes may share the Redis server REDIS_URL names (when it is set).
        CHANNELS_PREFIX=f"kith-e2e-{secrets.token_hex(4)}",
        PYTHONUNBUFFERED="1",
        # The browser push test's push service runs on 127.0.0.1.
        PUSH_ALLOW_PRIVATE_ENDPOINTS="true",
    )
    return env


def _wait_until_answering(process: subprocess.Popen, port: int, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(
                f"daphne stopped with code {process.returncode}:\n{log.read_text()}",
                pytrace=False,
            )
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            connection.request("GET", "/")
            connection.getresponse()
            return  # any HTTP answer will do: the server is up
        except OSError:
            time.sleep(0.2)
        finally:
            connection.close()
    pytest.fail(
        f"daphne did not answer within {SERVER_START_SECONDS}s:\n{log.read_text()}",
        pytrace=False,
    )


@pytest.fixture(scope="session")
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The base URL of a daphne process serving Kith on a fresh, seeded database."""
    var_dir = tmp_path_factory.mktemp("e2e-server")
    server_log = var_dir / "daphne.log"
    request.config.stash[SERVER_LOG] = server_log
    database = None
    database_url = os.environ.get("DATABASE_URL", "")
    if database_url.startswith(("postgres://", "postgresql://")):
        database = _PostgresDatabase(database_url)
        database.create()
    try:
        env = _server_env(var_dir, database.url if database else "")
        request.config.stash[SERVER_ENV] = env
        _run(["migrate", "--noinput", "-v0"], env)
        _run(["collectstatic", "--noinput", "-v0"], env)
        _run(["seed_demo"], env)
        port = _free_port()
        process = start_daphne(port, env, server_log)
        try:
            _wait_until_answering(process, port, server_log)
            yield f"http://127.0.0.1:{port}"
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    finally:
        if database:
            database.drop()


@pytest.fixture
def server_manage(request: pytest.FixtureRequest, server: str) -> Callable[..., None]:
    """Run a manage.py command on the server's own database, as its other processes do."""
    env = request.config.stash[SERVER_ENV]
    return lambda *command: _run(list(command), env)


@pytest.fixture
def server_log(request: pytest.FixtureRequest, server: str) -> Callable[[], str]:
    """What the server has logged since this test began (its access log included)."""
    log = request.config.stash[SERVER_LOG]
    start = request.node.stash.get(LOG_OFFSET, 0)
    return lambda: _logged_since(log, start)


def _logged_since(log: Path, offset: int) -> str:
    with log.open() as lines:
        lines.seek(offset)
        return lines.read()


# A failing browser test's report carries what daphne logged while it ran.


def pytest_runtest_setup(item: pytest.Item) -> None:
    log = item.config.stash.get(SERVER_LOG, None)
    item.stash[LOG_OFFSET] = log.stat().st_size if log and log.exists() else 0


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item,
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    log = item.config.stash.get(SERVER_LOG, None)
    if report.failed and log and log.exists():
        report.sections.append(("daphne log", _logged_since(log, item.stash.get(LOG_OFFSET, 0))))
    return report


# The browser ----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        where = "CI must install it first" if IN_CI else "the browser tests are part of the suite"
        pytest.fail(
            f"{CHROMIUM} is missing ({where}). Install Debian's Chromium with "
            "`apt-get install chromium` as root, or run `make test` as root, which does it.",
            pytrace=False,
        )
    # Lets context.route() see (and cut) the service worker's own fetches: set_offline alone
    # does not, and the offline tests must really have no network.
    os.environ["PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS"] = "1"
    args = [
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-gpu",
        "--no-first-run",
    ]
    if os.geteuid() == 0:
        args.insert(0, "--no-sandbox")  # Chromium refuses to sandbox itself as root
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=args, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def phone_context(browser: Browser, server: str) -> Iterator[Callable[[], BrowserContext]]:
    """Open as many phones as a test needs: each one a separate person's browser."""
    contexts: list[BrowserContext] = []
    # Any Content Security Policy complaint is a bug: the policy allows no inline code at all.
    violations: list[str] = []

    def open_phone() -> BrowserContext:
        context = browser.new_context(base_url=server, **PHONE)
        context.set_default_timeout(PAGE_TIMEOUT_MS)
        if os.environ.get(clock.ENV):
            # The page's own Date (saved-page times, the outbox) on the server's day; its
            # timers keep running at the real pace.
            context.clock.install(time=datetime.now(UTC))
        context.on(
            "console",
            lambda message: (
                violations.append(message.text)
                if "Content Security Policy" in message.text
                else None
            ),
        )
        contexts.append(context)
        return context

    yield open_phone
    for context in contexts:
        context.close()
    assert not violations, f"the page broke its Content Security Policy: {violations}"


def field(page: Page | Locator, label: str) -> Locator:
    """A form field by its whole label, with or without the colon Django's forms add after it."""
    return page.get_by_label(re.compile(rf"^\s*{re.escape(label)}:?\s*$"))


def sign_in(page: Page, base_url: str, email: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the form as a person would, and wait to be let in."""
    page.goto(f"{base_url}/accounts/login/")
    field(page, "Email address").fill(email)
    field(page, "Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    try:
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
    except PlaywrightError:
        shown = page.locator("main").inner_text() if page.locator("main").count() else ""
        pytest.fail(f"{email} was not let in; the sign-in page says:\n{shown}", pytrace=False)


def bundled_chromium_version() -> str:
    """The Chromium version the installed Playwright release is built and tested against."""
    import json

    import playwright

    browsers_json = Path(playwright.__file__).parent / "driver" / "package" / "browsers.json"
    browsers = json.loads(browsers_json.read_text())["browsers"]
    return next(entry["browserVersion"] for entry in browsers if entry["name"] == "chromium")


def playwright_version() -> str:
    return importlib.metadata.version("playwright")

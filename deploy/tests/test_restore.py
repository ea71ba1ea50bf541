"""A backup is only as good as its restore: the demo, dumped with pg_dump and restored into a
new database with pg_restore, as the README's Backups section says, is served by Kith."""

import asyncio
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import aiohttp
import pytest

from e2e.conftest import (
    BASE_DIR,
    DAPHNE_APP,
    DAPHNE_ARGS,
    _free_port,
    _PostgresDatabase,
    _run,
    _server_env,
    _wait_until_answering,
)
from e2e.test_two_processes import _sign_in

pytestmark = [pytest.mark.postgres, pytest.mark.deploy]
IN_CI = os.environ.get("CI", "").lower() == "true"


def _client_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        why = f"{name} is missing: apt-get install postgresql-client"
        if IN_CI:
            pytest.fail(why, pytrace=False)
        pytest.skip(why)
    return path


def _tool(*command: str) -> None:
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, f"{command[0]} failed:\n{result.stdout}\n{result.stderr}"


async def _signed_in_page(base: str) -> str:
    async with aiohttp.ClientSession(
        base_url=base, cookie_jar=aiohttp.CookieJar(unsafe=True)
    ) as angela:
        await _sign_in(angela, base, "angela@kith.example")
        people = await (await angela.get("/api/v1/people")).json()
        jean = next(person for person in people if person["name"] == "Jean")
        response = await angela.get(f"/people/{jean['id']}/")
        assert response.status == 200
        return await response.text()


def test_a_dump_of_the_demo_restores_into_a_new_database_that_kith_serves(tmp_path):
    pg_dump, pg_restore = _client_tool("pg_dump"), _client_tool("pg_restore")
    source = _PostgresDatabase(os.environ["DATABASE_URL"])
    restored = _PostgresDatabase(os.environ["DATABASE_URL"])
    source.create()
    try:
        env = _server_env(tmp_path / "var", source.url)
        env.pop("REDIS_URL", None)
        _run(["migrate", "--noinput", "-v0"], env)
        _run(["seed_demo"], env)
        dump = tmp_path / "kith.dump"
        # The README's commands: custom format, no owners, so any role can restore it.
        _tool(pg_dump, "--format=custom", "--no-owner", f"--file={dump}", source.url)
    finally:
        source.drop()  # gone: what follows can only come from the dump
    restored.create()
    daphne = None
    try:
        _tool(pg_restore, "--no-owner", "--exit-on-error", f"--dbname={restored.url}", str(dump))
        env = _server_env(tmp_path / "var", restored.url)
        env.pop("REDIS_URL", None)
        _run(["migrate", "--check", "-v0"], env)  # nothing left to apply: the schema came too
        _run(["collectstatic", "--noinput", "-v0"], env)
        port = _free_port()
        log = tmp_path / "daphne.log"
        with log.open("w") as handle:
            daphne = subprocess.Popen(
                [sys.executable, "-m", "daphne", *DAPHNE_ARGS, "-p", str(port), DAPHNE_APP],
                cwd=BASE_DIR,
                env=env,
                stdout=handle,
                stderr=subprocess.STDOUT,
            )
        _wait_until_answering(daphne, port, log)
        with ThreadPoolExecutor(max_workers=1) as pool:
            page = pool.submit(asyncio.run, _signed_in_page(f"http://127.0.0.1:{port}")).result()
        assert "Jean" in page
    finally:
        if daphne is not None:
            daphne.terminate()
            daphne.wait(timeout=10)
        restored.drop()

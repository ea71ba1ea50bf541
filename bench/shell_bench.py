"""How heavy and how quick the app shell is on a phone with a poor signal.

Run:  python bench/shell_bench.py

Starts Kith (daphne, fresh SQLite database, demo data, hashed and compressed static files as
in production) and drives Debian's Chromium through Playwright on a throttled mobile profile.
Prints, for a signed-in carer's first page:
- the bytes that crossed the network (compressed), against the 100 KB budget;
- the first load time, and the repeat load time once the service worker holds the shell;
and, in the same run, the same figures for a bare baseline page (the static offline page:
HTML and CSS, no scripts), so the ratios say what Kith adds.
"""

import os
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Literal

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from e2e.conftest import (
    BASE_DIR,
    DAPHNE_APP,
    DAPHNE_ARGS,
    DEMO_PASSWORD,
    _free_port,
    _run,
    _server_env,
    _wait_until_answering,
)

BUDGET_BYTES = 100 * 1024
RUNS = 5
# A slow mobile connection: 400 ms round trips, 1.6 Mbit/s down, 750 kbit/s up.
THROTTLE = {
    "offline": False,
    "latency": 400,
    "downloadThroughput": 1_600_000 / 8,
    "uploadThroughput": 750_000 / 8,
}
CHROMIUM_ARGS = [
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-gpu",
    "--no-first-run",
    *(["--no-sandbox"] if os.geteuid() == 0 else []),
]


def _measure(page: Page, url: str) -> tuple[int, float]:
    """Bytes over the network (compressed bodies) and time to the load event, in ms."""
    page.goto(url, wait_until="load")
    return page.evaluate(
        """() => {
          const nav = performance.getEntriesByType("navigation")[0];
          const all = [nav, ...performance.getEntriesByType("resource")];
          const bytes = all.reduce((sum, e) => sum + (e.transferSize || 0), 0);
          return [bytes, nav.loadEventEnd - nav.startTime];
        }"""
    )


def _signed_in_phone(
    browser: Browser, base: str, service_workers: Literal["allow", "block"]
) -> tuple[BrowserContext, Page]:
    context = browser.new_context(
        base_url=base,
        viewport={"width": 360, "height": 740},
        is_mobile=True,
        service_workers=service_workers,
    )
    page = context.new_page()
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill("angela@kith.example")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/")
    return context, page


def _throttled(context: BrowserContext, page: Page, *, no_cache: bool = False) -> None:
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", THROTTLE)
    if no_cache:
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})


def _one_run(browser: Browser, base: str, results: dict[str, dict[str, list[float]]]) -> None:
    # A phone that has never seen Kith: no service worker, nothing cached.
    context, page = _signed_in_phone(browser, base, service_workers="block")
    fresh = context.new_page()
    _throttled(context, fresh, no_cache=True)
    bare_bytes, bare_ms = _measure(fresh, "/offline/")
    kith_bytes, first_ms = _measure(fresh, "/")
    context.close()
    # The same phone the next day: the service worker holds the shell.
    context, page = _signed_in_phone(browser, base, service_workers="allow")
    page.evaluate("navigator.serviceWorker.ready")
    page.reload()
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    _throttled(context, page)
    _, repeat_ms = _measure(page, "/")
    context.close()
    results["bare"]["bytes"].append(bare_bytes)
    results["bare"]["first"].append(bare_ms)
    results["kith"]["bytes"].append(kith_bytes)
    results["kith"]["first"].append(first_ms)
    results["kith"]["repeat"].append(repeat_ms)


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[len(ordered) // 2]


def main() -> None:
    var_dir = Path(tempfile.mkdtemp(prefix="kith-shell-bench-"))
    env = _server_env(var_dir, "")
    env.update(KITH_MANIFEST_STATIC="true", SECRET_KEY=secrets.token_urlsafe(50))
    _run(["migrate", "--noinput", "-v0"], env)
    _run(["collectstatic", "--noinput", "-v0"], env)
    _run(["seed_demo"], env)
    port = _free_port()
    log = var_dir / "daphne.log"
    with log.open("w") as handle:
        server = subprocess.Popen(
            [sys.executable, "-m", "daphne", *DAPHNE_ARGS, "-p", str(port), DAPHNE_APP],
            cwd=BASE_DIR,
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_answering(server, port, log)
        results: dict[str, dict[str, list[float]]] = {
            "kith": {"bytes": [], "first": [], "repeat": []},
            "bare": {"bytes": [], "first": []},
        }
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
            )
            for _ in range(RUNS):
                _one_run(browser, base, results)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)

    kith_bytes = _median(results["kith"]["bytes"])
    bare_bytes = _median(results["bare"]["bytes"])
    first = _median(results["kith"]["first"])
    repeat = _median(results["kith"]["repeat"])
    bare_first = _median(results["bare"]["first"])
    print(f"throttled phone: {THROTTLE['latency']} ms round trips, 1.6 Mbit/s; {RUNS} runs")
    print(
        f"first load over the network: {kith_bytes / 1024:.1f} KB compressed, "
        f"{kith_bytes / BUDGET_BYTES:.2f}x of the 100 KB budget "
        f"(bare page {bare_bytes / 1024:.1f} KB; ratio {kith_bytes / bare_bytes:.2f}x)"
    )
    print(f"first load: {first:.0f} ms (bare page {bare_first:.0f} ms; {first / bare_first:.2f}x)")
    print(
        f"repeat load, shell from the service worker: {repeat:.0f} ms "
        f"({repeat / first:.2f}x the first load; {repeat / bare_first:.2f}x the bare first load)"
    )
    verdict = "within" if kith_bytes <= BUDGET_BYTES else "OVER"
    print(f"app shell weight: {verdict} budget")


if __name__ == "__main__":
    main()

"""Playwright speaks to Chromium over the DevTools protocol, which changes with each Chromium
major version: Debian's Chromium and the installed Playwright release must agree on it."""

from playwright.sync_api import Browser

from e2e.conftest import bundled_chromium_version, playwright_version


def _major(version: str) -> int:
    return int(version.split(".", 1)[0])


def test_debian_chromium_is_the_major_version_playwright_is_built_for(browser: Browser) -> None:
    debian, bundled = browser.version, bundled_chromium_version()
    assert _major(debian) == _major(bundled), (
        f"Debian's Chromium is {debian}, but playwright=={playwright_version()} is built for "
        f"Chromium {bundled}. Pin the Playwright release whose driver's browsers.json names "
        f"Chromium {_major(debian)} in pyproject.toml and requirements.lock."
    )

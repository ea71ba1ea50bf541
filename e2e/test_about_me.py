"""About Me on phones: Angela reads Jean's first, Sarah reads it after the news, Nina (a
district nurse Jean has not chosen) does not, and George rewrites his own.

The people come from the demo neighbourhood (families/demo_about_me.py). Nothing here depends
on the day: About Me has no dates but when it was written, which the test does not match.
"""

import os
import re
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import BrowserContext, Page, expect

from e2e.conftest import field, sign_in

# The screen a person sees first, kept when KITH_SCREENSHOTS names a folder.
SCREENSHOTS = os.environ.get("KITH_SCREENSHOTS", "")


def _snap(page: Page, name: str) -> None:
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"))
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}-whole.png"), full_page=True)


def _fits_the_phone(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page scrolls sideways on a phone ({width} px wide)"


def _open_jean(page: Page) -> None:
    page.goto("/people/")
    page.get_by_role("link", name=re.compile(r"^\s*Jean\b")).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Jean")


def test_angela_reads_jeans_about_me_first_and_sarah_after_the_news(
    phone_context: Callable[[], BrowserContext], server: str
) -> None:
    angela = phone_context().new_page()
    sign_in(angela, server, "angela@kith.example")
    _open_jean(angela)
    about = angela.locator("section.about-me")
    expect(about.get_by_role("heading", name="About Jean")).to_be_in_viewport()
    expect(about.get_by_text("What they like to be called")).to_be_in_viewport()
    expect(about.get_by_text("Only the doctors call me Mrs Hughes.")).to_be_visible()
    expect(about.get_by_text(re.compile(r"Changed by Angela Okafor on .*Sarah"))).to_be_visible()
    _fits_the_phone(angela)
    _snap(angela, "jean-as-angela")

    angela.get_by_role("link", name="Earlier versions").click()
    expect(angela.get_by_role("heading", level=1)).to_have_text("Earlier versions of About Me")
    expect(angela.locator("details")).to_have_count(2)
    _fits_the_phone(angela)

    sarah = phone_context().new_page()
    sign_in(sarah, server, "sarah@kith.example")
    _open_jean(sarah)
    expect(sarah.get_by_role("heading", name="Latest news")).to_be_in_viewport()
    expect(sarah.get_by_role("heading", name="About Jean")).to_be_visible()
    expect(sarah.get_by_text("Pat next door has a key.")).to_be_visible()
    expect(sarah.get_by_role("link", name="Change About Me")).to_have_count(0)
    _fits_the_phone(sarah)
    _snap(sarah, "jean-as-sarah")

    nina = phone_context().new_page()
    sign_in(nina, server, "nina@kith.example")
    _open_jean(nina)
    expect(nina.get_by_role("heading", name="About Jean")).to_have_count(0)
    expect(nina.get_by_text("Only the doctors call me Mrs Hughes.")).to_have_count(0)


def test_george_rewrites_what_worries_him_and_is_told_when_it_is_too_long(
    phone_context: Callable[[], BrowserContext], server: str
) -> None:
    george = phone_context().new_page()
    sign_in(george, server, "george@kith.example")
    george.goto("/people/")
    george.get_by_role("link", name=re.compile(r"^\s*George\b")).first.click()
    george.get_by_role("link", name="Change About Me").click()
    expect(george.get_by_role("heading", level=1)).to_have_text("About you")
    expect(field(george, "What you like to be called")).to_be_in_viewport()
    _fits_the_phone(george)
    _snap(george, "about-me-edit-as-george")

    worries = field(george, "What worries you")
    worries.fill("x" * 2001)
    george.get_by_role("button", name="Save").click()
    expect(george.get_by_text("Nothing was saved.")).to_be_visible()
    expect(
        george.get_by_role("link", name=re.compile("“What worries you” is 2,001"))
    ).to_be_visible()
    _fits_the_phone(george)
    _snap(george, "about-me-too-long-as-george")

    field(george, "What worries you").fill("Another stroke. Missing the football with Kwame.")
    george.get_by_role("button", name="Save").click()
    expect(george.get_by_text("Saved. The earlier version is kept.")).to_be_visible()
    about = george.locator("section.about-me")
    expect(about.get_by_role("heading", name="About you")).to_be_visible()
    expect(about.get_by_text("Missing the football with Kwame.")).to_be_visible()
    expect(about.get_by_text(re.compile("Changed by George Mensah on"))).to_be_visible()

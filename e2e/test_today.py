"""Angela (a carer) opens Kith on a 360 x 740 phone and her first screen is her day: the next
visit with its face, name, window in words and latest handover, and a note one tap away.

Built on the rota the demo makes (teams/rota/demo.py): Angela is one of Jean's two regular
carers, so she has a visit within the week whatever day the test runs. Which visit is next,
and whether it is today, depends on the day and hour; the test reads it from the page. The
handover is written by the test, so it holds whatever notes the demo grows.
"""

import os
import re
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import BrowserContext, Page, expect

from e2e.conftest import sign_in
from e2e.pages import unique

# Screenshots for a person to look at, kept when KITH_SCREENSHOTS names a folder.
SCREENSHOTS = os.environ.get("KITH_SCREENSHOTS", "")
WINDOW_IN_WORDS = re.compile(
    r"^(This|Tomorrow|On \w+) (morning|afternoon|evening), (between [\d.]+ and [\d.]+|at [\d.]+)$"
)


def _snap(page: Page, name: str, *, full_page: bool = False) -> None:
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"), full_page=full_page)


def _no_sideways_scroll(page: Page) -> None:
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"the page scrolls sideways: {widths}"


def test_angelas_first_screen_is_her_next_visit_and_a_note_is_two_taps_away(
    phone_context: Callable[[], BrowserContext], server: str
) -> None:
    angela = phone_context().new_page()
    sign_in(angela, server, "angela@kith.example")
    expect(angela).to_have_url(f"{server}/")
    next_visit = angela.locator(".today-visit").first
    expect(next_visit).to_be_visible()
    name = next_visit.locator("#next-name").inner_text()
    write = next_visit.get_by_role("link", name=f"Write a note about {name}")

    # Tap 1: the note form for that visit's person; tap 2: into "Your note"; then she types.
    write.tap()
    expect(angela).to_have_url(re.compile(r"/people/\d+/timeline/#id_body$"))
    box = angela.locator("#note-form").get_by_label("Your note")
    box.tap()
    expect(box).to_be_focused()
    handover = unique(f"{name} was tired this morning; a slow start helps.")
    angela.keyboard.type(handover)
    angela.locator("#note-form").get_by_label("Handover", exact=True).check()
    angela.locator("#note-form").get_by_role("button", name="Share the note").click()
    expect(angela.get_by_role("article").filter(has_text=handover)).to_be_visible()

    # Back on Today, all of it is on the first screen, with no scrolling either way.
    angela.get_by_role("navigation", name="Main").get_by_role("link", name="Today").click()
    angela.evaluate("() => window.scrollTo(0, 0)")
    next_visit = angela.locator(".today-visit").first
    expect(next_visit.locator("#next-name")).to_have_text(name)
    expect(next_visit.locator("#next-name")).to_be_in_viewport()
    expect(next_visit.locator(".today-when")).to_have_text(WINDOW_IN_WORDS)
    expect(next_visit.locator(".today-when")).to_be_in_viewport()
    expect(next_visit.get_by_text(handover)).to_be_in_viewport(ratio=1)
    expect(next_visit.get_by_role("link", name=f"Write a note about {name}")).to_be_in_viewport(
        ratio=1
    )
    _no_sideways_scroll(angela)
    _snap(angela, "today-angela")
    _snap(angela, "today-angela-whole-page", full_page=True)

    # Everyone the team supports stays one tap away.
    angela.get_by_role("navigation", name="Main").get_by_role("link", name="People").tap()
    expect(angela.get_by_role("heading", level=1)).to_have_text("My people")
    expect(angela.get_by_role("heading", name="People our team supports")).to_be_visible()

"""What several browser tests do the same way: watch a page's socket, open Jean's timeline,
write a note, keep a screenshot."""

import os
import re
import secrets
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

# Marks the page while its socket is open. Playwright injects it outside the page's own
# scripts (add_init_script), so the Content Security Policy (no inline code at all) is neither
# loosened nor tripped.
MARK_LIVE = """
(() => {
  const socket = (state) => () => document.documentElement.setAttribute("data-live", state);
  document.addEventListener("htmx:wsOpen", socket("open"));
  document.addEventListener("htmx:wsClose", socket("closed"));
})();
"""


def wait_until_live(page: Page) -> None:
    """Until the page's socket is open (the page's context must carry MARK_LIVE)."""
    expect(page.locator("html")).to_have_attribute("data-live", "open")


def open_jeans_timeline(page: Page, server: str) -> int:
    """As a person would: the people they see, Jean, then her notes; live. Answers Jean's id."""
    page.goto(f"{server}/people/")
    page.get_by_role("link", name=re.compile(r"^\s*Jean\b")).first.click()
    # The team's page says "Notes and news"; the family's, below Jean's latest news, "All the news".
    page.get_by_role("link", name=re.compile(r"^(Notes and news|All the news)$")).click()
    expect(page).to_have_url(re.compile(r"/people/\d+/timeline/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Jean's timeline")
    wait_until_live(page)
    found = re.search(r"/people/(\d+)/timeline/", page.url)
    assert found is not None, page.url
    return int(found.group(1))


def open_composer(page: Page) -> None:
    """Tap "Write a note" when the composer is closed (it stays open once opened)."""
    closed = page.locator("details.composer:not([open]) > summary")
    if closed.count():
        closed.click()


def open_reply(card: Locator) -> Locator:
    """Tap "Reply" on a note card; answers its reply form."""
    box = card.locator("details.reply-box")
    if box.get_attribute("open") is None:
        box.locator("summary").click()
    return box.locator("form.reply-form")


def write_note(page: Page, *, kind: str, body: str, who_sees: str | None = None) -> None:
    open_composer(page)
    form = page.locator("#note-form")
    form.get_by_label(kind, exact=True).check()
    if who_sees is not None:
        form.get_by_label(who_sees, exact=True).check()
    form.get_by_label("Your note").fill(body)
    form.get_by_role("button", name="Share the note").click()


def note(page: Page, text: str) -> Locator:
    return page.get_by_role("article").filter(has_text=text)


def unique(words: str) -> str:
    """Words no other test run wrote, so a page shows exactly this note."""
    return f"{words} ({secrets.token_hex(3)})"


def snap(page: Page, name: str) -> None:
    """A screenshot for a person to look at, kept when KITH_SCREENSHOTS names a folder."""
    folder = os.environ.get("KITH_SCREENSHOTS", "")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"))

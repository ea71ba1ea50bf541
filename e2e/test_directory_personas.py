"""The directory as each person who sees it: another team sees what was shared and nobody
connected; George reads his own connections; Sarah suggests a place and it waits for the team;
Angela sees a lapsed check, a duplicate warning and the gentle "no community contact" list.

Every page must fit a 360 px phone. With KITH_SCREENSHOTS set, each first screen is kept.
"""

import os
import re
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import BrowserContext, Page, expect

from e2e.conftest import field, sign_in

SCREENSHOTS = os.environ.get("KITH_SCREENSHOTS", "")


def _look(page: Page, name: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{name} scrolls sideways on a phone ({width} px wide)"
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"))


def test_each_person_sees_their_part_of_the_directory(
    phone_context: Callable[[], BrowserContext], server: str
) -> None:
    omar = phone_context().new_page()
    sign_in(omar, server, "omar@kith.example")
    omar.get_by_role("link", name="Directory").click()
    expect(omar.get_by_text("Shared by Riverside Neighbourhood Team").first).to_be_visible()
    expect(omar.get_by_text("Dave's gardening round")).to_have_count(0)
    _look(omar, "directory-omar")
    omar.get_by_role("link", name="St Mary's Thursday club").click()
    expect(omar.get_by_text("Nobody from our team yet.")).to_be_visible()
    expect(omar.get_by_text("Jean")).to_have_count(0)
    _look(omar, "entry-omar")

    george = phone_context().new_page()
    sign_in(george, server, "george@kith.example")
    # George's home is his My day; his own page is "My page" in the menu.
    george.get_by_role("navigation", name="Main").get_by_role("link", name="My page").click()
    panel = george.locator("section", has=george.get_by_role("heading", name="Your connections"))
    expect(panel).to_contain_text("New Testament Church of God")
    panel.scroll_into_view_if_needed()
    _look(george, "person-connections-george")

    sarah = phone_context().new_page()
    sign_in(sarah, server, "sarah@kith.example")
    sarah.get_by_role("link", name=re.compile(r"^\s*Jean\b")).first.click()
    sarah.get_by_role("link", name="Suggest a group or place").click()
    expect(sarah.get_by_text("Know somewhere Jean might enjoy?")).to_be_visible()
    field(sarah, "Name").fill("Knit and natter at the library")
    field(sarah, "When, in words").fill("Tuesday afternoons")
    _look(sarah, "suggest-sarah")
    sarah.get_by_role("button", name="Send to the team").click()
    expect(sarah.get_by_text("The team will look at your suggestion")).to_be_visible()

    angela = phone_context().new_page()
    sign_in(angela, server, "angela@kith.example")
    angela.get_by_role("link", name="Directory").click()
    waiting = angela.locator(
        "section", has=angela.get_by_role("heading", name="Suggestions waiting for the team")
    )
    expect(waiting).to_contain_text("Knit and natter at the library")
    expect(waiting).to_contain_text("for Jean")
    angela.get_by_role("link", name="Dave's gardening round").click()
    expect(angela.get_by_text("needs a check", exact=True)).to_be_visible()
    _look(angela, "provider-angela")

    angela.get_by_role("link", name="Back to the directory").click()
    angela.get_by_role("link", name="Add to the directory").first.click()
    angela.get_by_role("radio", name="Group").check()
    field(angela, "Name").fill("st marys thursday club")
    angela.get_by_role("button", name="Add", exact=True).click()
    expect(angela.get_by_text("already in the directory")).to_be_visible()
    _look(angela, "duplicate-angela")

    angela.get_by_role("link", name="Directory").click()
    angela.get_by_role("link", name="Who might like a hand getting out").click()
    expect(angela.get_by_text("not a target")).to_be_visible()
    _look(angela, "quiet-angela")

    angela.goto(f"{server}/people/")
    angela.get_by_role("link", name=re.compile(r"^\s*Jean\b")).first.click()
    panel = angela.locator("section", has=angela.get_by_role("heading", name="Connections"))
    panel.scroll_into_view_if_needed()
    _look(angela, "person-connections-angela")
    panel.get_by_role("link", name="Connections and suggestions").click()
    angela.get_by_role("heading", name="Might suit them").scroll_into_view_if_needed()
    _look(angela, "suggestions-angela")

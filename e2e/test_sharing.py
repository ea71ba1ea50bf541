"""George, who uses Kith on his own tablet and phone, changes what his circle sees.

The person comes from the demo neighbourhood (families/demo_data.py). The page must work on a
360 px phone: no sideways scrolling, every control reachable with a thumb.
"""

import os
import re
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import BrowserContext, Page, expect

from e2e.conftest import sign_in

# Screenshots for a person to look at, kept when KITH_SCREENSHOTS names a folder.
SCREENSHOTS = os.environ.get("KITH_SCREENSHOTS", "")


def _snap(page: Page, name: str) -> None:
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"), full_page=True)


def _fits_the_phone(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page scrolls sideways on a phone ({width} px wide)"


def test_george_changes_what_his_circle_sees(
    phone_context: Callable[[], BrowserContext], server: str
) -> None:
    george = phone_context().new_page()
    sign_in(george, server, "george@kith.example")

    # He lands on his My day; his page is one tap away, and it speaks to him.
    george.get_by_role("link", name="Your page").click()
    george.get_by_role("link", name="Who can see your notes").click()
    expect(george.get_by_role("heading", level=1)).to_have_text("Who can see your notes")
    expect(george.get_by_text("You decide who sees the notes written about you.")).to_be_visible()
    # George chooses for himself: nobody asks him how he agreed.
    expect(george.get_by_label("Who agreed?")).to_have_count(0)
    _fits_the_phone(george)
    _snap(george, "sharing-circle")

    # The whole circle: no visit notes, and yes to "a carer is with me now".
    george.get_by_label("Visit notes: how each visit went").uncheck()
    george.get_by_role("radio", name="Yes").check()
    george.get_by_role("button", name="Save").click()
    expect(george.get_by_text("Saved. It applies straight away.")).to_be_visible()
    expect(george.get_by_label("Visit notes: how each visit went")).not_to_be_checked()
    expect(george.get_by_label("Good moments")).to_be_checked()

    # His son Kwame: good moments only.
    george.get_by_role("link", name="Change what Kwame Mensah sees").click()
    expect(george.get_by_role("heading", level=1)).to_have_text("What Kwame Mensah sees")
    _fits_the_phone(george)
    _snap(george, "sharing-member")
    george.get_by_label("Only what I tick below").check()
    for kind in ("Visit notes: how each visit went", "Family updates"):
        george.get_by_label(kind).uncheck()
    george.get_by_label("Good moments").check()
    george.get_by_role("button", name="Save").click()

    expect(george.get_by_text("Saved. It applies straight away.")).to_be_visible()
    kwame = george.locator(".sharing-members li").filter(has_text="Kwame Mensah")
    expect(kwame).to_contain_text("Sees: Good moments")
    expect(kwame).not_to_contain_text("the same as the rest of the circle")
    _fits_the_phone(george)
    _snap(george, "sharing-saved")


def test_a_carer_changes_it_for_george_writing_down_how_he_agreed(
    phone_context: Callable[[], BrowserContext], server: str
) -> None:
    angela = phone_context().new_page()
    sign_in(angela, server, "angela@kith.example")
    angela.goto(f"{server}/people/")  # a carer's home is her Today; everyone is on /people/
    angela.get_by_role("link", name=re.compile(r"^\s*George\b")).first.click()
    angela.get_by_role("link", name="Who sees what").click()
    angela.get_by_role("link", name="Change what Abena Mensah sees").click()

    angela.get_by_label("Only what I tick below").check()
    angela.get_by_label("Concerns: when the team is worried about something").check()
    angela.get_by_role("button", name="Save").click()
    # Not without George's agreement written down.
    expect(angela.get_by_text("Please say who agreed to this.")).to_be_visible()

    angela.get_by_label("Who agreed?").fill("George")
    angela.get_by_label("How did they tell you?").fill("said so at a visit")
    _fits_the_phone(angela)
    _snap(angela, "sharing-member-by-carer")
    angela.get_by_role("button", name="Save").click()

    expect(angela.get_by_text("Saved. It applies straight away.")).to_be_visible()
    abena = angela.locator(".sharing-members li").filter(has_text="Abena Mensah")
    expect(abena).to_contain_text("Concerns")

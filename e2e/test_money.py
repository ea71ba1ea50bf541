"""Sarah worries about the money for her mum's nights; Angela changes the plan with them.

Two phones at 360 x 740: Sarah reads that the budget will run out early; Angela writes the
new budget the family agreed; Sarah's page then says it lasts.
"""

import re
from collections.abc import Callable

from playwright.sync_api import BrowserContext, Page, expect

from e2e.conftest import field, sign_in


def _jeans_money(page: Page, server: str) -> None:
    page.goto(f"{server}/people/")
    page.get_by_role("link", name=re.compile(r"^\s*Jean\b")).first.click()
    page.get_by_role("link", name="Money and hours").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Jean's money and hours")


def _fits_the_phone(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_sarah_is_warned_and_angela_writes_the_new_budget(
    phone_context: Callable[[], BrowserContext], server: str
) -> None:
    angela = phone_context().new_page()
    sign_in(angela, server, "angela@kith.example")
    _jeans_money(angela, server)
    angela.get_by_role("link", name="Change the plan").click()
    field(angela, "Budget (£)").fill("6000")
    angela.get_by_role("button", name="Save the plan").click()
    expect(angela.get_by_text("Saved. Thank you.")).to_be_visible()

    sarah = phone_context().new_page()
    sign_in(sarah, server, "sarah@kith.example")
    _jeans_money(sarah, server)
    warning = sarah.get_by_text(re.compile(r"At this rate the budget runs out on \d+ \w+"))
    expect(warning).to_be_visible()
    box = warning.bounding_box()
    assert box is not None
    assert box["y"] < 740, "the warning is on Sarah's first screen"
    _fits_the_phone(sarah)
    expect(sarah.get_by_role("link", name="Change the plan")).to_have_count(0)

    # The family agreed to put more aside: Angela writes it down, with who agreed and how.
    angela.get_by_role("link", name="Change the plan").click()
    field(angela, "Budget (£)").fill("7500")
    field(angela, "How they said so").fill("by phone with Sarah")
    angela.get_by_role("button", name="Save the plan").click()
    expect(angela.get_by_text("Saved. Thank you.")).to_be_visible()

    sarah.reload()
    expect(sarah.get_by_text(re.compile(r"spent of £7,500\.00"))).to_be_visible()
    expect(sarah.get_by_text("At this rate the budget runs out")).to_have_count(0)
    expect(sarah.get_by_text("by phone with Sarah", exact=False)).to_be_visible()

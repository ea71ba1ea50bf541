"""Two people sign in on their phones and each sees only the people they are connected to.
The people come from the demo neighbourhood (families/demo_data.py)."""

import re
from collections.abc import Callable

from playwright.sync_api import BrowserContext, Locator, Page, expect

from e2e.conftest import sign_in

RIVERSIDE = [
    "Jean",
    "George",
    "Peggy",
    "Ryan",
    "Arthur",
    "Gwen",
    "Alex",
    "Den",
    "Shabana",
    "Winston",
    "Irene",
    "Siobhan",
]
HILLTOP = ["Edie"]


def _person_link(page: Page, preferred_name: str) -> Locator:
    """The link to a person on a card: the card itself or a link inside it."""
    name = re.compile(rf"^\s*{re.escape(preferred_name)}\b")
    card_links = page.locator("a.person-card, .person-card a")
    return page.get_by_role("link", name=name).and_(card_links)


def _shows_my_people(page: Page, server: str) -> None:
    expect(page).to_have_url(f"{server}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("My people")


def test_a_carer_and_a_daughter_each_see_their_own_people(
    phone_context: Callable[[], BrowserContext], server: str
) -> None:
    angela = phone_context().new_page()
    sarah = phone_context().new_page()

    sign_in(angela, server, "angela@kith.example")
    sign_in(sarah, server, "sarah@kith.example")

    # A carer lands on her Today; everyone the team supports is one tap away.
    expect(angela).to_have_url(f"{server}/")
    expect(angela.get_by_role("heading", level=1)).to_contain_text("Today")
    angela.get_by_role("navigation", name="Main").get_by_role("link", name="People").click()
    expect(angela).to_have_url(f"{server}/people/")
    expect(angela.get_by_role("heading", level=1)).to_have_text("My people")
    expect(angela.locator(".person-card")).to_have_count(len(RIVERSIDE))
    for preferred_name in RIVERSIDE:
        expect(_person_link(angela, preferred_name).first).to_be_visible()
    for preferred_name in HILLTOP:
        expect(_person_link(angela, preferred_name)).to_have_count(0)

    _shows_my_people(sarah, server)
    expect(sarah.locator(".person-card")).to_have_count(1)
    expect(_person_link(sarah, "Jean").first).to_be_visible()

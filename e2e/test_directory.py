"""Angela adds a memory café to the neighbourhood directory and links it to Jean's goal; Sarah
sees it on her mum's page, and a moment there shows on the goal's picture.

The people come from the demo neighbourhood (families/demo_data.py, teams/demo_directory.py).
Nothing here depends on the day: the café's day is written in words, and the moment is
written during the test, so it is always in "the last 4 weeks".
"""

import os
import re
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import BrowserContext, Page, expect

from e2e.conftest import field, sign_in

SCREENSHOTS = os.environ.get("KITH_SCREENSHOTS", "")
CAFE = "Riverside memory café"
GOAL = "Get back to the Thursday club at the church hall"


def _snap(page: Page, name: str) -> None:
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"))


def _fits_the_phone(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page scrolls sideways on a phone ({width} px wide)"


def test_a_cafe_linked_to_jeans_goal_reaches_sarah_and_the_goals_picture(
    phone_context: Callable[[], BrowserContext], server: str
) -> None:
    angela = phone_context().new_page()
    sign_in(angela, server, "angela@kith.example")
    angela.get_by_role("link", name="Directory").click()
    expect(angela.get_by_role("heading", level=1)).to_have_text("Neighbourhood directory")
    expect(angela.get_by_text("Needs a check").first).to_be_visible()
    _fits_the_phone(angela)
    _snap(angela, "directory-angela")

    angela.get_by_role("link", name="Add to the directory").first.click()
    angela.get_by_role("radio", name="Group").check()
    field(angela, "Name").fill(CAFE)
    field(angela, "What it is").fill("Tea, cake and music for people living with dementia.")
    field(angela, "When, in words").fill("First Monday of the month, 10.30 am")
    field(angela, "Where").fill("The Riverside café, Mill Road")
    field(angela, "Postcode").fill("ls6 3ez")
    angela.get_by_label("Step-free").check()
    field(angela, "Interests it suits").fill("music, tea, dementia, company")
    _fits_the_phone(angela)
    angela.get_by_role("button", name="Add", exact=True).click()
    expect(angela.get_by_role("heading", level=1)).to_have_text(CAFE)
    expect(angela.get_by_text("LS6 3EZ")).to_be_visible()
    _snap(angela, "entry-angela")

    # To Jean's page, and from her connections to the café and her goal.
    angela.goto(f"{server}/people/")
    angela.get_by_role("link", name=re.compile(r"^\s*Jean\b")).first.click()
    jean_url = angela.url
    angela.get_by_role("link", name="Connections and suggestions").click()
    expect(angela.get_by_role("heading", level=1)).to_have_text("Jean's connections")
    field(angela, "Group, activity or place").select_option(label=CAFE)
    field(angela, "Which interest it is for").fill("music and company")
    field(angela, "Which goal it helps with").select_option(label=GOAL)
    angela.get_by_role("button", name="Connect", exact=True).click()
    expect(angela.get_by_text("Connected. Thank you.")).to_be_visible()
    cafe_card = angela.locator(".rota-card", has_text=CAFE).first
    expect(cafe_card).to_contain_text(f"For the goal “{GOAL}”")
    _fits_the_phone(angela)
    _snap(angela, "connections-angela")

    sarah = phone_context().new_page()
    sign_in(sarah, server, "sarah@kith.example")
    sarah.goto(jean_url)
    connections = sarah.locator("section", has=sarah.get_by_role("heading", name="Connections"))
    expect(connections).to_contain_text(CAFE)
    connections.scroll_into_view_if_needed()
    _fits_the_phone(sarah)
    _snap(sarah, "person-connections-sarah")

    # Sarah writes the moment: she took her mum to the café.
    connections.get_by_role("link", name="Write a moment at one").click()
    sarah.get_by_text(f"Write a moment at {CAFE}").click()
    moment = "Mum sang along at the memory café and asked when we can go again."
    form = sarah.locator("details[open] form").first
    field(form, "What happened?").fill(moment)
    form.get_by_role("button", name="Share the moment").click()
    expect(sarah.get_by_text("Thank you: the moment is on the timeline.")).to_be_visible()
    expect(sarah.locator(".rota-card", has_text=CAFE).first).to_contain_text(
        "1 moment in the last 4 weeks"
    )

    # The goal's picture: the café under "In the neighbourhood", and the moment among its notes.
    sarah.goto(jean_url)
    sarah.get_by_role("link", name="Goals").first.click()
    sarah.get_by_role("link", name=GOAL).click()
    neighbourhood = sarah.locator(
        "section", has=sarah.get_by_role("heading", name="In the neighbourhood")
    )
    expect(neighbourhood).to_contain_text(CAFE)
    expect(neighbourhood).to_contain_text("1 moment in the last 4 weeks")
    expect(sarah.get_by_text(moment)).to_be_visible()
    _fits_the_phone(sarah)
    _snap(sarah, "goal-sarah")

    # Angela sees the same moment on the goal, with the café.
    angela.goto(sarah.url)
    expect(angela.get_by_text(moment)).to_be_visible()

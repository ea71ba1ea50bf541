"""Sarah opens her mum's page on a 360 x 740 phone: the news and who is coming come first.

Nina (district nurse) and Angela (carer) look at the same pages; none of them scrolls sideways.
Notes are written here through the services, as the team would, so the test does not depend on
what the demo neighbourhood holds.
"""

import os
import re
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import BrowserContext, Page, expect

from e2e.conftest import sign_in
from e2e.pages import unique

SCREENSHOTS = os.environ.get("KITH_SCREENSHOTS", "")


def _snap(page: Page, name: str) -> None:
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"))


WIDEST = """() => [...document.querySelectorAll('main *')]
  .filter(el => el.getBoundingClientRect().right > 360)
  .map(el => el.tagName + '.' + el.className + ' ' + (el.textContent || '').slice(0, 40))
  .slice(-3)"""


def _fits_the_phone(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{page.url} scrolls sideways ({width} px): {page.evaluate(WIDEST)}"


def _write_for_jean(server_manage, *, kind: str, body: str, audience: str) -> None:
    server_manage(
        "shell",
        "-c",
        "from core.models import User; from families.models import Person;"
        "from families import services;"
        "angela = User.objects.get(email='angela@kith.example');"
        "jean = Person.objects.get(preferred_name='Jean');"
        f"services.note_create(actor=angela, person_id=jean.pk, kind={kind!r}, body={body!r},"
        f" audience={audience!r}, wellbeing=4)",
    )


def _jeans_page(page: Page, server: str) -> None:
    # Everyone's list of their people (a carer's home is Today, which links visits too).
    page.goto(f"{server}/people/")
    page.get_by_role("link", name=re.compile(r"^\s*Jean\b")).first.click()
    expect(page).to_have_url(re.compile(r"/people/\d+/$"))


def test_sarah_sees_the_newest_update_and_whos_coming_without_scrolling(
    phone_context: Callable[[], BrowserContext], server: str, server_manage
) -> None:
    older = unique("Jean and I looked at the roses.")
    newest = unique("Jean sang along to the radio this morning.")
    team_only = unique("Key safe code changed.")
    _write_for_jean(server_manage, kind="moment", body=older, audience="circle")
    _write_for_jean(server_manage, kind="visit", body=newest, audience="circle")
    _write_for_jean(server_manage, kind="handover", body=team_only, audience="team")

    sarah = phone_context().new_page()
    sign_in(sarah, server, "sarah@kith.example")
    _jeans_page(sarah, server)

    expect(sarah.get_by_text(newest)).to_be_in_viewport()
    expect(sarah.get_by_role("heading", name="Who's coming")).to_be_in_viewport()
    expect(sarah.get_by_text(team_only)).to_have_count(0)
    assert sarah.evaluate("window.scrollY") == 0
    _fits_the_phone(sarah)
    _snap(sarah, "sarah-jean-page")

    # "Write an update" opens the form in place; the news stays above it.
    sarah.get_by_text("Write an update").click()
    expect(sarah.locator("#note-form")).to_be_visible()
    news_box = sarah.get_by_text(newest).bounding_box()
    form_box = sarah.locator("#note-form").bounding_box()
    assert news_box and form_box and news_box["y"] < form_box["y"]

    sarah.goto(sarah.url + "timeline/")
    expect(sarah.get_by_text(newest)).to_be_visible()
    _fits_the_phone(sarah)
    _snap(sarah, "sarah-jean-timeline")


def test_nina_and_angela_see_jeans_pages_without_sideways_scroll(
    phone_context: Callable[[], BrowserContext], server: str, server_manage
) -> None:
    words = unique("Jean walked to the gate with her frame.")
    # A visit note: Jean shares those with Nina (the demo's sharing), and the team sees all.
    _write_for_jean(server_manage, kind="visit", body=words, audience="circle")

    for who in ("nina", "angela"):
        page = phone_context().new_page()
        sign_in(page, server, f"{who}@kith.example")
        _jeans_page(page, server)
        _fits_the_phone(page)
        _snap(page, f"{who}-jean-page")
        page.goto(page.url + "timeline/")
        expect(page.get_by_text(words)).to_be_visible()
        _fits_the_phone(page)
        _snap(page, f"{who}-jean-timeline")

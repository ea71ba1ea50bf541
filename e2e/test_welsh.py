"""Kith in Welsh and English on one timeline: Sarah reads in English, Nina (Jean's district
nurse) chooses Cymraeg, and a note Angela shares reaches each page in its reader's language.

Screenshots of the Welsh pages at 360 x 740 are kept in the test's folder for looking at.
"""

import re
from pathlib import Path

from playwright.sync_api import expect

from e2e.conftest import sign_in
from e2e.pages import MARK_LIVE, note, open_jeans_timeline, unique, wait_until_live, write_note

# Live, not fast: with two browser workers on two cores a frame sometimes takes over a
# second here; how fast frames arrive is bench/fanout_bench.py's to measure, not a test's.
LIVE_WITHIN_MS = 3_000


def _shot(page, folder: Path, name: str) -> None:
    page.screenshot(path=str(folder / f"{name}.png"), full_page=False)


def test_each_reader_hears_the_note_in_their_own_language(phone_context, server, tmp_path):
    sarah_context = phone_context()
    sarah_context.add_init_script(MARK_LIVE)
    sarah = sarah_context.new_page()
    sign_in(sarah, server, "sarah@kith.example")
    open_jeans_timeline(sarah, server)
    wait_until_live(sarah)
    timeline = sarah.url

    nina_context = phone_context()
    nina_context.add_init_script(MARK_LIVE)
    nina = nina_context.new_page()
    # Before signing in: the sign-in page, then the choice, remembered on this phone.
    nina.goto(f"{server}/accounts/login/")
    nina.get_by_role("button", name="Cymraeg").click()
    expect(nina.locator("html")).to_have_attribute("lang", "cy")
    expect(nina.get_by_role("heading", level=1)).to_have_text("Mewngofnodi")
    _shot(nina, tmp_path, "sign-in-cy")
    sign_in_welsh = nina.get_by_role("button", name="Mewngofnodi")
    nina.get_by_label(re.compile(r"^\s*Cyfeiriad e-bost")).fill("nina@kith.example")
    nina.get_by_label(re.compile(r"^\s*Cyfrinair")).fill("kith-demo-1")
    sign_in_welsh.click()
    nina.wait_for_url(lambda url: "/accounts/login/" not in url)
    # Her account still says English: the switch on any page saves Welsh on it.
    if nina.locator("html").get_attribute("lang") != "cy":
        nina.get_by_role("button", name="Cymraeg").click()
    expect(nina.locator("html")).to_have_attribute("lang", "cy")
    nina.goto(timeline)
    wait_until_live(nina)
    _shot(nina, tmp_path, "timeline-cy")

    angela = phone_context().new_page()
    sign_in(angela, server, "angela@kith.example")
    angela.goto(timeline)
    words = unique("Dressing changed, healing well")
    write_note(angela, kind="Visit note", body=words, who_sees="The team and the circle")

    expect(note(sarah, words)).to_contain_text("Visit note", timeout=LIVE_WITHIN_MS)
    expect(note(nina, words)).to_contain_text("Nodyn ymweliad", timeout=LIVE_WITHIN_MS)
    expect(note(nina, words)).not_to_contain_text("Visit note")
    # Angela's words stay English on Nina's Welsh page, marked so for a screen reader.
    expect(note(nina, words).locator(".note-body")).to_have_attribute("lang", "en")
    expect(note(sarah, words).locator(".note-body")).to_have_attribute("lang", "en")

    nina.goto(f"{server}/profile/")
    expect(nina.get_by_role("heading", level=1)).to_have_text("Fi")
    expect(nina.locator("option[value=cy]")).to_have_attribute("selected", "")
    _shot(nina, tmp_path, "profile-cy")
    for name in ("sign-in-cy", "timeline-cy", "profile-cy"):
        assert (tmp_path / f"{name}.png").exists()
    # Nothing scrolls sideways at 360 px.
    width = nina.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, width

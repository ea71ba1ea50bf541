"""George signs in on a 360 x 740 phone and his first screen is his day, said to him: who is
coming to see him next, with a big photo. A face says how he feels, and it is on his notes.

Gwen reads Kith in Welsh with larger text on; her coordinator Mei reads in Welsh and her niece
Lowri in English. When Angela writes on Gwen's timeline, each open page shows the note in its
reader's own language at once.

Built on the demo (families/demo_data.py): George's visits are at lunchtime three days a week
and Gwen's at teatime on three others, so each has someone coming within the week whatever day
the test runs; the words are read for their shape, never for a day or time.
"""

import os
import re
from collections.abc import Callable
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import BrowserContext, Page, expect

from e2e.conftest import sign_in
from e2e.pages import MARK_LIVE, note, unique, wait_until_live, write_note

SHOTS = Path(os.environ.get("KITH_SCREENSHOTS", "") or "/work/shots/myday")
# Live, not fast: with two browser workers on two cores a frame sometimes takes over a
# second here; how fast frames arrive is bench/fanout_bench.py's to measure, not a test's.
LIVE_WITHIN_MS = 3_000
COMING_TO_SEE_YOU = re.compile(
    r"^(\w+( and \w+)?|Someone from the team) (is|are) coming to see you "
    r"(this|tomorrow|on \w+) (morning|afternoon|evening), (between [\d.]+ and [\d.]+|at [\d.]+)\.$"
)
GREETING = re.compile(r"^Good (morning|afternoon|evening), George\.$")
WELSH_GREETING = re.compile(r"^(Bore da|Prynhawn da|Noswaith dda), Gwen\.$")


def _snap(page: Page, name: str, *, full_page: bool = False) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_load_state("networkidle")  # the photos, which load lazily
    page.evaluate("() => window.scrollTo(0, 0)")
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)


def _no_sideways_scroll(page: Page) -> None:
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"the page scrolls sideways: {widths}"


def _no_axe_violations(page: Page) -> None:
    """axe-core's WCAG 2.2 A and AA rules find nothing on the page."""
    tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": tags}})
    found = [(v["id"], len(v["nodes"])) for v in results.response["violations"]]
    assert not found, f"axe-core found: {found}"


def test_georges_first_screen_says_who_is_coming_to_see_him_and_a_face_says_how_he_feels(
    phone_context: Callable[[], BrowserContext], server: str
) -> None:
    george = phone_context().new_page()
    sign_in(george, server, "george@kith.example")
    expect(george).to_have_url(f"{server}/")
    expect(george.get_by_role("heading", level=1)).to_have_text(GREETING)
    next_words = george.locator("#next-words")
    expect(next_words).to_have_text(COMING_TO_SEE_YOU)
    # All of it on the first screen, with the carer's big photo: no scrolling either way.
    expect(george.get_by_role("heading", level=1)).to_be_in_viewport(ratio=1)
    expect(next_words).to_be_in_viewport(ratio=1)
    expect(george.locator(".my-day-next .avatar-xxl img").first).to_be_in_viewport(ratio=1)
    _no_sideways_scroll(george)
    _no_axe_violations(george)
    _snap(george, "my-day-george")
    _snap(george, "my-day-george-whole-page", full_page=True)

    # One tap on a face: a note of his own, with no page to fill in.
    george.get_by_role("button", name=re.compile(r"Very good")).tap()
    expect(george.locator("#feeling")).to_contain_text("You said: Very good.")
    expect(george.get_by_role("button", name=re.compile(r"Very good"))).to_have_attribute(
        "aria-pressed", "true"
    )
    _snap(george, "my-day-george-after-a-face")

    george.get_by_role("link", name="Your notes").click()
    expect(george.get_by_role("heading", level=1)).to_have_text("Your notes")
    mine = note(george, "I feel very good today.").first
    expect(mine).to_be_visible()
    expect(mine).to_contain_text("George Mensah")
    _no_sideways_scroll(george)
    _snap(george, "timeline-george")

    george.get_by_role("link", name="Back to your page").click()
    expect(george.get_by_role("heading", level=1)).to_have_text("Your page")
    # "Who's coming" on his page speaks to him too, as My day does.
    coming = george.locator(".whos-coming .coming-words").first
    expect(coming).to_contain_text("to see you", use_inner_text=True)
    expect(coming.locator(".said-about")).to_be_hidden()
    _no_sideways_scroll(george)
    _snap(george, "page-george")


def _gwens_timeline_as_lowri(page: Page, server: str) -> str:
    page.goto(f"{server}/")
    page.get_by_role("link", name=re.compile(r"^\s*Gwen\b")).first.click()
    page.get_by_role("link", name="All the news").click()
    expect(page).to_have_url(re.compile(r"/people/\d+/timeline/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Gwen's timeline")
    return page.url


def test_mei_in_welsh_and_lowri_in_english_read_angelas_note_on_gwens_timeline(
    phone_context: Callable[[], BrowserContext], server: str
) -> None:
    lowri_context = phone_context()
    lowri_context.add_init_script(MARK_LIVE)
    lowri = lowri_context.new_page()
    sign_in(lowri, server, "lowri@kith.example")
    timeline = _gwens_timeline_as_lowri(lowri, server)
    wait_until_live(lowri)

    mei_context = phone_context()
    mei_context.add_init_script(MARK_LIVE)
    mei = mei_context.new_page()
    sign_in(mei, server, "mei@kith.example")
    # Her account says Welsh: every page speaks it from the first one after signing in.
    expect(mei.locator("html")).to_have_attribute("lang", "cy")
    mei.goto(timeline)
    expect(mei.locator("html")).to_have_attribute("lang", "cy")
    wait_until_live(mei)

    angela = phone_context().new_page()
    sign_in(angela, server, "angela@kith.example")
    angela.goto(timeline)
    words = unique("Gwen sang at choir and came home humming")
    write_note(angela, kind="Visit note", body=words, who_sees="The team and the circle")

    expect(note(lowri, words)).to_contain_text("Visit note", timeout=LIVE_WITHIN_MS)
    expect(note(mei, words)).to_contain_text("Nodyn ymweliad", timeout=LIVE_WITHIN_MS)
    expect(note(mei, words)).not_to_contain_text("Visit note")
    _no_sideways_scroll(mei)
    _snap(mei, "timeline-gwen-mei-cy")
    _snap(lowri, "timeline-gwen-lowri-en")


def test_gwens_own_my_day_and_page_read_in_welsh_in_larger_text(
    phone_context: Callable[[], BrowserContext], server: str
) -> None:
    gwen = phone_context().new_page()
    sign_in(gwen, server, "gwen@kith.example")
    expect(gwen).to_have_url(f"{server}/")
    html = gwen.locator("html")
    expect(html).to_have_attribute("lang", "cy")
    expect(html).to_have_class("text-larger")
    expect(gwen.get_by_role("heading", level=1)).to_have_text(WELSH_GREETING)
    expect(gwen.locator("#next-words")).to_contain_text("yn dod i'ch gweld chi")
    expect(gwen.locator("#next-words")).to_be_in_viewport(ratio=1)
    expect(gwen.get_by_role("heading", name="Sut ydych chi'n teimlo heddiw?")).to_be_visible()
    expect(gwen.get_by_role("heading", name="Eich nodau")).to_be_visible()
    # Her goals, in her own words, in Welsh.
    expect(gwen.get_by_text("Ffonio Bron fy hun bob dydd Sul")).to_be_visible()
    main = gwen.locator("main").inner_text()
    for english in ("coming to see you", "How are you feeling", "Your goals", "Good "):
        assert english not in main, english
    _no_sideways_scroll(gwen)
    _no_axe_violations(gwen)
    _snap(gwen, "my-day-gwen-cy")
    _snap(gwen, "my-day-gwen-cy-whole-page", full_page=True)

    gwen.get_by_role("link", name="Eich tudalen").first.click()
    expect(gwen.get_by_role("heading", level=1)).to_have_text("Eich tudalen")
    expect(gwen.get_by_role("link", name="Pwy sy'n gallu gweld eich nodiadau")).to_be_visible()
    _no_sideways_scroll(gwen)
    _snap(gwen, "page-gwen-cy")

"""The live shared timeline, on two phones: what Angela (Jean's carer) shares with the circle
reaches the page Sarah (Jean's daughter) already has open at once, without a reload;
a team-only handover never reaches Sarah at all; and what Sarah answers reaches Angela.

The people come from the demo neighbourhood (families/demo_data.py).
"""

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from playwright.sync_api import BrowserContext, Page, WebSocket, expect

from e2e.conftest import sign_in
from e2e.pages import (
    MARK_LIVE,
    note,
    open_jeans_timeline,
    open_reply,
    unique,
    wait_until_live,
    write_note,
)

# Live, not fast: with two browser workers on two cores a frame sometimes takes over a
# second here; how fast frames arrive is bench/fanout_bench.py's to measure, not a test's.
LIVE_WITHIN_MS = 3_000
NEVER_WAIT_MS = 2_000
HEART = re.compile(r"^Heart\b")

# Watches, from inside each page, what a person would notice: when a note form was sent and
# when each note first appeared. Playwright injects it outside the page's own scripts, so the
# page's Content Security Policy (no inline code at all) is neither loosened nor tripped.
WATCH_THE_PAGE = """
(() => {
  window.kithSeenAt = {};
  window.kithSentAt = null;
  const mark = (root) => {
    if (!root.querySelectorAll) return;
    const found = root.matches && root.matches("article[id^='note-']") ? [root] : [];
    found.push(...root.querySelectorAll("article[id^='note-']"));
    for (const article of found) {
      if (!(article.id in window.kithSeenAt)) window.kithSeenAt[article.id] = Date.now();
    }
  };
  new MutationObserver((changes) => {
    for (const change of changes) change.addedNodes.forEach(mark);
  }).observe(document, { childList: true, subtree: true });
  document.addEventListener("submit", (event) => {
    if (event.target.id === "note-form") window.kithSentAt = Date.now();
  }, true);
})();
"""


@dataclass
class Phone:
    """One person's open timeline page, and everything its socket received."""

    page: Page
    frames: list[str] = field(default_factory=list)
    navigations: int = 0

    def heard(self, text: str) -> bool:
        spelt = html.escape(text)  # as the fragment's HTML spells it
        return any(spelt in frame for frame in self.frames)


def _phone(open_phone: Callable[[], BrowserContext]) -> BrowserContext:
    context = open_phone()
    context.add_init_script(WATCH_THE_PAGE)
    context.add_init_script(MARK_LIVE)
    return context


def _watch(page: Page) -> Phone:
    phone = Phone(page)

    def listen(socket: WebSocket) -> None:
        socket.on(
            "framereceived",
            lambda payload: phone.frames.append(
                payload if isinstance(payload, str) else payload.decode()
            ),
        )

    def navigated(frame: object) -> None:
        if frame == page.main_frame:
            phone.navigations += 1

    page.on("websocket", listen)
    page.on("framenavigated", navigated)
    return phone


def _open_timeline(page: Page, server: str, person_id: int) -> None:
    page.goto(f"{server}/people/{person_id}/timeline/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Jean's timeline")
    wait_until_live(page)


def test_a_moment_reaches_the_daughters_open_page_at_once_and_a_handover_never_does(
    phone_context: Callable[[], BrowserContext], server: str
) -> None:
    angelas_phone = _phone(phone_context)
    angela = _watch(angelas_phone.new_page())
    sarah = _watch(_phone(phone_context).new_page())

    sign_in(sarah.page, server, "sarah@kith.example")
    jean_id = open_jeans_timeline(sarah.page, server)
    sign_in(angela.page, server, "angela@kith.example")
    _open_timeline(angela.page, server, jean_id)
    sarahs_navigations = sarah.navigations

    # A moment shared with the circle: on Sarah's open page at once.
    moment = unique("Jean sang along to the radio and laughed at the weather forecast")
    write_note(angela.page, kind="A good moment", body=moment, who_sees="The team and the circle")
    arrived = note(sarah.page, moment)
    expect(arrived).to_be_visible(timeout=5 * LIVE_WITHIN_MS)
    note_id = arrived.get_attribute("id")
    sent_at = angela.page.evaluate("() => window.kithSentAt")
    seen_at = sarah.page.evaluate(f"() => window.kithSeenAt[{note_id!r}]")
    assert sent_at is not None and seen_at is not None
    assert seen_at - sent_at < LIVE_WITHIN_MS, (
        f"the moment took {seen_at - sent_at} ms to reach Sarah's page"
    )
    expect(arrived).to_contain_text("Seen by the team and the circle")
    assert sarah.navigations == sarahs_navigations, "Sarah's page reloaded"

    # A team-only handover: Angela's other open page shows it, Sarah's never does.
    angelas_other_page = _watch(angelas_phone.new_page())
    _open_timeline(angelas_other_page.page, server, jean_id)
    handover = unique("Jean's new tablets are in the blue box; the pharmacy calls on Friday")
    write_note(angela.page, kind="Handover", body=handover, who_sees="The team only")
    expect(note(angelas_other_page.page, handover)).to_be_visible(timeout=5 * LIVE_WITHIN_MS)
    expect(note(angelas_other_page.page, handover)).to_contain_text("Seen by the team only")
    assert angelas_other_page.navigations == 1, "Angela's other page had to reload"
    sarah.page.wait_for_timeout(NEVER_WAIT_MS)
    expect(sarah.page.get_by_text(handover)).to_have_count(0)
    assert not sarah.heard(handover), "the handover was sent to Sarah's socket"
    assert sarah.heard(moment), "Sarah's socket frames were not being watched"

    # Sarah answers on her open page; Angela's open page updates without a reload.
    angelas_navigations = angela.navigations
    thanks = unique("Thank you Angela, that made my day")
    on_sarahs_page = note(sarah.page, moment)
    open_reply(on_sarahs_page).get_by_label("Your reply").fill(thanks)
    on_sarahs_page.get_by_role("button", name="Send").click()
    on_sarahs_page.get_by_role("button", name=HEART).click()

    on_angelas_page = note(angela.page, moment)
    expect(on_angelas_page.get_by_role("list", name="Replies")).to_contain_text(thanks)
    expect(on_angelas_page.get_by_role("button", name=HEART)).to_contain_text("1")
    assert angela.navigations == angelas_navigations, "Angela's page reloaded"
    # The reaction is Sarah's own, so her page shows it pressed and Angela's does not.
    expect(on_sarahs_page.get_by_role("button", name=HEART)).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(on_angelas_page.get_by_role("button", name=HEART)).to_have_attribute(
        "aria-pressed", "false"
    )

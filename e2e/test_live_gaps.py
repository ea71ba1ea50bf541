"""A frame lost on the way is never a lost note: Sarah's open page notices the gap from the
next frame, asks for what it missed over the same socket, and shows each note exactly once.

The loss is made in the browser (Playwright stands between the page and its socket and
swallows one frame), as a swamped channel layer on the server does it: the socket stays open.
"""

import re
from collections.abc import Callable

from playwright.sync_api import BrowserContext, WebSocketRoute, expect

from e2e.conftest import sign_in
from e2e.pages import MARK_LIVE, note, open_jeans_timeline, unique, wait_until_live, write_note

ARRIVES_WITHIN_MS = 5_000


def _swallow_first_frame_with(words: str, swallowed: list[str]):
    """Stands between a page and its socket, and loses the first frame carrying ``words``."""

    def between_page_and_server(socket: WebSocketRoute) -> None:
        upstream = socket.connect_to_server()

        def from_server(message: str | bytes) -> None:
            text = message if isinstance(message, str) else message.decode()
            if words in text and not swallowed:
                swallowed.append(text)  # never reaches the page
                return
            socket.send(message)

        upstream.on_message(from_server)
        socket.on_message(lambda message: upstream.send(message))

    return between_page_and_server


def test_a_note_whose_frame_was_lost_still_appears_once(
    phone_context: Callable[[], BrowserContext], server: str
) -> None:
    lost = unique("Jean found her old photo album and told me about the wedding")
    swallowed: list[str] = []
    between_page_and_server = _swallow_first_frame_with(lost, swallowed)

    sarahs_phone = phone_context()
    sarahs_phone.add_init_script(MARK_LIVE)
    sarah = sarahs_phone.new_page()
    sarah.route_web_socket(re.compile(r"/ws/people/\d+/"), between_page_and_server)
    sign_in(sarah, server, "sarah@kith.example")
    jean_id = open_jeans_timeline(sarah, server)

    angelas_phone = phone_context()
    angelas_phone.add_init_script(MARK_LIVE)
    angela = angelas_phone.new_page()
    sign_in(angela, server, "angela@kith.example")
    angela.goto(f"{server}/people/{jean_id}/timeline/")
    wait_until_live(angela)
    navigations = []
    sarah.on("framenavigated", lambda frame: navigations.append(frame.url))

    write_note(angela, kind="A good moment", body=lost, who_sees="The team and the circle")
    expect(note(angela, lost)).to_have_count(1, timeout=ARRIVES_WITHIN_MS)
    sarah.wait_for_timeout(1_000)
    assert swallowed, "the frame to lose never came"
    expect(note(sarah, lost)).to_have_count(0)

    after = unique("Then we had tea in the garden")
    write_note(angela, kind="A good moment", body=after, who_sees="The team and the circle")

    # The next frame names the lost one as its previous: the page asks, and is sent it.
    expect(note(sarah, after)).to_have_count(1, timeout=ARRIVES_WITHIN_MS)
    expect(note(sarah, lost)).to_have_count(1, timeout=ARRIVES_WITHIN_MS)
    sarah.wait_for_timeout(1_000)
    # Sent twice (live, then again while catching up), shown once; no reload needed.
    expect(note(sarah, after)).to_have_count(1)
    expect(note(sarah, lost)).to_have_count(1)
    assert navigations == [], "Sarah's page reloaded"
    # Newest first, as a fresh page would show them.
    ids = sarah.locator("#timeline > article").evaluate_all("els => els.map(e => e.id)")
    assert ids.index(note(sarah, after).get_attribute("id")) < ids.index(
        note(sarah, lost).get_attribute("id")
    )


def test_a_last_note_whose_frame_was_lost_appears_when_the_page_checks(
    phone_context: Callable[[], BrowserContext], server: str
) -> None:
    """No later frame gives it away: the page's own check (once a minute, and whenever the
    page comes back into view) finds the stream went further than it heard."""
    lost = unique("The last note of the evening: Jean is settled and the door is locked")
    swallowed: list[str] = []

    sarahs_phone = phone_context()
    sarahs_phone.add_init_script(MARK_LIVE)
    sarah = sarahs_phone.new_page()
    sarah.route_web_socket(
        re.compile(r"/ws/people/\d+/"), _swallow_first_frame_with(lost, swallowed)
    )
    sign_in(sarah, server, "sarah@kith.example")
    jean_id = open_jeans_timeline(sarah, server)

    angelas_phone = phone_context()
    angelas_phone.add_init_script(MARK_LIVE)
    angela = angelas_phone.new_page()
    sign_in(angela, server, "angela@kith.example")
    angela.goto(f"{server}/people/{jean_id}/timeline/")
    wait_until_live(angela)

    write_note(angela, kind="A good moment", body=lost, who_sees="The team and the circle")
    expect(note(angela, lost)).to_have_count(1, timeout=ARRIVES_WITHIN_MS)
    sarah.wait_for_timeout(1_000)
    assert swallowed, "the frame to lose never came"
    expect(note(sarah, lost)).to_have_count(0)

    # Sarah looks at her phone again: the page comes back into view and checks.
    sarah.evaluate("() => document.dispatchEvent(new Event('visibilitychange'))")
    expect(note(sarah, lost)).to_have_count(1, timeout=ARRIVES_WITHIN_MS)

"""A live page whose session ends (here: signed out in another tab) says so and offers to sign
in again, instead of going quiet or reconnecting into a refusal again and again."""

import re
from collections.abc import Callable

from playwright.sync_api import BrowserContext, expect

from e2e.conftest import sign_in
from e2e.pages import MARK_LIVE, open_jeans_timeline


def test_a_page_whose_session_ended_asks_to_sign_in_again(
    phone_context: Callable[[], BrowserContext], server: str
) -> None:
    context = phone_context()
    context.add_init_script(MARK_LIVE)
    timeline = context.new_page()
    sockets = []
    timeline.on("websocket", lambda socket: sockets.append(socket))
    sign_in(timeline, server, "angela@kith.example")
    open_jeans_timeline(timeline, server)
    banner = timeline.locator("#signed-out-banner")
    expect(banner).to_be_hidden()
    opened = len(sockets)  # the person page before it had a socket of its own

    other_tab = context.new_page()
    other_tab.goto(f"{server}/")
    other_tab.get_by_role("button", name="Sign out").click()
    expect(other_tab).to_have_url(re.compile(r"/accounts/login/"))

    expect(banner).to_be_visible()
    expect(banner).to_contain_text("You have been signed out")
    link = banner.get_by_role("link", name="Sign in again")
    expect(link).to_have_attribute("href", re.compile(r"/accounts/login/\?next=.*timeline"))
    timeline.wait_for_timeout(2_000)
    assert len(sockets) == opened, "the page must not reconnect after its session ended"

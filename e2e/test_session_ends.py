"""A session that ends while the timeline is open loses nothing: the carer writes her note,
taps Share, is asked to sign in again, and after signing in the note is on the server once.

Sessions end after 8 idle hours, normal between a morning and an evening visit. Here the
server ends it (as expiry would) while Jean's timeline is open on Angela's phone; the same for
a CSRF token that no longer matches (the token changes when someone signs in again).
"""

import os
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import BrowserContext, Page, expect

from e2e.conftest import DEMO_PASSWORD, field, sign_in
from e2e.pages import MARK_LIVE, note, open_jeans_timeline, open_reply, unique, write_note

# Screenshots for a person to look at, kept when KITH_SCREENSHOTS names a folder.
SCREENSHOTS = os.environ.get("KITH_SCREENSHOTS", "")


def _angelas_timeline(open_phone: Callable[[], BrowserContext], server: str) -> Page:
    context = open_phone()
    context.add_init_script(MARK_LIVE)
    page = context.new_page()
    sign_in(page, server, "angela@kith.example")
    open_jeans_timeline(page, server)
    return page


def _session_key(page: Page) -> str:
    return next(c["value"] for c in page.context.cookies() if c["name"].endswith("sessionid"))


def _times_on_server(page: Page, words: str) -> int:
    person_id = page.url.split("/people/")[1].split("/")[0]
    response = page.request.get(f"/api/v1/people/{person_id}/notes?limit=50")
    assert response.ok, response.status
    return sum(1 for item in response.json()["items"] if item["body"] == words)


def _screenshot(page: Page, name: str) -> None:
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"))


def test_a_note_written_after_the_session_ended_is_sent_once_after_signing_in(
    phone_context, server, server_manage
):
    page = _angelas_timeline(phone_context, server)
    server_manage(
        "shell",
        "-c",
        "from django.contrib.sessions.models import Session;"
        f"Session.objects.filter(session_key={_session_key(page)!r}).delete()",
    )
    words = unique("Jean was tired this evening; we looked at photos of the roses.")

    write_note(page, kind="Visit note", body=words)

    prompt = page.locator("#signed-out")
    expect(prompt).to_be_visible()
    expect(prompt).to_contain_text("please sign in again to send it")
    waiting = page.locator("#pending-notes article").filter(has_text=words)
    expect(waiting).to_contain_text("Waiting to send")
    expect(waiting).to_contain_text("Please sign in again to send it.")
    expect(page.locator("#note-form")).to_be_visible()  # never the sign-in page in its place
    expect(page.locator("#timeline .login, #timeline form[action*='login']")).to_have_count(0)
    waiting.evaluate("card => card.scrollIntoView({ block: 'center' })")
    _screenshot(page, "timeline-signed-out-note-waiting")

    prompt.get_by_role("link", name="Sign in again").click()
    field(page, "Email address").fill("angela@kith.example")
    field(page, "Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Jean's timeline")
    expect(note(page, words)).to_have_count(1, timeout=15_000)
    expect(page.locator("#pending-notes article")).to_have_count(0)
    assert _times_on_server(page, words) == 1
    # The outbox is empty: nothing left to send twice.
    assert page.evaluate("KithOutbox.all().then(items => items.length)") == 0


# The page's own copies of its token (the form's field and htmx's header), from an older sign-in.
OLD_TOKEN = """
(token) => {
  document.body.setAttribute("hx-headers", JSON.stringify({ "X-CSRFToken": token }));
  document.querySelectorAll("input[name=csrfmiddlewaretoken]").forEach((i) => { i.value = token; });
}
"""


def test_a_note_sent_with_an_old_token_is_sent_once_after_the_page_reloads(phone_context, server):
    page = _angelas_timeline(phone_context, server)
    # Signing in again elsewhere gives a new token: the one this open page carries is stale.
    page.evaluate(OLD_TOKEN, "K" * 32)
    words = unique("Jean asked for her blue cardigan; it is in the second drawer.")
    refused = []
    page.on(
        "response",
        lambda r: refused.append(r.url) if r.request.method == "POST" and r.status == 403 else None,
    )

    write_note(page, kind="Visit note", body=words)

    expect(note(page, words)).to_have_count(1, timeout=15_000)
    assert refused, "the old token was refused first"
    expect(page.locator("#pending-notes article")).to_have_count(0)
    assert _times_on_server(page, words) == 1
    assert page.evaluate("KithOutbox.all().then(items => items.length)") == 0


def _replies_on_server(page: Page, words: str) -> int:
    person_id = page.url.split("/people/")[1].split("/")[0]
    response = page.request.get(f"/api/v1/people/{person_id}/notes?limit=50")
    assert response.ok, response.status
    items = response.json()["items"]
    return sum(1 for item in items for reply in item["replies"] if reply["body"] == words)


def test_a_reply_written_after_the_session_ended_is_sent_once_after_signing_in(
    phone_context, server, server_manage
):
    page = _angelas_timeline(phone_context, server)
    first = unique("Jean showed me the new photos of her grandchildren.")
    write_note(page, kind="A good moment", body=first)
    expect(note(page, first)).to_have_count(1)
    server_manage(
        "shell",
        "-c",
        "from django.contrib.sessions.models import Session;"
        f"Session.objects.filter(session_key={_session_key(page)!r}).delete()",
    )
    words = unique("Thank you, she loved the photos")
    reply_form = open_reply(note(page, first))
    reply_form.get_by_label("Your reply").fill(words)

    reply_form.get_by_role("button", name="Send").click()

    expect(page.locator("#signed-out")).to_be_visible()
    expect(page.locator("#outbox-items")).to_contain_text(words)
    page.locator("#signed-out").get_by_role("link", name="Sign in again").click()
    field(page, "Email address").fill("angela@kith.example")
    field(page, "Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Jean's timeline")
    # The outbox panel is hidden too before the outbox has looked: wait for the reply itself.
    expect(note(page, first)).to_contain_text(words, timeout=15_000)
    expect(page.locator("#outbox")).to_be_hidden(timeout=15_000)
    assert _replies_on_server(page, words) == 1

"""What a writer sees the moment a note is shared, on a phone: the note itself, or word that
it went, never a blank form among older notes with no sign that anything happened."""

import re

from playwright.sync_api import Locator, Page, expect

from e2e.conftest import sign_in
from e2e.pages import MARK_LIVE, note, open_jeans_timeline, snap, unique, write_note

SHARED = "Your note is shared. Thank you."


def _in_view(page: Page, locator: Locator) -> bool:
    box = locator.bounding_box()
    assert box is not None
    height = page.viewport_size["height"] if page.viewport_size else 740
    return box["y"] >= 0 and box["y"] < height


def test_a_carer_sees_the_note_she_shared_at_the_top_of_the_timeline(phone_context, server):
    context = phone_context()
    context.add_init_script(MARK_LIVE)
    page = context.new_page()
    sign_in(page, server, "angela@kith.example")
    open_jeans_timeline(page, server)
    words = unique("Jean picked the first daffodils")
    write_note(page, kind="A good moment", body=words)

    card = note(page, words)
    expect(card).to_have_count(1)
    status = page.get_by_role("status").filter(has_text=SHARED)
    expect(status).to_be_visible()
    # The form is put away and the page shows the note just shared, not older ones.
    expect(page.locator("details.composer")).not_to_have_attribute("open", "")
    assert _in_view(page, card), card.bounding_box()
    assert _in_view(page, status)
    # The keyboard carries on from "Write a note", not from the top of the page.
    expect(page.locator("details.composer > summary")).to_be_focused()
    snap(page, "timeline-after-sharing")
    # The next note starts from an empty form.
    page.locator("details.composer > summary").click()
    expect(page.locator("#note-form").get_by_label("Your note")).to_have_value("")


def test_a_daughter_is_told_her_update_is_shared_and_where_to_see_it(phone_context, server):
    page = phone_context().new_page()
    sign_in(page, server, "sarah@kith.example")
    page.goto(f"{server}/people/1/")
    words = unique("Mum loved the daffodils I brought")
    page.get_by_text("Write an update").click()
    form = page.locator("#note-form")
    form.get_by_label("Your note").fill(words)
    form.get_by_role("button", name="Share the note").click()

    status = page.get_by_role("status").filter(has_text=SHARED)
    expect(status).to_be_visible()
    assert _in_view(page, status), status.bounding_box()
    expect(page.locator("details.composer")).not_to_have_attribute("open", "")
    snap(page, "family-page-after-sharing")
    status.get_by_role("link", name="See it in Jean's news").click()
    expect(page).to_have_url(re.compile(r"/people/1/timeline/"))
    expect(note(page, words)).to_have_count(1)

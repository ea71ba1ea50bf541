"""A carer with no signal: Kith opens from the phone, shows saved pages, keeps the notes she
writes and sends each of them exactly once when the signal returns."""

import re
import time

from playwright.sync_api import BrowserContext, Page, expect

from e2e.conftest import sign_in
from e2e.pages import open_composer, snap

SCRIPTS_NOT_ON_THE_PHONE = """
Promise.all(Array.from(document.scripts, (s) => s.src).filter(Boolean).map(
  (src) => caches.match(src).then((hit) => (hit ? null : src))
)).then((found) => found.filter(Boolean))
"""

TWO_NOTES = ["Jean enjoyed her soup and we talked about the roses.", "Jean slept after lunch."]


def _open_jeans_timeline(page: Page, base: str) -> str:
    sign_in(page, base, "angela@kith.example")
    page.goto(f"{base}/people/")  # a carer's home is her Today; everyone is on /people/
    page.get_by_role("link", name=re.compile(r"^\s*Jean\b")).first.click()
    page.get_by_role("link", name="Notes and news").click()
    expect(page.get_by_role("heading", name="Jean's timeline")).to_be_visible()
    # The first visit installs the worker; from the next one it answers for the page.
    page.evaluate("navigator.serviceWorker.ready")
    page.reload()
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    _until(page, "caches.open('kith-saved').then(c => c.match(location.pathname)).then(Boolean)")
    return page.url


def _until(page: Page, promise: str, seconds: float = 15) -> None:
    """Wait until a script's promise gives true (wait_for_function does not await promises)."""
    deadline = time.monotonic() + seconds
    while not page.evaluate(promise):
        assert time.monotonic() < deadline, f"still false after {seconds}s: {promise}"
        page.wait_for_timeout(200)


def _go_offline(context: BrowserContext) -> None:
    context.set_offline(True)
    context.route("**/*", lambda route: route.abort("internetdisconnected"))


def _go_online(context: BrowserContext) -> None:
    context.unroute("**/*")
    context.set_offline(False)


def _write(page: Page, words: str) -> None:
    open_composer(page)
    form = page.locator("#note-form")
    form.get_by_label(re.compile("^What happened|^Your note|^The note", re.I)).fill(words)
    form.get_by_role("button", name="Share the note").click()


def _notes_on_server(page: Page, person_path: str) -> list[str]:
    found = re.search(r"/people/(\d+)/", person_path)
    assert found is not None, person_path
    person_id = found.group(1)
    response = page.request.get(f"/api/v1/people/{person_id}/notes?limit=50")
    assert response.ok
    return [item["body"] for item in response.json()["items"]]


def test_notes_written_offline_are_sent_once_when_the_signal_returns(
    phone_context, server, server_log
):
    context = phone_context()
    page = context.new_page()
    timeline = _open_jeans_timeline(page, server)

    _go_offline(context)
    page.reload()
    expect(page.locator("#saved-banner")).to_be_visible()
    expect(page.locator("#saved-banner")).to_contain_text("You are offline")
    # Every script the saved page names is on the phone: without timeline.js, a note that
    # came back both live and in the catch-up once showed twice.
    assert page.evaluate(SCRIPTS_NOT_ON_THE_PHONE) == []
    for words in TWO_NOTES:
        _write(page, words)
    expect(page.locator("#outbox-count")).to_have_text("2 notes are waiting to send.")
    waiting = page.evaluate("KithOutbox.all()")
    # Shown where they will appear, at the top of the timeline, each marked as waiting.
    pending = page.locator("#pending-notes article")
    expect(pending).to_have_count(2)
    expect(pending.first).to_contain_text(TWO_NOTES[1])  # newest first, as the timeline is
    for words in TWO_NOTES:
        expect(pending.filter(has_text=words)).to_contain_text("Waiting to send")
    pending.first.evaluate("card => card.scrollIntoView({ block: 'center' })")
    snap(page, "timeline-offline-notes-waiting")

    _go_online(context)
    expect(page.locator("#outbox")).to_be_hidden(timeout=10_000)
    sent = _notes_on_server(page, timeline)
    assert sorted(w for w in sent if w in TWO_NOTES) == sorted(TWO_NOTES)
    # Each becomes the note itself, once: never the waiting card and the note side by side.
    for words in TWO_NOTES:
        expect(page.locator("article").filter(has_text=words)).to_have_count(1, timeout=15_000)
        expect(page.locator("#timeline article").filter(has_text=words)).to_have_count(1)
    expect(pending).to_have_count(0)
    # Sent once each, not once by the page and again by the service worker's Background Sync.
    uploads = re.findall(r'"POST /api/v1/people/\d+/notes/with-photos" 20[01]', server_log())
    assert len(uploads) == len(TWO_NOTES), uploads

    # The very same outbox sent again (a retry after a lost answer) changes nothing.
    page.evaluate("items => Promise.all(items.map(i => KithOutbox.save(i)))", waiting)
    page.evaluate(
        "KithOutbox.flush(JSON.parse(document.body.getAttribute('hx-headers'))['X-CSRFToken'])"
    )
    assert page.evaluate("KithOutbox.all().then(items => items.length)") == 0
    again = _notes_on_server(page, timeline)
    assert sorted(w for w in again if w in TWO_NOTES) == sorted(TWO_NOTES)


def test_a_note_the_server_refuses_stays_with_the_reason(phone_context, server):
    context = phone_context()
    page = context.new_page()
    _open_jeans_timeline(page, server)
    _go_offline(context)
    _write(page, "A note that grows too long before it is sent.")
    expect(page.locator("#outbox-count")).to_have_text("1 note is waiting to send.")
    # Over the 5,000 character limit, as a note from an older version of the page might be.
    page.evaluate(
        "KithOutbox.all().then(([item]) => { item.fields.body = 'x'.repeat(6000);"
        " return KithOutbox.save(item); })"
    )
    _go_online(context)
    expect(page.locator(".outbox-item .error")).to_contain_text("It could not be sent.")
    expect(page.locator("#outbox-count")).to_have_text("1 note is waiting to send.")
    expect(page.get_by_role("button", name="Copy the words")).to_be_visible()


def test_the_app_is_installable(phone_context, server):
    page = phone_context().new_page()
    manifest = page.request.get(f"{server}/manifest.webmanifest").json()
    assert manifest["display"] == "standalone"
    assert any(icon.get("purpose") == "maskable" for icon in manifest["icons"])
    sign_in(page, server, "angela@kith.example")
    assert page.locator("link[rel=manifest]").count() == 1
    _until(page, "navigator.serviceWorker.ready.then(r => r.active !== null)")
    assert page.evaluate("navigator.serviceWorker.ready.then(r => r.scope)") == f"{server}/"


# The photos a page shows (faces, a note's pictures), each as the address it asks for.
PHOTOS_ON_THE_PAGE = """
Array.from(document.querySelectorAll('img'), (image) => image.getAttribute('src'))
  .filter((src) => /^\\/(users|people|circle)\\/\\d+\\/photo\\/|^\\/note-photos\\/\\d+\\/$/
    .test(src))
"""
PHOTOS_NOT_KEPT = """
(photos) => caches.open('kith-saved-photos').then((cache) => Promise.all(photos.map(
  (src) => cache.match(src, { ignoreVary: true }).then((hit) => (hit ? null : src))
))).then((found) => found.filter(Boolean))
"""
BROKEN_PICTURES = """
Array.from(document.images).filter((image) => image.complete && image.naturalWidth === 0)
  .map((image) => image.getAttribute('src'))
"""


def _until_photos_kept(page: Page, photos: list[str], seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while missing := page.evaluate(PHOTOS_NOT_KEPT, photos):
        assert time.monotonic() < deadline, f"photos not kept after {seconds}s: {missing}"
        page.wait_for_timeout(200)


def test_a_saved_page_read_offline_shows_its_faces_and_photos(phone_context, server):
    context = phone_context()
    page = context.new_page()
    _open_jeans_timeline(page, server)
    photos = page.evaluate(PHOTOS_ON_THE_PAGE)
    assert any(src.startswith("/users/") for src in photos), photos
    assert any(src.startswith("/note-photos/") for src in photos), photos
    _until_photos_kept(page, photos)

    _go_offline(context)
    page.reload()
    expect(page.locator("#saved-banner")).to_be_visible()
    # Every photo answers from the phone, those further down (loaded when scrolled to) too.
    answered = page.evaluate(
        "(photos) => Promise.all(photos.map((src) => fetch(src).then((r) => r.ok, () => false)))",
        photos,
    )
    assert all(answered), dict(zip(photos, answered, strict=True))
    page.locator(".note-photos img").first.scroll_into_view_if_needed()
    expect(page.locator(".note-photos img").first).to_have_js_property("complete", True)
    assert page.evaluate(BROKEN_PICTURES) == []
    assert page.locator(".photo-missing").count() == 0
    snap(page, "timeline-offline-photos")


def test_a_photo_not_kept_gives_way_to_an_initial_or_a_word_offline(phone_context, server):
    context = phone_context()
    page = context.new_page()
    _open_jeans_timeline(page, server)
    photos = page.evaluate(PHOTOS_ON_THE_PAGE)
    _until_photos_kept(page, photos)
    # As when a page shows more photos than a phone keeps: none of them is on the phone.
    page.evaluate(
        "(photos) => caches.open('kith-saved-photos').then((cache) => Promise.all("
        "  photos.map((src) => cache.delete(src, { ignoreVary: true }))))",
        photos,
    )

    _go_offline(context)
    page.reload()
    expect(page.locator("#saved-banner")).to_be_visible()
    face = page.locator("#timeline .note .avatar[data-initial]").first
    expect(face.locator("img")).to_have_count(0)
    expect(face).to_have_text(re.compile(r"^[A-Z]$"))
    first_photo = page.locator("#timeline .note-photos li").first
    first_photo.scroll_into_view_if_needed()
    expect(first_photo.locator(".photo-missing")).to_have_text(
        "This photo shows when you have a signal."
    )
    assert page.evaluate(BROKEN_PICTURES) == []
    snap(page, "timeline-offline-photos-not-kept")


SAVED_PATHS = (
    "caches.open('kith-saved').then((c) => c.keys())"
    ".then((k) => k.map((r) => new URL(r.url).pathname))"
)


def test_what_was_saved_for_one_person_is_forgotten_when_another_signs_in(phone_context, server):
    """Angela's session ended without her signing out; Sarah signs in on the same phone."""
    context = phone_context()
    page = context.new_page()
    _open_jeans_timeline(page, server)
    _until(page, f"{SAVED_PATHS}.then((paths) => paths.includes('/rota/'))")
    photos = page.evaluate(PHOTOS_ON_THE_PAGE)
    _until_photos_kept(page, photos)

    context.clear_cookies()
    sign_in(page, server, "sarah@kith.example")
    page.evaluate("navigator.serviceWorker.ready")
    # Her rota and everyone her team supports were Angela's to read, not Sarah's.
    _until(page, f"{SAVED_PATHS}.then((paths) => !paths.includes('/rota/'))")
    assert "/people/" not in page.evaluate(SAVED_PATHS)
    # Sarah's own pages are saved for her in their place.
    _until(page, f"{SAVED_PATHS}.then((paths) => paths.includes('/'))")

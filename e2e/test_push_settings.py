"""A daughter sets her notification choices on her phone, through push.js and the push API.

Headless Chromium has no push service to subscribe to, so turning notifications on is covered
by the server-side tests with a local push service; this checks the page really works under
the strict CSP: the script runs, sends the CSRF token, saves, and shows refusals plainly.
"""

from collections.abc import Callable

from playwright.sync_api import BrowserContext, Page, expect

from e2e.conftest import sign_in

JS_MISSING = "Notifications need JavaScript turned on."


def _profile(phone_context: Callable[[], BrowserContext], server: str) -> Page:
    page = phone_context().new_page()
    sign_in(page, server, "sarah@kith.example")
    page.goto(f"{server}/profile/")
    return page


def test_a_daughter_chooses_quiet_hours_and_what_she_is_told(
    phone_context: Callable[[], BrowserContext], server: str
) -> None:
    page = _profile(phone_context, server)
    section = page.locator("#notifications")
    status = section.locator("[data-push-status]")
    expect(section.get_by_role("heading", name="Notifications on this device")).to_be_visible()
    expect(status).not_to_have_text(JS_MISSING)
    # Notifications are off here: the page must not offer to turn them off.
    expect(section.get_by_role("button", name="Turn off notifications")).to_be_hidden()

    section.get_by_label("New notes").uncheck()
    section.get_by_label("Quiet from").fill("21:30")
    section.get_by_label("Quiet until").fill("07:00")
    section.get_by_label("Show what the note says in the notification").check()
    section.get_by_role("button", name="Save my choices").click()
    expect(status).to_have_text("Your choices are saved.")

    # What a fresh load shows came from the server, so it was really saved.
    page.reload()
    expect(section.get_by_label("New notes")).not_to_be_checked()
    # Concerns go to the team only: she is never offered them.
    expect(section.get_by_label("Concerns")).to_have_count(0)
    expect(section.get_by_label("Quiet from")).to_have_value("21:30")
    expect(section.get_by_label("Quiet until")).to_have_value("07:00")
    expect(section.get_by_label("Show what the note says in the notification")).to_be_checked()


def test_half_a_quiet_time_is_refused_with_the_reason(
    phone_context: Callable[[], BrowserContext], server: str
) -> None:
    page = _profile(phone_context, server)
    section = page.locator("#notifications")
    section.get_by_label("Quiet from").fill("22:00")
    section.get_by_label("Quiet until").fill("")
    section.get_by_role("button", name="Save my choices").click()
    expect(section.locator("[data-push-status]")).to_have_text(
        "That did not work. Please try again."
    )
    expect(section.locator('[data-error-for="quiet_hours_end"]')).to_have_text(
        "Please give both times, or neither."
    )

"""Bethany sets up an app for her second sign-in step, is shown her recovery codes once, and
after losing her phone signs in with one of them.

She comes from the demo neighbourhood (families/demo_data.py); no other browser test signs in
as her, so her new app changes nobody else's sign-in. On a 360 px phone the recovery codes
must fit without sideways scrolling: they are read off the screen and written down.
"""

import base64
import hashlib
import hmac
import os
import re
import struct
import time
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import BrowserContext, Page, expect

from e2e.conftest import DEMO_PASSWORD, field, sign_in

EMAIL = "bethany@kith.example"
# Screenshots for a person to look at, kept when KITH_SCREENSHOTS names a folder.
SCREENSHOTS = os.environ.get("KITH_SCREENSHOTS", "")


def _app_code(secret: str) -> str:
    """What an authenticator app shows for the key typed into it (RFC 6238, 30 s, 6 digits)."""
    typed = secret.replace(" ", "")
    key = base64.b32decode(typed + "=" * (-len(typed) % 8))
    counter = struct.pack(">Q", int(time.time()) // 30)
    digest = hmac.new(key, counter, hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


def _fits_the_phone(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page scrolls sideways on a phone ({width} px wide)"


def _snap(page: Page, name: str) -> None:
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"), full_page=True)


def test_a_carer_keeps_her_recovery_codes_and_signs_in_with_one(
    phone_context: Callable[[], BrowserContext], server: str
) -> None:
    page = phone_context().new_page()
    sign_in(page, server, EMAIL)

    # She turns on codes from her app.
    page.goto(f"{server}/accounts/code/setup/")
    secret = page.locator("code.secret").inner_text()
    field(page, "The 6-digit code from your app").fill(_app_code(secret))
    page.get_by_role("button", name="Check the code").click()

    # Her recovery codes, this once.
    expect(page.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
    expect(page.locator(".recovery-code")).to_have_count(10)
    codes = page.locator(".recovery-code").all_inner_texts()
    _fits_the_phone(page)
    _snap(page, "recovery-codes")
    page.get_by_role("link", name="I have kept them safe").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in with a code")
    page.reload()
    page.goto(f"{server}/accounts/code/recovery-codes/")
    expect(page.get_by_role("heading", level=1)).to_have_text("New recovery codes")
    assert not any(code in page.content() for code in codes), "the codes are shown only once"

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))

    # Her phone is lost: the password, then a recovery code instead of the app's code.
    field(page, "Email address").fill(EMAIL)
    field(page, "Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("One more step")
    page.get_by_role("link", name="Lost your phone? Use a recovery code").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Use a recovery code")
    _fits_the_phone(page)
    _snap(page, "recovery-code-sign-in")
    field(page, "One of your recovery codes").fill(codes[0])
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in with a code")
    expect(page.get_by_text("You have 9 recovery codes left.")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    _fits_the_phone(page)
    _snap(page, "after-recovery-sign-in")

"""Running late, told as it happens, on three phones.

Angela (Jean's carer) taps "Running late: about 20 minutes" on her Today; the "Who's coming"
that Sarah (Jean's daughter) has open says so at once, and Sarah's phone gets one
notification through the real push worker and a local push service. Angela then says she
can't make another visit; Kasia's open list of visits to take shows it first, as urgent; Kasia
takes it, and Sarah's page says Kasia is coming.

The two visits are put on the rota for today by the test itself, for the whole day (from
midnight to 23.59), so they are Angela's first of the day and Jean's next two whatever the
weekday or hour the test runs (a session too near midnight runs on the next day: e2e/clock.py).
"""

import os
import re
import time
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import BrowserContext, Locator, Page, expect

from core.tests.push_helpers import LocalPushService
from e2e.conftest import sign_in
from e2e.pages import MARK_LIVE, wait_until_live

# Live, not fast: with two browser workers on two cores a frame sometimes takes over a
# second here; how fast frames arrive is bench/fanout_bench.py's to measure, not a test's.
LIVE_WITHIN_MS = 3_000
# Screenshots for a person to look at, kept when KITH_SCREENSHOTS names a folder.
SCREENSHOTS = os.environ.get("KITH_SCREENSHOTS", "")

# As in test_rota_live: notes, from inside the page, when "Who's coming" first said the words.
WATCH_THE_PAGE = """
(() => {
  window.kithWatchFor = null;
  window.kithSeenAt = null;
  const look = () => {
    if (!window.kithWatchFor || window.kithSeenAt) return;
    const panel = document.querySelector("section[id^='whos-coming-']");
    if (panel && panel.textContent.includes(window.kithWatchFor)) window.kithSeenAt = Date.now();
  };
  new MutationObserver(look).observe(document, { childList: true, subtree: true });
})();
"""

TWO_VISITS_TODAY = """
import datetime as dt
from core.models import PushPreferences, PushSubscription, User
from families.models import Person
from teams.rota import services
from teams.rota.clock import local_today
angela = User.objects.get(email="angela@kith.example")
jean = Person.objects.get(preferred_name="Jean")
for purpose in ("Help me with my eye drops.", "Help me into the garden."):
    services.visit_create(
        actor=angela, person_id=jean.pk, date=local_today(), window_start=dt.time(0, 0),
        window_end=dt.time(23, 59), minutes=30, purpose=purpose, carer_ids=[angela.pk],
    )
sarah = User.objects.get(email="sarah@kith.example")
PushPreferences.objects.filter(user=sarah).delete()
PushSubscription.objects.create(user=sarah, endpoint=%(endpoint)r, p256dh=%(p256dh)r, auth=%(auth)r)
"""


# Afterwards the two visits are cancelled, so later tests on this server see Jean's usual rota.
CANCEL_THEM = """
from teams.models import Visit
purposes = ["Help me with my eye drops.", "Help me into the garden."]
Visit.objects.filter(purpose__in=purposes).update(status=Visit.Status.CANCELLED)
"""


def _phone(open_phone: Callable[[], BrowserContext], email: str, server: str) -> Page:
    context = open_phone()
    context.add_init_script(WATCH_THE_PAGE)
    context.add_init_script(MARK_LIVE)
    page = context.new_page()
    sign_in(page, server, email)
    return page


def _snap(page: Page, name: str) -> None:
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"))


def _as_from_the_notification(page: Page) -> None:
    """Scrolled as the notification opens the page: at "Who's coming" (no reload)."""
    page.evaluate("() => document.querySelector(\"section[id^='whos-coming-']\").scrollIntoView()")


def _message(page: Page) -> Locator:
    return page.get_by_role("status").filter(has=page.locator(".message"))


def _whos_coming(page: Page) -> Locator:
    return page.get_by_role("region", name="Who's coming")


def _watch(page: Page, words: str) -> float:
    page.evaluate("(words) => { window.kithWatchFor = words; window.kithSeenAt = null; }", words)
    return time.time() * 1000


def _seen_at_once(page: Page, since: float, what: str) -> None:
    seen_at = page.evaluate("() => window.kithSeenAt")
    assert seen_at is not None
    assert seen_at - since < LIVE_WITHIN_MS, f"Sarah's page said {what} {seen_at - since:.0f} ms on"


def test_angela_is_late_then_cant_make_it_and_kasia_covers_while_sarah_watches(
    phone_context: Callable[[], BrowserContext],
    server: str,
    server_manage: Callable[..., None],
) -> None:
    try:
        _three_phones(phone_context, server, server_manage)
    finally:
        server_manage("shell", "-c", CANCEL_THEM)


def _three_phones(
    phone_context: Callable[[], BrowserContext],
    server: str,
    server_manage: Callable[..., None],
) -> None:
    with LocalPushService() as service:
        server_manage("push_worker", "--once")  # whatever earlier tests left goes out first
        device = service.device("sarahs-phone")
        server_manage(
            "shell",
            "-c",
            TWO_VISITS_TODAY
            % {"endpoint": device.endpoint, "p256dh": device.p256dh, "auth": device.auth},
        )

        sarah = _phone(phone_context, "sarah@kith.example", server)
        sarah.get_by_role("link", name=re.compile(r"^\s*Jean\b")).first.click()
        expect(sarah.get_by_role("heading", level=1)).to_have_text("Jean")
        wait_until_live(sarah)
        navigations: list[object] = []
        sarah.on("framenavigated", lambda frame: navigations.append(frame))

        kasia = _phone(phone_context, "kasia@kith.example", server)
        kasia.get_by_role("link", name="My week", exact=True).click()
        kasia.get_by_role("link", name=re.compile(r"^Visits nobody has taken yet")).first.click()
        expect(kasia.get_by_role("heading", level=1)).to_have_text("Visits to take")
        wait_until_live(kasia)

        # Angela, on her Today: her first visit is Jean's, and she is running late.
        angela = _phone(phone_context, "angela@kith.example", server)
        next_visit = angela.locator(".today-visit").first
        expect(next_visit.locator("#next-name")).to_have_text("Jean")
        _snap(angela, "angela-today")
        late = "Angela is running about 20 minutes late and will be with Jean around"
        since = _watch(sarah, late)
        next_visit.get_by_role("region", name="Running late?").get_by_role(
            "button", name="About 20 minutes"
        ).click()
        expect(_message(angela)).to_contain_text(
            "Jean's family can see you are running about 20 minutes late."
        )
        expect(_whos_coming(sarah)).to_contain_text(late, timeout=5 * LIVE_WITHIN_MS)
        _seen_at_once(sarah, since, "Angela is late")
        _as_from_the_notification(sarah)
        _snap(sarah, "sarah-whos-coming-angela-late")
        _snap(angela, "angela-today-after-running-late")

        # Sarah's phone: one notification, through the push worker, off the request path.
        server_manage("push_worker", "--once")
        received = service.for_device("sarahs-phone")
        assert len(received) == 1
        told = service.decrypt(received[0])
        assert told["title"] == "Angela is running late"
        assert re.fullmatch(r"/people/(\d+)/#whos-coming-\1", str(told["url"]))

        # Angela can't make her other visit to Jean today.
        angela.get_by_role("region", name="Later today").get_by_role("link").filter(
            has_text="Jean"
        ).first.click()
        expect(angela.get_by_role("heading", level=1)).to_have_text("Visit to Jean")
        expect(angela.get_by_role("region", name="What the visit is for")).to_contain_text(
            "Help me into the garden."
        )
        angela.get_by_text("I can't make it", exact=True).click()
        covering = "Angela can't come this morning"
        since = _watch(sarah, covering)
        angela.get_by_role("button", name="Ask the team to cover it").click()
        expect(_message(angela)).to_contain_text("The team has been asked to cover your visit")
        expect(_whos_coming(sarah)).to_contain_text(covering, timeout=5 * LIVE_WITHIN_MS)
        _seen_at_once(sarah, since, "the visit is being covered")

        # Kasia's open list shows it first, as urgent; she takes it.
        urgent = (
            kasia.get_by_role("region", name="Nobody is going yet").get_by_role("listitem").first
        )
        expect(urgent).to_contain_text("Urgent")
        expect(urgent).to_contain_text("Angela can't make it.")
        expect(urgent).to_contain_text("Help me into the garden.")
        _snap(kasia, "kasia-visits-to-take-urgent")
        instead = "Kasia is coming this morning, between 12 and 11.59."
        since = _watch(sarah, instead)
        urgent.get_by_role("link", name="I'll go").click()
        kasia.get_by_role("button", name="Yes, I'll go").click()
        expect(_message(kasia)).to_contain_text("You are going. Thank you.")
        expect(_whos_coming(sarah)).to_contain_text(instead, timeout=5 * LIVE_WITHIN_MS)
        _seen_at_once(sarah, since, "Kasia is coming")
        expect(_whos_coming(sarah)).not_to_contain_text(covering)
        expect(_whos_coming(sarah)).to_contain_text(late)  # Angela's first visit still stands
        _as_from_the_notification(sarah)
        _snap(sarah, "sarah-whos-coming-kasia-instead")
        assert not navigations, "Sarah's page reloaded"

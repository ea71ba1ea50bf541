"""The rota the team runs itself, on three phones.

Angela (Jean's carer) offers a visit to the whole team; Kasia, on her own phone, takes it from
the team's open visits with nobody approving; the "Who's coming" on the page Sarah (Jean's
daughter) already has open names Kasia at once, without a reload. And when two carers
go for the same open visit, one gets it and the other is told plainly who did.

The people come from the demo neighbourhood (families/demo_data.py), which has four weeks of
rota. So that the visit is certainly among the next few Jean's page shows, Angela first puts an
early visit for tomorrow on the rota herself, through the page the team uses.
"""

import datetime as dt
import re
import time
from collections.abc import Callable
from zoneinfo import ZoneInfo

from playwright.sync_api import BrowserContext, Locator, Page, expect

from e2e.conftest import field, sign_in
from e2e.pages import MARK_LIVE, wait_until_live

# Live, not fast: with two browser workers on two cores a frame sometimes takes over a
# second here; how fast frames arrive is bench/fanout_bench.py's to measure, not a test's.
LIVE_WITHIN_MS = 3_000
TEAM = "Riverside Neighbourhood Team"

# Watches, from inside the page, what a person would notice: when "Who's coming" first said
# what the test waits for. Playwright injects it outside the
# page's own scripts, so the Content Security Policy (no inline code) is neither loosened nor
# tripped.
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


def _phone(open_phone: Callable[[], BrowserContext], email: str, server: str) -> Page:
    context = open_phone()
    context.add_init_script(WATCH_THE_PAGE)
    context.add_init_script(MARK_LIVE)
    page = context.new_page()
    sign_in(page, server, email)
    return page


def _tomorrow() -> dt.date:
    return dt.datetime.now(ZoneInfo("Europe/London")).date() + dt.timedelta(days=1)


def _day_heading(day: dt.date) -> str:
    """A day on "My week" as the page names it: "Tuesday 24 November"."""
    return f"{day:%A} {day.day} {day:%B}"


def _message(page: Page) -> Locator:
    return page.get_by_role("status").filter(has=page.locator(".message"))


def _open_visits_page(page: Page) -> None:
    """As a carer would: Today, My week, then the team's visits nobody has taken yet."""
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Today").click()
    page.get_by_role("link", name="My week", exact=True).click()
    page.get_by_role("link", name=f"Visits nobody has taken yet ({TEAM})").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Visits to take")


def _open_jeans_page(page: Page) -> None:
    page.get_by_role("link", name=re.compile(r"^\s*Jean\b")).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Jean")
    wait_until_live(page)


def _whos_coming(page: Page) -> Locator:
    return page.get_by_role("region", name="Who's coming")


def _add_an_early_visit_tomorrow(page: Page, day: dt.date) -> None:
    """Angela puts a visit to Jean on the rota for tomorrow, with herself going."""
    _open_visits_page(page)
    page.get_by_role("link", name="Back to the team's week").click()
    page.get_by_role("link", name="Add a visit").click()
    field(page, "Who is the visit for?").select_option(label="Jean")
    field(page, "Day (or first day)").fill(day.isoformat())
    field(page, "Time of day, in the person's words").fill("early")
    field(page, "From").fill("07:00")
    field(page, "Until").fill("07:30")
    field(page, "About how long, in minutes").fill("30")
    field(page, "What the visit is for, in the person's words").fill(
        "Help me with my eye drops before the hospital car comes."
    )
    field(page, "Who is going?").select_option(label="Angela Okafor")
    page.get_by_role("button", name="Add to the rota").click()
    expect(_message(page)).to_contain_text("The visit is on the rota.")


def _offer_to_the_team_from_my_week(page: Page, day: dt.date) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Today").click()
    page.get_by_role("link", name="My week", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My week")
    if day.weekday() == 0:  # tomorrow is in next week
        page.get_by_role("link", name="Week after").click()
    visit = (
        page.get_by_role("region", name=_day_heading(day))
        .get_by_role("link")
        .filter(has_text="Jean")
        .filter(has_text="07:00\u201307:30")  # the page writes an en dash
    )
    visit.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Visit to Jean")
    page.get_by_text("Ask someone else to go").click()
    expect(field(page, "Who would you like to take it?")).to_have_value("")
    field(page, "A message (optional)").fill("My son's school play is that morning.")
    page.get_by_role("button", name="Send the offer").click()
    expect(_message(page)).to_contain_text("Your offer is with the team.")


def test_an_offered_visit_is_taken_by_a_colleague_and_the_daughter_sees_it_live(
    phone_context: Callable[[], BrowserContext], server: str
) -> None:
    tomorrow = _tomorrow()
    sarah = _phone(phone_context, "sarah@kith.example", server)
    _open_jeans_page(sarah)
    sarahs_navigations: list[object] = []
    sarah.on("framenavigated", lambda frame: sarahs_navigations.append(frame))

    angela = _phone(phone_context, "angela@kith.example", server)
    _add_an_early_visit_tomorrow(angela, tomorrow)
    angela_coming = "Angela is coming tomorrow morning, between 7 and 7.30."
    # The new visit reaches Sarah's open page too: the team's rota is the family's news.
    expect(_whos_coming(sarah)).to_contain_text(angela_coming)
    expect(_whos_coming(sarah)).not_to_contain_text("Kasia")
    _offer_to_the_team_from_my_week(angela, tomorrow)

    kasia = _phone(phone_context, "kasia@kith.example", server)
    _open_visits_page(kasia)
    offer = (
        kasia.get_by_role("region", name="Offered by a colleague")
        .get_by_role("listitem")
        .filter(has_text="Angela Okafor offers this visit to the team.")
        .filter(has_text="Jean")
        # The demo has an offer of its own, which on some days is Angela's visit to Jean
        # tomorrow too: only this test's message tells the two apart, whatever the weekday.
        .filter(has_text="My son's school play is that morning.")
    )
    expect(offer).to_have_count(1)
    kasia_coming = "Kasia is coming tomorrow morning, between 7 and 7.30."
    sarah.evaluate("(words) => { window.kithWatchFor = words; }", kasia_coming)

    # Taking it asks first, with what Kasia should know, and only then changes the rota.
    offer.get_by_role("link", name="I'll take it").click()
    expect(kasia.get_by_role("heading", level=1)).to_have_text("Take this visit to Jean?")
    accepted_at = time.time() * 1000
    kasia.get_by_role("button", name="Yes, I'll take it").click()

    # Taken at once: nobody approves it.
    expect(_message(kasia)).to_contain_text("The visit is yours now.")
    expect(kasia.get_by_role("heading", level=1)).to_have_text("Visit to Jean")
    expect(kasia.get_by_role("region", name="What the visit is for")).to_contain_text(
        "Kasia Nowicka"
    )
    expect(_whos_coming(sarah)).to_contain_text(kasia_coming, timeout=5 * LIVE_WITHIN_MS)
    expect(_whos_coming(sarah)).not_to_contain_text(angela_coming)
    seen_at = sarah.evaluate("() => window.kithSeenAt")
    assert seen_at is not None
    assert seen_at - accepted_at < LIVE_WITHIN_MS, (
        f"Sarah's page named Kasia {seen_at - accepted_at:.0f} ms after she took the visit"
    )
    assert not sarahs_navigations, "Sarah's page reloaded"
    # The offer is gone from the team's open visits.
    expect(offer).to_have_count(0)


def test_two_carers_go_for_the_same_open_visit_and_the_second_is_told_who_took_it(
    phone_context: Callable[[], BrowserContext], server: str
) -> None:
    gareth = _phone(phone_context, "gareth@kith.example", server)
    yusuf_list = _phone(phone_context, "yusuf@kith.example", server)
    for page in (gareth, yusuf_list):
        _open_visits_page(page)
        wait_until_live(page)

    first = gareth.get_by_role("region", name="Nobody is going yet").get_by_role("listitem").first
    expect(first.get_by_role("link", name="I'll go")).to_be_visible()
    when = first.locator(".rota-card-when").inner_text()
    who = first.locator(".contact-name").inner_text()
    # Yusuf sees the very same visit on her own list.
    same_on_yusufs_list = (
        yusuf_list.get_by_role("region", name="Nobody is going yet")
        .get_by_role("listitem")
        .filter(has_text=when)
        .filter(has_text=who)
    )
    expect(same_on_yusufs_list).to_have_count(1)

    # Each opens it, in a page of their own, and reads that nobody is going yet.
    first.get_by_role("link", name="Details").click()
    yusuf = yusuf_list.context.new_page()  # her list stays open in the first page
    yusuf.goto(f"{server}/")
    _open_visits_page(yusuf)
    (
        yusuf.get_by_role("region", name="Nobody is going yet")
        .get_by_role("listitem")
        .filter(has_text=when)
        .filter(has_text=who)
        .get_by_role("link", name="Details")
        .click()
    )
    assert yusuf.url == gareth.url, "they opened different visits"
    for page in (gareth, yusuf):
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Visit to {who}")
        expect(page.get_by_text("Nobody yet.")).to_be_visible()

    # Both say "I'll go" and reach the step that asks them to confirm.
    for page in (gareth, yusuf):
        page.get_by_role("link", name="I'll go").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Will you go to {who}?")
    gareth.get_by_role("button", name="Yes, I'll go").click()
    expect(_message(gareth)).to_contain_text("You are going. Thank you.")

    yusuf.get_by_role("button", name="Yes, I'll go").click()
    expect(_message(yusuf)).to_have_text("Gareth Llewellyn has already taken this visit.")
    expect(yusuf.get_by_role("link", name="I'll go")).to_have_count(0)
    expect(yusuf.get_by_role("region", name="What the visit is for")).to_contain_text(
        "Gareth Llewellyn"
    )
    # Yusuf's list, still open, lost the visit as soon as Gareth took it.
    expect(same_on_yusufs_list).to_have_count(0)

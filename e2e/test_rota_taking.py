"""Taking an open visit on a phone: warnings first, a confirm step, Undo straight after.

Gareth, a carer in the demo neighbourhood, puts two visits to Jean at the same early hour on
the rota, one for himself and one open for anyone. Taking the open one warns him first that
it double-books him; he confirms, is offered Undo on the same page, and undoes it. Yusuf, on her
own phone, watches the team's open visits: the visit leaves her list as Gareth takes it and
comes back when he undoes it, without a reload.

The day is ten days ahead and the hour is five in the morning, which no demo visit uses and no
clock change touches, so nothing here depends on the day the test runs.
"""

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

from playwright.sync_api import BrowserContext, Locator, Page, expect

from e2e.conftest import field, sign_in
from e2e.pages import MARK_LIVE, unique, wait_until_live

TEAM = "Riverside Neighbourhood Team"
LIVE_MS = 5_000


def _phone(open_phone: Callable[[], BrowserContext], email: str, server: str) -> Page:
    context = open_phone()
    context.add_init_script(MARK_LIVE)
    page = context.new_page()
    sign_in(page, server, email)
    return page


def _message(page: Page) -> Locator:
    return page.get_by_role("status").filter(has=page.locator(".message"))


def _open_visits_page(page: Page) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Today").click()
    page.get_by_role("link", name="My week", exact=True).click()
    page.get_by_role("link", name=f"Visits nobody has taken yet ({TEAM})").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Visits to take")


def _add_visit(page: Page, day: dt.date, purpose: str, *, who: str) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Rota").click()
    page.get_by_role("link", name="Add a visit").click()
    field(page, "Who is the visit for?").select_option(label="Jean")
    field(page, "Day (or first day)").fill(day.isoformat())
    field(page, "From").fill("05:00")
    field(page, "Until").fill("05:30")
    field(page, "About how long, in minutes").fill("30")
    field(page, "What the visit is for, in the person's words").fill(purpose)
    field(page, "Who is going?").select_option(label=who)
    page.get_by_role("button", name="Add to the rota").click()
    expect(_message(page)).to_contain_text("The visit is on the rota.")


def test_a_carer_sees_the_warnings_confirms_and_undoes_and_a_colleague_sees_it_live(
    phone_context: Callable[[], BrowserContext], server: str
) -> None:
    day = dt.datetime.now(ZoneInfo("Europe/London")).date() + dt.timedelta(days=10)
    purpose = unique("Tea at first light")
    gareth = _phone(phone_context, "gareth@kith.example", server)
    _add_visit(gareth, day, unique("My own early round"), who="Gareth Llewellyn")
    _add_visit(gareth, day, purpose, who="Nobody yet: open to the team")

    yusuf = _phone(phone_context, "yusuf@kith.example", server)
    _open_visits_page(yusuf)
    wait_until_live(yusuf)
    on_yusufs_list = (
        yusuf.get_by_role("region", name="Nobody is going yet")
        .get_by_role("listitem")
        .filter(has_text=purpose)
    )
    expect(on_yusufs_list).to_have_count(1)

    _open_visits_page(gareth)
    (
        gareth.get_by_role("region", name="Nobody is going yet")
        .get_by_role("listitem")
        .filter(has_text=purpose)
        .get_by_role("link", name="I'll go")
        .click()
    )
    # The warnings come first, before anything changes.
    expect(gareth.get_by_role("heading", level=1)).to_have_text("Will you go to Jean?")
    warnings = gareth.get_by_role("region", name="Good to know before you say yes")
    expect(warnings).to_contain_text("You already have a visit then, with Jean at 05:00.")
    expect(on_yusufs_list).to_have_count(1)  # nothing has changed yet

    gareth.get_by_role("button", name="Yes, I'll go").click()
    expect(_message(gareth)).to_contain_text("You are going. Thank you.")
    expect(gareth.get_by_role("heading", level=1)).to_have_text("Visit to Jean")
    expect(gareth.get_by_text("You are going to this visit.")).to_be_visible()
    expect(on_yusufs_list).to_have_count(0, timeout=LIVE_MS)

    gareth.get_by_role("button", name="Undo").click()
    expect(_message(gareth)).to_contain_text("Undone. The visit is open again for anyone to take.")
    expect(gareth.get_by_role("link", name="I'll go")).to_be_visible()
    expect(gareth.get_by_role("button", name="Undo")).to_have_count(0)
    # Back on Yusuf's list, live, for anyone to take.
    expect(on_yusufs_list).to_have_count(1, timeout=LIVE_MS)
    expect(on_yusufs_list.get_by_role("link", name="I'll go")).to_be_visible()

    # The rota's activity says both, for the whole team.
    visit_page = gareth.url
    yusuf.goto(visit_page)
    yusuf.get_by_role("link", name="Back to the team's week").click()
    yusuf.get_by_role("link", name="What changed").click()
    activity = yusuf.get_by_role("list").filter(has_text="undid a change")
    expect(activity.first).to_contain_text("Gareth Llewellyn")

    # Leave the shared demo as it was found: nobody needs to take the test's visit.
    gareth.get_by_role("button", name="Cancel this visit").click()
    expect(_message(gareth)).to_contain_text("The visit is cancelled.")

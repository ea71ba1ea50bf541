"""Walk every page a person can reach by following links, as they would on a 360 px phone.

Used by the walk tests: from the home page, follow each link inside Kith (not sign-out, not a
download), one page per address shape (/people/3/ and /people/4/ are the same page), and on
each page record what a person would meet: sideways scroll, a script error or an htmx swap
into a target that is not there, and what axe-core (WCAG 2.2 A and AA) finds.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import BrowserContext, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

# htmx says so when a swap's target is missing; a listener makes it a console error.
REPORT_HTMX_ERRORS = """
(() => {
  for (const name of ["htmx:targetError", "htmx:swapError", "htmx:oobErrorNoTarget"]) {
    document.addEventListener(name, (event) =>
      console.error(name + " " + (event.detail && event.detail.target || "")));
  }
})();
"""
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
    "resultTypes": ["violations"],
}
# Not pages: leaving, files, and addresses that change something when fetched.
SKIP = re.compile(
    r"/accounts/logout/|\.csv$|\.ics$|\.json$|/export/.+/download|/media/|/static/|"
    r"/note-photos/|/photo/|/calendar/|/sw\.js$|/manifest|/jsi18n/|/admin/|/api/"
)
WIDEST = """() => [...document.querySelectorAll('body *')]
  .filter(el => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
  .map(el => el.tagName.toLowerCase() + '.' + el.className)
  .slice(-3)"""
LINKS = """() => [...document.querySelectorAll('a[href]')]
  .filter(a => !a.hasAttribute('download') && !a.closest('[hidden]'))
  .map(a => a.getAttribute('href'))"""


# The page's visible words but those people wrote (a note, a detail recorded as it was said),
# which stay in the language they were written in.
KITHS_OWN_WORDS = """() => {
  const copy = document.body.cloneNode(true);
  copy.querySelectorAll(".note-body, [data-written-words], script, style, [hidden]")
    .forEach(el => el.remove());
  document.body.append(copy);
  copy.style.position = "absolute";
  const text = copy.innerText;
  copy.remove();
  return text;
}"""


def shape(path: str) -> str:
    """The page an address is, whatever the ids in it: /people/{n}/timeline/."""
    return re.sub(r"/\d+(?=/|$|\.)", "/{n}", path)


@dataclass
class Visit:
    url: str
    sideways_px: int = 0
    widest: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    axe: list[str] = field(default_factory=list)
    visible_text: str = ""


def prepare(context: BrowserContext) -> None:
    """Before the context's first page: htmx errors reported, axe-core loaded on every page
    (outside the page's own scripts, so its Content Security Policy is not loosened)."""
    context.add_init_script(REPORT_HTMX_ERRORS)
    context.add_init_script(Axe().axe_script)


def walk(page: Page, server: str, *, start: str = "/", limit: int = 60) -> list[Visit]:
    """Every page reachable from start, breadth first, one per address shape."""
    origin = urlsplit(server).netloc
    axe = Axe()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"uncaught: {e}"))
    seen_shapes: set[str] = set()
    queue: deque[str] = deque([start])
    visits: list[Visit] = []
    while queue and len(visits) < limit:
        path = queue.popleft()
        if shape(path) in seen_shapes:
            continue
        seen_shapes.add(shape(path))
        errors.clear()
        try:
            response = page.goto(urljoin(server, path))
        except PlaywrightTimeoutError:
            # Now and then on a loaded machine a navigation never starts (the server logs no
            # request for it); a second try tells that apart from a page that never answers.
            print(f"walk: {path} did not load in time; trying once more")
            response = page.goto(urljoin(server, path))
        page.wait_for_load_state("networkidle")
        visit = check(page, axe, errors, path)
        if response is None or response.status >= 400:
            visit.console_errors.append(f"answered {response.status if response else 'nothing'}")
        visits.append(visit)
        for href in page.evaluate(LINKS):
            target = urlsplit(urljoin(page.url, href))
            if target.netloc != origin or target.scheme not in ("http", "https"):
                continue
            if SKIP.search(target.path):
                continue
            next_path = target.path + (f"?{target.query}" if target.query else "")
            if shape(target.path) not in seen_shapes:
                queue.append(next_path)
    return visits


def check(page: Page, axe: Axe, errors: list[str], path: str) -> Visit:
    """What a person would meet on the page open now."""
    visit = Visit(url=path)
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.viewport_size
    assert viewport is not None  # every phone context sets one
    visit.sideways_px = max(0, width - viewport["width"])
    if visit.sideways_px:
        visit.widest = page.evaluate(WIDEST)
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe.axe_script)  # a page the walk's context did not load itself
    results = page.evaluate("(options) => axe.run(document, options)", AXE_OPTIONS)
    for violation in results["violations"]:
        targets = [", ".join(node["target"]) for node in violation["nodes"][:3]]
        visit.axe.append(f"{violation['id']} ({violation['impact']}): {targets}")
    visit.visible_text = page.evaluate(KITHS_OWN_WORDS)
    visit.console_errors += [e for e in errors if "favicon" not in e]
    return visit


def problems(visits: list[Visit]) -> list[str]:
    found = []
    for visit in visits:
        if visit.sideways_px:
            found.append(f"{visit.url} scrolls sideways by {visit.sideways_px}px: {visit.widest}")
        found += [f"{visit.url} console: {error}" for error in visit.console_errors]
        found += [f"{visit.url} axe: {issue}" for issue in visit.axe]
    return found

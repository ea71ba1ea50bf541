"""Every page each demo persona reaches, on a 360 x 740 phone: no sideways scroll, no script
error (an htmx swap into a missing target counts), and no axe-core violation of WCAG 2.2 A/AA."""

from collections.abc import Callable

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import BrowserContext

from e2e.conftest import sign_in
from e2e.page_walk import REPORT_HTMX_ERRORS, check, prepare, problems, walk

PERSONAS = {
    "carer": "angela@kith.example",
    "daughter": "sarah@kith.example",
    "nurse": "nina@kith.example",
    "person": "george@kith.example",
    "another team's carer": "omar@kith.example",
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_page_a_persona_reaches_works_on_a_phone_for_everyone(
    phone_context: Callable[[], BrowserContext], server: str, persona: str
) -> None:
    context = phone_context()
    prepare(context)
    page = context.new_page()
    sign_in(page, server, PERSONAS[persona])
    visits = walk(page, server)
    assert len(visits) >= 5, [visit.url for visit in visits]
    found = problems(visits)
    assert not found, f"{len(found)} problems on {len(visits)} pages:\n" + "\n".join(found)


def test_the_walk_finds_each_kind_of_problem_it_looks_for(
    phone_context: Callable[[], BrowserContext], server: str
) -> None:
    """A checker that finds nothing must be shown to find something."""
    context = phone_context()
    context.add_init_script(REPORT_HTMX_ERRORS)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{server}/accounts/login/")
    page.evaluate(
        """() => {
          const main = document.querySelector("main");
          const wide = document.createElement("div");
          wide.style.minWidth = "600px";  // through the CSSOM, which the policy allows
          wide.textContent = "wide";
          main.append(wide, document.createElement("input"), document.createElement("img"));
          const button = document.createElement("button");
          button.textContent = "Swap";
          button.setAttribute("hx-get", "/offline/");
          button.setAttribute("hx-target", "#not-on-this-page");
          main.append(button);
          htmx.process(button);
          button.click();
        }"""
    )
    page.wait_for_timeout(500)
    found = problems([check(page, Axe(), errors, "/accounts/login/")])
    assert any("scrolls sideways" in line for line in found), found
    assert any("axe: label" in line for line in found), found
    assert any("axe: image-alt" in line for line in found), found
    assert any("htmx:targetError" in line for line in found), found

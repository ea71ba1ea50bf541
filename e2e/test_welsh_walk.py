"""Every page each demo persona reaches, in Welsh: none of Kith's own English words left, no
sideways scroll at 360 px (Welsh words run longer), no script error and no axe-core violation
of WCAG 2.2 A/AA (the Welsh words and their `lang` are checked as the English ones are).

Kith's own words are the English catalogue's msgids. A page's visible text is searched for
each one that the Welsh catalogue says differently; words people wrote (notes, names, the
demo's visits) are theirs and stay in the language they were written in.
"""

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from core.i18n.catalogue_check import entries
from e2e.conftest import DEMO_PASSWORD
from e2e.page_walk import prepare, problems, walk

WELSH = Path(__file__).resolve().parent.parent / "locale" / "cy" / "LC_MESSAGES" / "django.po"
PERSONAS = {
    "carer": "angela@kith.example",
    "daughter": "sarah@kith.example",
    "nurse": "nina@kith.example",
    "person": "george@kith.example",
}
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")
# Short words ("Jean", "OK", a month) say nothing about a page left in English; these are
# phrases of several words, which no demo note or name repeats.
SHORTEST = 18


def _speak(server_manage, email: str, language: str) -> None:
    server_manage(
        "shell",
        "-c",
        "from core.models import User;"
        f"User.objects.filter(email={email!r}).update(language={language!r})",
    )


def sign_in_in_welsh(page: Page, server: str, email: str) -> None:
    page.goto(f"{server}/accounts/login/")
    page.get_by_role("button", name="Cymraeg").click()  # the device remembers it
    page.get_by_label("Cyfeiriad e-bost").fill(email)
    page.get_by_label("Cyfrinair").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Mewngofnodi").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
    expect(page.locator("html")).to_have_attribute("lang", "cy")


def english_phrases() -> list[str]:
    phrases = set()
    for entry in entries(WELSH):
        welsh = entry.get("msgstr") or entry.get("msgstr[0]", "")
        for english in (entry["msgid"], entry.get("msgid_plural", "")):
            if not english or english == welsh or "<" in english:
                continue
            for piece in PLACEHOLDER.split(english):
                piece = " ".join(piece.split()).strip(" .,:;()")
                if len(piece) >= SHORTEST and " " in piece and piece not in welsh:
                    phrases.add(piece)
    return sorted(phrases, key=len, reverse=True)


def test_the_phrases_are_found_in_english_text() -> None:
    phrases = english_phrases()
    assert len(phrases) > 300
    assert "Who can see your notes" in phrases or any("Write a note" in p for p in phrases)


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_page_in_welsh_has_no_english_of_kiths_own(
    phone_context: Callable[[], BrowserContext], server: str, server_manage, persona: str
) -> None:
    email = PERSONAS[persona]
    context = phone_context()
    prepare(context)
    page = context.new_page()
    # The account's language, as the profile saves it; English again afterwards, for the
    # tests that read these personas' pages in English.
    _speak(server_manage, email, "cy")
    try:
        sign_in_in_welsh(page, server, email)
        visits = walk(page, server)
    finally:
        _speak(server_manage, email, "en-gb")
    assert len(visits) >= 5
    phrases = english_phrases()
    left = [
        f"{visit.url}: {phrase!r}"
        for visit in visits
        for phrase in phrases
        if phrase in " ".join(visit.visible_text.split())
    ]
    found = problems(visits) + [f"English left on {line}" for line in left]
    assert not found, f"{len(found)} problems on {len(visits)} pages:\n" + "\n".join(found)

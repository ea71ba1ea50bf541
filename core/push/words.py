"""A notification's words in every language Kith speaks, so each phone gets its reader's own.

News is written in the request of the person who made the change, in their language; the
worker sends it to people who may read another. So the words Kith says (a title, a sentence
about a visit) are said once in each language when the news is written, and each message
takes its reader's. Words people wrote (a note's text) stay as written: pass them as a plain
string.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from django.conf import settings
from django.utils import translation

# Either one text for everyone (what someone wrote) or the same words in each language.
Said = str | Mapping[str, str]


def in_every_language(say: Callable[[], str]) -> dict[str, str]:
    """``say`` called once in each of settings.LANGUAGES: {"en-gb": "...", "cy": "..."}."""
    said = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            said[code] = str(say())
    return said


def for_reader(said: Said, language: str | None) -> str:
    """The words for a reader of ``language``; the site's own language if theirs is missing."""
    if isinstance(said, str):
        return said
    return said.get(language or "", said.get(settings.LANGUAGE_CODE, next(iter(said.values()))))


def in_default_language(said: Said) -> str:
    return for_reader(said, settings.LANGUAGE_CODE)


def each_language(said: Said) -> dict[str, str] | None:
    """What to store for words said in each language; None for one text for everyone."""
    return None if isinstance(said, str) else dict(said)

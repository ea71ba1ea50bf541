"""The language of the words people write, as against the language Kith speaks to its reader.

Kith's own words follow each reader's language. What someone writes stays in the language it
was written in, and every page marks it so (``lang="cy"``), so a screen reader reading Gwen's
Welsh goal to her English-speaking niece says it in Welsh. Stored as the language alone
("en", "cy"): it says what language the words are in, not how a reader likes dates shown.
"""

from __future__ import annotations

from typing import Protocol

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

WORDS_LANGUAGE_MAX = 8


class Writer(Protocol):
    language: str


def _primary(code: str) -> str:
    return code.strip().split("-")[0].lower()


def words_languages() -> tuple[str, ...]:
    """ "en", "cy": each language Kith speaks, as the words people write are marked."""
    return tuple(dict.fromkeys(_primary(code) for code, _name in settings.LANGUAGES))


def words_language(code: object) -> str | None:
    """The language ("en", "cy") a code names ("en-gb", "EN", "cy"), or None if not one of ours."""
    if not isinstance(code, str) or not code:
        return None
    primary = _primary(code)
    return primary if primary in words_languages() else None


def site_words_language() -> str:
    return words_language(settings.LANGUAGE_CODE) or words_languages()[0]


def writer_words_language(writer: Writer) -> str:
    """The language someone writes in when nothing else says: the one on their account."""
    return words_language(writer.language) or site_words_language()


def clean_words_language(chosen: str | None, *, writer: Writer, field: str = "language") -> str:
    """The language words were written in: as the writer's page or device said, else theirs.

    The page says the language it was showing when the words were written; the offline outbox
    says the one of the page they were written on, however much later it sends them. Nothing
    said: the writer's account's language.
    """
    if chosen is None or chosen == "":
        return writer_words_language(writer)
    found = words_language(chosen)
    if found is None:
        raise ValidationError(
            {
                field: _(
                    "Please say which language the words are written in, as one of: %(choices)s."
                )
                % {"choices": ", ".join(words_languages())}
            },
            code="invalid",
        )
    return found

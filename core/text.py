"""Checks on free text that every service taking it shares."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Half of a UTF-16 pair on its own: JSON can spell it ("\\ud800"), UTF-8 cannot encode it.
_SURROGATE = re.compile("[\ud800-\udfff]")


def has_surrogates(text: str) -> bool:
    return _SURROGATE.search(text) is not None


def refuse_null_characters(**fields: str) -> None:
    """NUL comes from pasting out of broken files; PostgreSQL cannot store it, so nobody may.

    Forms already refuse it; this keeps the API and every other caller of a service in step.
    A lone surrogate is refused the same way: no database can store it either.
    """
    bad = {
        name: value
        for name, value in fields.items()
        if value and ("\x00" in value or has_surrogates(value))
    }
    if bad:
        raise ValidationError(
            {
                name: _("This has a character in it that cannot be saved. Please retype it.")
                for name in bad
            },
            code="null_characters",
        )


def spreadsheet_safe(value: str) -> str:
    """Spreadsheets run cells that start with these as formulas; make them plain text."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value

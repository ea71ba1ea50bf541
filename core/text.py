"""Checks on free text that every service taking it shares."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def refuse_null_characters(**fields: str) -> None:
    """NUL comes from pasting out of broken files; PostgreSQL cannot store it, so nobody may.

    Forms already refuse it; this keeps the API and every other caller of a service in step.
    """
    bad = {name: value for name, value in fields.items() if value and "\x00" in value}
    if bad:
        raise ValidationError(
            {
                name: _("This has a character in it that cannot be saved. Please retype it.")
                for name in bad
            },
            code="null_characters",
        )

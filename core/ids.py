"""What an id looks like from outside: a whole number from 1 to 2**63 - 1, nothing else.

Every database Kith runs on keeps ids in 64 signed bits. A bigger number from an address or a
body never names anything, so it must answer exactly like an id that does not exist, not
reach a database driver that overflows on it (SQLite and PostgreSQL fail differently).
"""

from typing import Annotated

from django.urls import register_converter
from pydantic import Field

ID_MAX = 2**63 - 1

# For request bodies and query strings: out of range is refused with the field named.
Id = Annotated[int, Field(ge=1, le=ID_MAX)]


def parse_id(text: str | None) -> int | None:
    """For a query string: the id ``text`` names, or None if it cannot name anything."""
    text = (text or "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > 19:
        return None
    number = int(text)
    return number if 1 <= number <= ID_MAX else None


class IdConverter:
    """``<id:note_id>`` in an address: anything else is not a match, so the answer is 404."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if not 1 <= number <= ID_MAX:
            # Django reads ValueError as "this pattern does not match".
            raise ValueError("not an id")
        return number

    def to_url(self, value: int) -> str:
        return str(int(value))


register_converter(IdConverter, "id")

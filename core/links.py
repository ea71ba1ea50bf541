"""Addresses of pages, for what the domain sends out (a notification's link), by name.

The domain says which page it means ("a person's notes", "a visit") and the web layer, which
owns the addresses, registers how to build each one when it loads (frontend.apps). Core and
the domain never name a URL pattern.
"""

from __future__ import annotations

from collections.abc import Callable

_pages: dict[str, Callable[[int | str], str]] = {}

# The pages the domain and the API link to: the web layer registers each of them.
PERSON_NOTES = "person.notes"
WHOS_COMING = "person.whos_coming"  # the person's page, opened at "Who's coming"
VISIT = "visit"
INVITATION = "invitation"  # by its token
# Photos, each served only after the access layer says whose it is.
USER_PHOTO = "user.photo"
PERSON_PHOTO = "person.photo"
CIRCLE_PHOTO = "circle.photo"
NOTE_PHOTO = "note.photo"


def register(page: str, address: Callable[[int | str], str]) -> None:
    """``address(key)`` is the path of ``page`` for the thing with that id (or token)."""
    _pages[page] = address


def page_for(page: str, thing_id: int | str) -> str:
    """The path on this site of ``page`` for ``thing_id`` (say, Jean's notes)."""
    try:
        address = _pages[page]
    except KeyError:
        raise LookupError(f"no address registered for {page!r} (frontend.apps does it)") from None
    return address(thing_id)

"""One way to read an email address someone typed, used wherever an account is looked up.

Phones capitalise the first letter, add a space after autocomplete, and some keyboards type
fullwidth letters. It is one address and one account whichever way it arrives: accounts are
stored under this form, signing in looks them up under it, and the sign-in throttle counts
wrong guesses under it, so no spelling of an address gets a fresh set of guesses.
"""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.http import HttpRequest


def email_normalise(value: object) -> str:
    """The form an account's email is stored and compared in ("" for no address at all)."""
    if not isinstance(value, str):
        return ""
    # NFKC folds fullwidth and other compatibility forms into plain letters first.
    return unicodedata.normalize("NFKC", value).strip().lower()


def axes_username(request: HttpRequest | None, credentials: dict | None = None) -> str | None:
    """AXES_USERNAME_CALLABLE: the address django-axes counts and pauses sign-ins under.

    Axes asks with the credentials given to authenticate() (or built from the account's own
    email after a sign-in, to lift its count), and without any for a plain form post.
    """
    from django.conf import settings

    field = settings.AXES_USERNAME_FORM_FIELD
    value = credentials.get(field) if credentials else getattr(request, "POST", {}).get(field)
    return email_normalise(value) or None

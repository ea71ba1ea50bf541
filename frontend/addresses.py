"""Addresses of pages named by ids, built from a shape worked out once per route.

``reverse()`` costs some 50 µs (it matches the route's pattern again on every call), and a
note's card names five addresses: on a timeline page of twenty notes, and on every live note,
that was a quarter of drawing it. An address whose every argument is an id is the same text
around the ids each time, so ``address()`` asks ``reverse()`` once per route for that text and
fills the ids in. A route whose ids are not written as plain numbers (none today) is always
left to ``reverse()``.
"""

from __future__ import annotations

import functools

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse

from core.ids import ID_MAX

# Unlike any real id and unlike each other, so each is found exactly once in an address.
_PROBES = (7_300_000_000_000_000_001, 7_300_000_000_000_000_002, 7_300_000_000_000_000_003)
# Short ones too: a route that pads or rewrites numbers gives itself away on these.
_CHECKS = (1, 22, 333)


def address(name: str, *ids: int | str) -> str:
    """``reverse(name, args=ids)``: for ids given as ints, without matching the route again."""
    numbers = tuple(i for i in ids if type(i) is int and 1 <= i <= ID_MAX)
    if len(numbers) == len(ids) <= len(_PROBES):
        urlconf = get_urlconf() or settings.ROOT_URLCONF
        shape = _shape(name, len(numbers), get_script_prefix(), urlconf)
        if shape is not None:
            return _filled(shape, numbers)
    return reverse(name, args=ids)


def _filled(shape: tuple[str, ...], ids: tuple[int, ...]) -> str:
    parts = [shape[0]]
    for number, after in zip(ids, shape[1:], strict=True):
        parts += (str(number), after)
    return "".join(parts)


@functools.lru_cache(maxsize=512)
def _shape(name: str, count: int, prefix: str, urlconf: str) -> tuple[str, ...] | None:
    """The text around each id of this route's address (None: leave it to reverse())."""
    # The prefix and URLconf are part of the key: reverse() reads them from the request's thread.
    del prefix
    probes = _PROBES[:count]
    try:
        rest = reverse(name, args=probes, urlconf=urlconf)
    except NoReverseMatch:
        return None  # not numbers this long, or not this many: reverse() says what it takes
    shape: list[str] = []
    for probe in map(str, probes):
        before, found, rest = rest.partition(probe)
        if not found or probe in rest:
            return None
        shape.append(before)
    shape.append(rest)
    checks = _CHECKS[:count]
    if reverse(name, args=checks, urlconf=urlconf) != _filled(tuple(shape), checks):
        return None
    return tuple(shape)


@receiver(setting_changed)
def _routes_changed(*, setting: str, **kwargs: object) -> None:
    # Tests that swap the routes or the script name: the shapes were worked out for the old.
    if setting in ("ROOT_URLCONF", "FORCE_SCRIPT_NAME"):
        _shape.cache_clear()

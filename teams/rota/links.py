"""Where a notification about a visit opens. The web layer names its pages when it loads
(frontend.apps), so the rota's domain code never reverses a page's address itself."""

from __future__ import annotations

from collections.abc import Callable

PageFor = Callable[[int], str]
_pages: dict[str, PageFor] = {}


def register(*, person: PageFor, visit: PageFor) -> None:
    _pages["person"] = person
    _pages["visit"] = visit


def person_page(person_id: int) -> str:
    return _pages["person"](person_id)


def visit_page(visit_id: int) -> str:
    return _pages["visit"](visit_id)

"""Where a notification about a visit opens. The web layer names its pages when it loads
(frontend.apps), so the rota's domain code never reverses a page's address itself."""

from __future__ import annotations

from collections.abc import Callable

PageFor = Callable[[int], str]
_pages: dict[str, PageFor] = {}


def register(*, whos_coming: PageFor, visit: PageFor) -> None:
    _pages["whos_coming"] = whos_coming
    _pages["visit"] = visit


def whos_coming(person_id: int) -> str:
    """The person's page, opened at "Who's coming"."""
    return _pages["whos_coming"](person_id)


def visit_page(visit_id: int) -> str:
    return _pages["visit"](visit_id)

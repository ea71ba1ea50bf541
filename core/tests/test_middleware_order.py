"""How the middleware is ordered matters to speed as well as to meaning."""

import inspect

from asgiref.sync import AsyncToSync, SyncToAsync, iscoroutinefunction
from django.core.handlers.asgi import ASGIHandler


def _middleware_in_async_mode() -> list[str]:
    """Walk the chain daphne's processes build, outermost first."""
    # The chain Django built is private; there is no public way to walk it.
    found, link = [], ASGIHandler()._middleware_chain  # type: ignore[attr-defined]
    while link is not None:
        # Through Django's exception wrappers and asgiref's adapters to the next middleware.
        link = inspect.unwrap(link)
        if isinstance(link, AsyncToSync):
            link = link.awaitable
        elif isinstance(link, SyncToAsync):
            link = link.func
        elif hasattr(link, "get_response"):
            if iscoroutinefunction(link):
                found.append(type(link).__name__)
            link = link.get_response
        else:
            link = None  # the view resolver
    return found


def test_no_middleware_runs_in_async_mode_under_asgi():
    # Django runs the middleware below the innermost sync-only one in async mode, hopping
    # between the event loop and a worker thread around each of them on every request.
    assert _middleware_in_async_mode() == [], (
        "keep a sync-only middleware innermost: every request would pay for thread hops"
    )


def test_the_check_sees_middleware_in_async_mode(settings):
    settings.MIDDLEWARE = [
        "core.middleware.NoStoreForSignedInMiddleware",
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
    ]

    assert _middleware_in_async_mode() == ["XFrameOptionsMiddleware"]

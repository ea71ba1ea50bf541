import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_cache_control

Handler = Callable[[HttpRequest], HttpResponse]


class UserLanguageMiddleware:
    """Speak the signed-in user's chosen language, whatever the browser says."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)


class NoStoreForSignedInMiddleware:
    """Care data must not linger in shared caches or on a shared phone's disk cache."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "Cache-Control" not in response:
            patch_cache_control(response, no_store=True, private=True)
        return response


class SlidingSessionMiddleware:
    """Keep a signed-in session alive while it is used, without a write on every request.

    The idle limit (SESSION_COOKIE_AGE) is renewed at most every SESSION_RENEW_SECONDS, so a
    session ends between the limit and the limit plus that margin after its last use.
    """

    KEY = "_renewed_at"

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.conf import settings

        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            if now - request.session.get(self.KEY, 0) >= settings.SESSION_RENEW_SECONDS:
                request.session[self.KEY] = now  # marks the session modified: saved, renewed
        return self.get_response(request)

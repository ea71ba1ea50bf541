import time
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
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
        chosen = None
        if user is not None and user.is_authenticated and user.language in dict(settings.LANGUAGES):
            chosen = user.language
            translation.activate(chosen)
            request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        if chosen and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != chosen:
            # The device remembers the account's language, so the sign-in page after signing
            # out still speaks it.
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                chosen,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response


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


def _is_script_request(request: HttpRequest) -> bool:
    """Asked by a page's script (htmx), not by the browser navigating."""
    return request.headers.get("HX-Request") == "true"


def script_answer(status: int, code: str, message: str) -> HttpResponse:
    """The API's error shape, for a page's script: it keeps the words and says what to do."""
    from django.http import JsonResponse

    response = JsonResponse({"code": code, "message": str(message), "fields": {}}, status=status)
    # Never swapped into the page, whatever the script's settings.
    response["HX-Reswap"] = "none"
    return response


class SignInAnswerForScriptsMiddleware:
    """A page's script that is signed out hears 401, never the sign-in page.

    Sessions end after hours without use, which is normal between a morning and an evening
    visit. Redirected to the sign-in page, htmx would swap that whole page into the timeline
    where the note form was, and the words would be gone; a 401 in the API's error shape lets
    the page keep them (in the outbox) and ask the person to sign in again.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 302 and _is_script_request(request):
            from django.conf import settings
            from django.shortcuts import resolve_url
            from django.utils.translation import gettext as _

            if urlsplit(response["Location"]).path == resolve_url(settings.LOGIN_URL):
                return script_answer(401, "not_signed_in", _("Please sign in to continue."))
        return response

"""Switching language: remembered on the device, and on the account when signed in."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from core.services import user_choose_language


@require_POST
def language_choose(request: HttpRequest) -> HttpResponse:
    """Django's set_language (the cookie, and back to ``next``), plus the account's choice.

    A signed-in person's saved language wins over the cookie on every page
    (core.middleware.UserLanguageMiddleware), so switching must save it too, or the switch
    would seem to do nothing.
    """
    response = set_language(request)
    language = request.POST.get("language", "")
    user = request.user
    if user.is_authenticated and language in dict(settings.LANGUAGES):
        user_choose_language(user=user, language=language)
    return response

"""When a change arrives without a valid CSRF token: say so kindly, and never lose the words.

Usually harmless: a page left open while its session ended, and the person signed in again
elsewhere (signing in gives a new token, so the old page's one no longer matches).
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from core.middleware import script_answer


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    if request.headers.get("HX-Request") == "true":
        # The page's script keeps the words (in the outbox), reloads the token and sends again.
        return script_answer(
            403,
            "csrf_failed",
            _("For your safety this was refused. Please reload the page and try again."),
        )
    back = request.headers.get("Referer", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = "/"
    # Without scripts, the words come back on the page to copy; nothing is sent from here, as
    # a forged request would put someone else's words here too.
    words = request.POST.get("body", "") if request.method == "POST" else ""
    return render(request, "frontend/csrf_failure.html", {"words": words, "back": back}, status=403)

"""A carer's private calendar address, and the feed their phone's calendar reads."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.requests import SignedInRequest
from teams.rota import ical, selectors, services
from teams.rota.clock import local_today

# Calendar feed ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def calendar(request: SignedInRequest) -> HttpResponse:
    feed_url = ""
    if request.method == "POST":
        if request.POST.get("action") == "stop":
            services.calendar_feed_revoke(actor=request.user)
            messages.success(request, _("The old calendar link no longer works."))
            return redirect("rota_calendar")
        token = services.calendar_feed_renew(actor=request.user)
        feed_url = request.build_absolute_uri(reverse("rota_calendar_feed", args=[token]))
    return render(
        request,
        "frontend/rota/calendar.html",
        {
            "nav": "rota",
            "feed_url": feed_url,
            "has_feed": selectors.has_calendar_feed(request.user),
        },
    )


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """No session here: the token is the key. A revoked or unknown token is a plain 404."""
    user = services.calendar_feed_user(token)
    if user is None:
        raise Http404
    start = local_today() - dt.timedelta(days=7)
    visits = selectors.my_week(user, start=start, days=7 * 9)
    # A calendar app asks with no cookie or session: the words are in the carer's language.
    with translation.override(user.language or None):
        body = ical.calendar_text(visits, now=timezone.now(), host=request.get_host().split(":")[0])
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=900"
    response["X-Robots-Tag"] = "noindex"
    return response

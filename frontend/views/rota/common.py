"""What the rota pages share: the week asked for, where to go back to, telling refusals."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from core.dates import parse_day
from core.requests import SignedInRequest
from teams.models import Visit
from teams.rota import selectors
from teams.rota.clock import local_today, week_start
from teams.rota.warnings import visit_warnings


def week_asked(request: HttpRequest) -> dt.date:
    """The Monday of the week asked for in ?week=, or of this week (saying so if asked amiss)."""
    asked = request.GET.get("week", "")
    day = parse_day(asked)
    if day is None:
        if asked:
            messages.info(request, _("We could not show that week, so here is this week."))
        day = local_today()
    return week_start(day)


def back(request: HttpRequest, default: str) -> HttpResponse:
    """To the page the form came from (``next``), if it is one of ours; else ``default``."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(default)


def tell_refusal(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def tell_warnings(request: SignedInRequest, visit: Visit) -> None:
    for warning in visit_warnings(visit, carer=request.user):
        messages.warning(request, warning.message)


def visit_or_404(request: SignedInRequest, visit_id: int) -> Visit:
    visit = selectors.visit_for_member(request.user, visit_id)
    if visit is None:
        raise Http404
    return visit

"""A visit as it happens, from the carer going: running late, can't make it, done.

Thin on purpose: every write is teams.rota.lateness's. Each is a real POST that works without
JavaScript (htmx boosts it) and comes back to the page it was sent from, with a message.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.models import User
from teams.rota import lateness


def _signed_in(request: HttpRequest) -> User:
    """The carer asking; login_required has already sent anyone else to sign in."""
    assert isinstance(request.user, User)
    return request.user


def _back(request: HttpRequest, visit_id: int) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(reverse("rota_visit", args=[visit_id]))


def _refused(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _minutes(request: HttpRequest) -> int | None:
    try:
        return int(request.POST.get("minutes", ""))
    except ValueError:
        return None


@login_required
@require_POST
def visit_running_late(request: HttpRequest, visit_id: int) -> HttpResponse:
    try:
        visit = lateness.visit_running_late(
            actor=_signed_in(request), visit_id=visit_id, minutes=_minutes(request)
        )
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(
            request,
            _(
                "Thank you. %(person)s's family can see you are running about %(minutes)s "
                "minutes late."
            )
            % {"person": visit.person.name, "minutes": visit.late_minutes},
        )
    return _back(request, visit_id)


@login_required
@require_POST
def visit_cant_make_it(request: HttpRequest, visit_id: int) -> HttpResponse:
    try:
        visit = lateness.visit_cant_make_it(actor=_signed_in(request), visit_id=visit_id)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(
            request,
            _(
                "The team has been asked to cover your visit to %(person)s, marked urgent. "
                "The family knows someone else is coming."
            )
            % {"person": visit.person.name},
        )
    return _back(request, visit_id)


@login_required
@require_POST
def visit_mark_done(request: HttpRequest, visit_id: int) -> HttpResponse:
    try:
        lateness.visit_mark_done(actor=_signed_in(request), visit_id=visit_id)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("Thank you. The visit is marked done."))
    return _back(request, visit_id)

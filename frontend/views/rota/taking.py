"""Taking a visit: "I'll go" on an open one, "I'll take it" on an offer, and undoing it.

Each asks first. The address answers a GET (or a POST without ``confirm``) with the confirm
step: the visit, and what the team should know before this carer takes it (a double booking,
said they cannot work, over their hours, short rest, a new face). Only the confirm step's own
button makes the change. Straight after, the visit's page offers to undo it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from core.requests import SignedInRequest
from families.access import offer_access_or_404
from frontend.views.rota.common import back, tell_refusal, visit_or_404
from teams.models import Offer, RotaChange, Visit
from teams.rota import selectors, services
from teams.rota.clock import local_today
from teams.rota.warnings import visit_warnings

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

CONFIRM = "yes"


def _confirmed(request: HttpRequest) -> bool:
    return request.method == "POST" and request.POST.get("confirm") == CONFIRM


def _confirm_page(
    request: SignedInRequest, *, visit: Visit, action: str, offer: Offer | None = None
) -> HttpResponse:
    return render(
        request,
        "frontend/rota/confirm.html",
        {
            "nav": "rota",
            "visit": visit,
            "team": visit.team,
            "offer": offer,
            "action": action,
            "confirm": CONFIRM,
            "when": selectors.window_words(visit, local_today()),
            "warnings": visit_warnings(visit, carer=request.user, to_carer=True),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def visit_claim(request: SignedInRequest, visit_id: int) -> HttpResponse:
    visit = visit_or_404(request, visit_id)
    if not _confirmed(request):
        try:
            services.visit_claim_refusal(actor=request.user, visit=visit)
        except ValidationError as error:
            tell_refusal(request, error)
            return redirect("rota_visit", visit_id=visit.pk)
        return _confirm_page(
            request, visit=visit, action=reverse("rota_visit_claim", args=[visit.pk])
        )
    try:
        services.visit_claim(actor=request.user, visit_id=visit.pk)
    except ValidationError as error:
        tell_refusal(request, error)
    else:
        messages.success(request, _("You are going. Thank you."))
    return redirect("rota_visit", visit_id=visit.pk)


@login_required
@require_http_methods(["GET", "POST"])
def offer_accept(request: SignedInRequest, offer_id: int) -> HttpResponse:
    offer = offer_access_or_404(request.user, offer_id)
    if not _confirmed(request):
        try:
            services.offer_accept_refusal(actor=request.user, offer=offer)
        except ValidationError as error:
            tell_refusal(request, error)
            return redirect("rota_visit", visit_id=offer.visit_id)
        return _confirm_page(
            request,
            visit=visit_or_404(request, offer.visit_id),
            action=reverse("rota_offer_accept", args=[offer.pk]),
            offer=offer,
        )
    try:
        visit = services.offer_accept(actor=request.user, offer_id=offer.pk)
    except ValidationError as error:
        tell_refusal(request, error)
        return back(request, reverse("rota_visit", args=[offer.visit_id]))
    messages.success(request, _("The visit is yours now. Thank you."))
    return redirect("rota_visit", visit_id=visit.pk)


# What the visit's page says, straight after, about the change it offers to undo.
JUST_DID: dict[str, StrOrPromise] = {
    RotaChange.Kind.VISIT_CLAIMED: gettext_lazy("You are going to this visit."),
    RotaChange.Kind.OFFER_ACCEPTED: gettext_lazy("You took this visit from the offer."),
    RotaChange.Kind.VISIT_SKIPPED: gettext_lazy("You cancelled this visit."),
    RotaChange.Kind.VISIT_MOVED: gettext_lazy("You moved this visit."),
    RotaChange.Kind.VISIT_CREATED: gettext_lazy("You added this visit."),
}

UNDONE_SAYS: dict[str, StrOrPromise] = {
    RotaChange.Kind.VISIT_CLAIMED: gettext_lazy(
        "Undone. The visit is open again for anyone to take."
    ),
    RotaChange.Kind.OFFER_ACCEPTED: gettext_lazy("Undone. The visit is on offer again."),
}


@login_required
@require_POST
def change_undo(request: SignedInRequest, change_id: int) -> HttpResponse:
    try:
        undo = services.change_undo(actor=request.user, change_id=change_id)
    except ValidationError as error:
        tell_refusal(request, error)
        return back(request, reverse("rota_my_week"))
    kind = undo.undoes.kind if undo.undoes else ""
    messages.success(request, str(UNDONE_SAYS.get(kind, _("Undone."))))
    return back(request, reverse("rota_activity", args=[undo.team_id]))

"""One visit's page and what a carer does there: go, say they are there, offer, move, cancel."""

from __future__ import annotations

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.requests import SignedInRequest
from frontend.forms import add_service_errors
from frontend.rota_forms import (
    MoveForm,
    OfferForm,
)
from frontend.views.rota.common import back, tell_refusal, visit_or_404
from frontend.views.rota.taking import JUST_DID
from teams.models import Visit
from teams.rota import continuity, selectors, services
from teams.rota.clock import local_today
from teams.rota.warnings import visit_warnings
from teams.selectors import team_members

# One visit -------------------------------------------------------------------------------------


def _visit_page(request: SignedInRequest, visit: Visit, **forms: django_forms.Form) -> HttpResponse:
    today = local_today()
    members = list(team_members(visit.team))
    going = request.user.pk in visit.carer_ids
    undo = selectors.undo_offer(request.user, visit)
    context = {
        "nav": "team",
        "visit": visit,
        "team": visit.team,
        "going": going,
        "viewer_id": request.user.pk,
        "status_day": today,  # running late or can't make it: on the day only
        "suggestions": continuity.carers_who_know(
            visit.person_id, team_id=visit.team_id, today=today, exclude=visit.carer_ids
        ),
        # What the team should know before the viewer takes this visit.
        "warnings": [] if going else visit_warnings(visit, carer=request.user, to_carer=True),
        # What the viewer just changed here, while a tap can still put it back.
        "undo": undo,
        "undo_says": JUST_DID.get(undo.kind, "") if undo else "",
        "undo_minutes": selectors.UNDO_OFFER_MINUTES,
        "check_in_open": going and services.check_in_open(visit),
        "family_sees_check_in": services.shares_check_ins(visit.person),
        "offer_form": forms.get("offer_form")
        or OfferForm(members=[m for m in members if m.user_id not in visit.carer_ids]),
        "move_form": forms.get("move_form")
        or MoveForm(
            initial={
                "date": visit.date,
                "window_start": visit.window_start,
                "window_end": visit.window_end,
                "exact_time": visit.exact_time,
            }
        ),
    }
    return render(request, "frontend/rota/visit.html", context)


@login_required
@require_GET
def visit_detail(request: SignedInRequest, visit_id: int) -> HttpResponse:
    return _visit_page(request, visit_or_404(request, visit_id))


@login_required
@require_POST
def visit_check_in(request: SignedInRequest, visit_id: int) -> HttpResponse:
    try:
        visit = services.visit_check_in(actor=request.user, visit_id=visit_id)
    except ValidationError as error:
        tell_refusal(request, error)
    else:
        if services.shares_check_ins(visit.person):
            messages.success(request, _("Thank you. The family can see you are there."))
        else:
            messages.success(request, _("Thank you. The team can see you are there."))
    return back(request, reverse("rota_my_week"))


@login_required
@require_POST
def visit_offer(request: SignedInRequest, visit_id: int) -> HttpResponse:
    visit = visit_or_404(request, visit_id)
    form = OfferForm(request.POST, members=team_members(visit.team))
    if not form.is_valid():
        return _visit_page(request, visit, offer_form=form)
    try:
        services.visit_offer(
            actor=request.user,
            visit_id=visit.pk,
            to_user_id=form.cleaned_data["to_user"],
            note=form.cleaned_data["note"],
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return _visit_page(request, visit, offer_form=form)
    messages.success(
        request, _("Your offer is with the team. You are still going until someone takes it.")
    )
    return redirect("rota_visit", visit_id=visit.pk)


@login_required
@require_POST
def visit_skip(request: SignedInRequest, visit_id: int) -> HttpResponse:
    try:
        services.visit_skip(actor=request.user, visit_id=visit_id)
    except ValidationError as error:
        tell_refusal(request, error)
    else:
        messages.success(
            request, _("The visit is cancelled. You can undo this in the rota activity.")
        )
    return redirect("rota_visit", visit_id=visit_id)


@login_required
@require_POST
def visit_move(request: SignedInRequest, visit_id: int) -> HttpResponse:
    visit = visit_or_404(request, visit_id)
    form = MoveForm(request.POST)
    if not form.is_valid():
        return _visit_page(request, visit, move_form=form)
    try:
        services.visit_move(actor=request.user, visit_id=visit.pk, **form.cleaned_data)
    except ValidationError as error:
        add_service_errors(form, error)
        return _visit_page(request, visit, move_form=form)
    messages.success(request, _("The visit is moved."))
    return redirect("rota_visit", visit_id=visit.pk)


@login_required
@require_POST
def offer_withdraw(request: SignedInRequest, offer_id: int) -> HttpResponse:
    try:
        offer = services.offer_withdraw(actor=request.user, offer_id=offer_id)
    except ValidationError as error:
        tell_refusal(request, error)
        return back(request, reverse("rota_my_week"))
    messages.success(request, _("You took back your offer. You are still going."))
    return redirect("rota_visit", visit_id=offer.visit_id)

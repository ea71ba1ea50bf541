"""The team's rota pages: adding visits, who can work when, agreements, the activity and undo."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.requests import SignedInRequest
from families.access import team_access_or_404
from frontend.forms import add_service_errors
from frontend.rota_forms import (
    AvailabilityForm,
    GoalForm,
    HoursForm,
    VisitForm,
)
from frontend.views.rota.common import tell_refusal
from teams.rota import selectors, services
from teams.rota.clock import week_start
from teams.rota.warnings import visit_warnings
from teams.selectors import team_members, team_people

# Adding visits --------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def visit_add(request: SignedInRequest, team_id: int) -> HttpResponse:
    team = team_access_or_404(request.user, team_id)
    people = [p for p in team_people(team) if p.support_ended_at is None]
    members = team_members(team)
    form = VisitForm(request.POST or None, people=people, members=members)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        weekdays, ends_on, carer = data.pop("weekdays"), data.pop("ends_on"), data.pop("carer")
        person_id, day = data.pop("person"), data.pop("date")
        try:
            if weekdays:
                services.pattern_create(
                    actor=request.user,
                    person_id=person_id,
                    rule=services.weekly_rule(weekdays),
                    starts_on=day,
                    ends_on=ends_on,
                    carer_id=carer,
                    **data,
                )
                messages.success(request, _("The repeating visits are on the rota."))
            else:
                visit = services.visit_create(
                    actor=request.user,
                    person_id=person_id,
                    date=day,
                    carer_ids=[carer] if carer else [],
                    **data,
                )
                messages.success(request, _("The visit is on the rota."))
                if carer:
                    assert visit.carer is not None  # just made with this carer
                    for warning in visit_warnings(visit, carer=visit.carer):
                        messages.warning(request, warning.message)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect(f"{reverse('rota_team', args=[team.pk])}?week={week_start(day)}")
    return render(
        request, "frontend/rota/visit_add.html", {"nav": "team", "team": team, "form": form}
    )


# Availability ----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def availability(request: SignedInRequest, team_id: int) -> HttpResponse:
    team = team_access_or_404(request.user, team_id)
    form = AvailabilityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.availability_set(actor=request.user, team_id=team.pk, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved. The team will see it on the rota."))
            return redirect("rota_availability", team_id=team.pk)
    entries = selectors.availability_entries(team)
    for entry in entries:
        # For the template only; the model has no such field.
        entry.weekday_name = WEEKDAYS[entry.weekday] if entry.weekday is not None else ""  # type: ignore[attr-defined]
    hours = selectors.agreed_hours(team, request.user)
    return render(
        request,
        "frontend/rota/availability.html",
        {
            "nav": "team",
            "team": team,
            "form": form,
            "entries": entries,
            "goal_form": GoalForm(initial={"goal": selectors.continuity_goal(team)}),
            "hours_form": HoursForm(initial={"weekly_hours": hours}),
        },
    )


def _save_team_setting(
    request: HttpRequest,
    team_id: int,
    form_class: type[GoalForm] | type[HoursForm],
    save: Callable[..., object],
    *,
    saved: str,
    invalid: str,
) -> HttpResponse:
    """One number the team sets for itself, saved through its service; back to the page."""
    team = team_access_or_404(request.user, team_id)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            save(actor=request.user, team_id=team.pk, **form.cleaned_data)
        except ValidationError as error:
            tell_refusal(request, error)
        else:
            messages.success(request, saved)
    else:
        messages.error(request, invalid)
    return redirect("rota_availability", team_id=team.pk)


@login_required
@require_POST
def goal_set(request: SignedInRequest, team_id: int) -> HttpResponse:
    return _save_team_setting(
        request,
        team_id,
        GoalForm,
        services.continuity_goal_set,
        saved=_("Saved. The rota now uses the new goal."),
        invalid=_("Please give a number between 1 and 20."),
    )


@login_required
@require_POST
def hours_set(request: SignedInRequest, team_id: int) -> HttpResponse:
    return _save_team_setting(
        request,
        team_id,
        HoursForm,
        services.agreed_hours_set,
        saved=_("Saved. The rota will warn before you go over."),
        invalid=_("Please give between 1 and 80 hours."),
    )


# Activity and undo -----------------------------------------------------------------------------


@login_required
@require_GET
def activity(request: SignedInRequest, team_id: int) -> HttpResponse:
    team = team_access_or_404(request.user, team_id)
    return render(
        request,
        "frontend/rota/activity.html",
        {
            "nav": "team",
            "team": team,
            "changes": selectors.rota_activity(team),
            "undoable": [str(kind) for kind in services.UNDOABLE_KINDS],
        },
    )

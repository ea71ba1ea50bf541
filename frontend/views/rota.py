"""Rota pages: my week, the team's week, open visits, offers, availability, activity, calendar.

Thin on purpose: every read is a teams.rota selector, every write a teams.rota service.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Max
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dates import WEEKDAYS
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.access import Audience, team_access_or_404
from core.dates import parse_day
from core.models import Event
from core.requests import SignedInRequest
from families.models import Note
from frontend.forms import add_service_errors
from frontend.rota_forms import (
    AvailabilityForm,
    GoalForm,
    HoursForm,
    MoveForm,
    OfferForm,
    VisitForm,
)
from teams.models import AgreedHours, Availability, Visit
from teams.rota import continuity, ical, selectors, services
from teams.rota.clock import local_today, week_start
from teams.rota.warnings import visit_warnings
from teams.selectors import memberships_for_user, team_members, team_people


def _last_team_event(team_id: int) -> int:
    """Where a team page's socket resumes after a reconnect: nothing missed, repeats harmless."""
    last = Event.objects.filter(team_id=team_id, audience=Audience.TEAM.value).aggregate(
        last=Max("id")
    )["last"]
    return last or 0


def _week(request: HttpRequest) -> dt.date:
    """The Monday of the week asked for in ?week=, or of this week (saying so if asked amiss)."""
    asked = request.GET.get("week", "")
    day = parse_day(asked)
    if day is None:
        if asked:
            messages.info(request, _("We could not show that week, so here is this week."))
        day = local_today()
    return week_start(day)


def _back(request: HttpRequest, default: str) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(default)


def _tell_refusal(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _tell_warnings(request: SignedInRequest, visit: Visit) -> None:
    for warning in visit_warnings(visit, carer=request.user):
        messages.warning(request, warning.message)


# My week ----------------------------------------------------------------------------------------


@login_required
@require_GET
def my_week(request: SignedInRequest) -> HttpResponse:
    start = _week(request)
    visits = selectors.my_week(request.user, start=start)
    handovers = _latest_handovers({v.person_id for v in visits})
    for visit in visits:
        # For the page only: the template shows it under the visit.
        visit.latest_handover = handovers.get(visit.person_id)  # type: ignore[attr-defined]
    days = [
        (start + dt.timedelta(days=n), [v for v in visits if v.date == start + dt.timedelta(n)])
        for n in range(7)
    ]
    return render(
        request,
        "frontend/rota/my_week.html",
        {
            "nav": "rota",
            "days": days,
            "start": start,
            "today": local_today(),
            "previous": start - dt.timedelta(days=7),
            "next": start + dt.timedelta(days=7),
            "memberships": memberships_for_user(request.user),
        },
    )


def _latest_handovers(person_ids: set[int]) -> dict[int, Note]:
    """The newest handover of the last fortnight for each person, in one query.

    Only for visits in the viewer's current teams, so the viewer is team for each person.
    """
    since = timezone.now() - dt.timedelta(days=14)
    latest: dict[int, Note] = {}
    notes = Note.objects.filter(
        person_id__in=person_ids,
        kind=Note.Kind.HANDOVER,
        deleted_at__isnull=True,
        created_at__gte=since,
    ).select_related("author")
    for note in notes.order_by("-created_at", "-pk"):
        latest.setdefault(note.person_id, note)
    return latest


# The team's week ------------------------------------------------------------------------------


@login_required
@require_GET
def team_week(request: SignedInRequest, team_id: int) -> HttpResponse:
    team = team_access_or_404(request.user, team_id)
    start = _week(request)
    grid = selectors.team_week(team, start=start)
    return render(
        request,
        "frontend/rota/team_week.html",
        {
            "nav": "team",
            "team": team,
            "grid": grid,
            "after": _last_team_event(team.pk),
            "today": local_today(),
            "previous": start - dt.timedelta(days=7),
            "next": start + dt.timedelta(days=7),
        },
    )


@login_required
@require_GET
def open_visits(request: SignedInRequest, team_id: int) -> HttpResponse:
    team = team_access_or_404(request.user, team_id)
    today = local_today()
    return render(
        request,
        "frontend/rota/open.html",
        {
            "nav": "team",
            "team": team,
            "visits": selectors.open_visits(team, today=today),
            "offers": selectors.open_offers(team, today=today),
            "viewer_id": request.user.pk,
            "after": _last_team_event(team.pk),
        },
    )


# One visit -------------------------------------------------------------------------------------


def _visit_page(request: SignedInRequest, visit: Visit, **forms: Form) -> HttpResponse:
    today = local_today()
    members = list(team_members(visit.team))
    going = request.user.pk in visit.carer_ids
    context = {
        "nav": "team",
        "visit": visit,
        "team": visit.team,
        "going": going,
        "viewer_id": request.user.pk,
        "suggestions": continuity.carers_who_know(
            visit.person_id, team_id=visit.team_id, today=today, exclude=visit.carer_ids
        ),
        # What the team should know before the viewer takes this visit.
        "warnings": [] if going else visit_warnings(visit, carer=request.user),
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


def _visit_or_404(request: SignedInRequest, visit_id: int) -> Visit:
    visit = selectors.visit_for_member(request.user, visit_id)
    if visit is None:
        raise Http404
    return visit


@login_required
@require_GET
def visit_detail(request: SignedInRequest, visit_id: int) -> HttpResponse:
    return _visit_page(request, _visit_or_404(request, visit_id))


@login_required
@require_POST
def visit_claim(request: SignedInRequest, visit_id: int) -> HttpResponse:
    try:
        visit = services.visit_claim(actor=request.user, visit_id=visit_id)
    except ValidationError as error:
        _tell_refusal(request, error)
    else:
        messages.success(request, _("You are going. Thank you."))
        _tell_warnings(request, visit)
    return _back(request, reverse("rota_visit", args=[visit_id]))


@login_required
@require_POST
def visit_check_in(request: SignedInRequest, visit_id: int) -> HttpResponse:
    try:
        visit = services.visit_check_in(actor=request.user, visit_id=visit_id)
    except ValidationError as error:
        _tell_refusal(request, error)
    else:
        if services.shares_check_ins(visit.person):
            messages.success(request, _("Thank you. The family can see you are there."))
        else:
            messages.success(request, _("Thank you. The team can see you are there."))
    return _back(request, reverse("rota_my_week"))


@login_required
@require_POST
def visit_offer(request: SignedInRequest, visit_id: int) -> HttpResponse:
    visit = _visit_or_404(request, visit_id)
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
        _tell_refusal(request, error)
    else:
        messages.success(
            request, _("The visit is cancelled. You can undo this in the rota activity.")
        )
    return redirect("rota_visit", visit_id=visit_id)


@login_required
@require_POST
def visit_move(request: SignedInRequest, visit_id: int) -> HttpResponse:
    visit = _visit_or_404(request, visit_id)
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
def offer_accept(request: SignedInRequest, offer_id: int) -> HttpResponse:
    try:
        visit = services.offer_accept(actor=request.user, offer_id=offer_id)
    except ValidationError as error:
        _tell_refusal(request, error)
        return _back(request, reverse("rota_my_week"))
    messages.success(request, _("The visit is yours now. Thank you."))
    _tell_warnings(request, visit)
    return redirect("rota_visit", visit_id=visit.pk)


@login_required
@require_POST
def offer_withdraw(request: SignedInRequest, offer_id: int) -> HttpResponse:
    try:
        offer = services.offer_withdraw(actor=request.user, offer_id=offer_id)
    except ValidationError as error:
        _tell_refusal(request, error)
        return _back(request, reverse("rota_my_week"))
    messages.success(request, _("You took back your offer. You are still going."))
    return redirect("rota_visit", visit_id=offer.visit_id)


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
                if carer and visit.carer is not None:
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
    entries = list(
        Availability.objects.filter(team=team)
        .select_related("user")
        .order_by("user__display_name", "date", "weekday")
    )
    for entry in entries:
        # For the page only: the template shows it beside the entry.
        entry.weekday_name = WEEKDAYS[entry.weekday] if entry.weekday is not None else ""  # type: ignore[attr-defined]
    hours = (
        AgreedHours.objects.filter(
            membership__team=team, membership__user=request.user, membership__left_at__isnull=True
        )
        .values_list("weekly_hours", flat=True)
        .first()
    )
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
    request: SignedInRequest,
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
            _tell_refusal(request, error)
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


@login_required
@require_POST
def change_undo(request: SignedInRequest, change_id: int) -> HttpResponse:
    try:
        undo = services.change_undo(actor=request.user, change_id=change_id)
    except ValidationError as error:
        _tell_refusal(request, error)
        return _back(request, reverse("rota_my_week"))
    messages.success(request, _("Undone."))
    return redirect("rota_activity", team_id=undo.team_id)


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
            "has_feed": request.user.calendar_feeds.filter(revoked_at__isnull=True).exists(),
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

"""Rota pages for a week: my week, the team's week, and the visits nobody has taken."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from core.requests import SignedInRequest
from families.access import team_access_or_404
from frontend.views.rota.common import week_asked
from teams.rota import selectors, services
from teams.rota.clock import local_today
from teams.rota.today import latest_handovers
from teams.selectors import memberships_for_user

# My week ----------------------------------------------------------------------------------------


@login_required
@require_GET
def my_week(request: SignedInRequest) -> HttpResponse:
    start = week_asked(request)
    visits = selectors.my_week(request.user, start=start)
    now = timezone.now()
    handovers = latest_handovers({v.person_id for v in visits}, now=now)
    for visit in visits:
        visit.latest_handover = handovers.get(visit.person_id)  # type: ignore[attr-defined]  # for the template
        # "I'm with Jean now" only from shortly before the window until it ends.
        visit.check_in_open = services.check_in_open(visit, now=now)  # type: ignore[attr-defined]  # for the template
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


# The team's week ------------------------------------------------------------------------------


@login_required
@require_GET
def team_week(request: SignedInRequest, team_id: int) -> HttpResponse:
    team = team_access_or_404(request.user, team_id)
    start = week_asked(request)
    grid = selectors.team_week(team, start=start)
    today = local_today()
    day_lists = grid.day_lists()
    # This week opens on today: the days already gone are folded away above it.
    earlier = [d for d in day_lists if d.day < today] if start <= today else []
    return render(
        request,
        "frontend/rota/team_week.html",
        {
            # The menu's "Rota" opens this page.
            "nav": "rota",
            "team": team,
            "grid": grid,
            "earlier": earlier,
            "from_today": day_lists[len(earlier) :],
            "after": selectors.last_team_event_id(team.pk),
            "today": today,
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
            "after": selectors.last_team_event_id(team.pk),
        },
    )

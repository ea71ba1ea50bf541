"""The home page: a carer's Today; the person's own My day; everyone else, their people.

Thin on purpose: the reads are teams.rota.today's.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.requests import SignedInRequest
from families.access import current_team_ids
from families.selectors import own_record
from frontend.views.my_day import my_day
from frontend.views.people import my_people
from teams.rota.today import today_for


@login_required
@require_GET
def home(request: SignedInRequest) -> HttpResponse:
    # A team member opens Kith for their day; the person supported for their own day; a
    # daughter or a nurse for the people they are close to. Everyone is listed at /people/.
    if not current_team_ids(request.user).exists():
        person = own_record(request.user)
        if person is not None:
            return my_day(request, person)
        return my_people(request)
    return render(
        request,
        "frontend/today.html",
        {"today": today_for(request.user), "nav": "today"},
    )

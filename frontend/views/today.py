"""The home page: a carer's Today; everyone else keeps the list of their people.

Thin on purpose: the reads are teams.rota.today's.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.access import current_team_ids
from core.requests import SignedInRequest
from frontend.views.people import my_people
from teams.rota.today import today_for


@login_required
@require_GET
def home(request: SignedInRequest) -> HttpResponse:
    # A team member opens Kith for their day; a daughter, a nurse or the person for the
    # people they are close to, as before. The list of everyone stays at /people/.
    if not current_team_ids(request.user).exists():
        return my_people(request)
    return render(
        request,
        "frontend/today.html",
        {"today": today_for(request.user), "nav": "today"},
    )

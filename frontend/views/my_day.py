"""The person's own "My day": their home page, and the five faces that say how they feel.

Thin on purpose: the reads are teams.rota.my_day's, the write families.services'.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers

from core.ids import parse_id
from core.requests import SignedInRequest
from core.services import user_set_larger_text
from families import services
from families.models import Note, Person
from families.selectors import own_record
from teams.rota.my_day import my_day_for

TEMPLATE = "frontend/my_day.html"


def _faces() -> list[tuple[int, str]]:
    """The five faces, happiest first, each with its word (drawn by components/face.html)."""
    return [(int(value), str(label)) for value, label in reversed(Note.Wellbeing.choices)]


def _context(person: Person) -> dict[str, Any]:
    return {
        "day": my_day_for(person),
        "person": person,
        "faces": _faces(),
        # Made here for pages without scripts; the page script gives each form a new one.
        "client_key": uuid.uuid4(),
        "nav": "my_day",
    }


def my_day(request: HttpRequest, person: Person) -> HttpResponse:
    """Called by the home page for someone who has their own record."""
    return render(request, TEMPLATE, _context(person))


@login_required
@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def feeling_share(request: SignedInRequest) -> HttpResponse:
    if request.method == "GET":
        # Signing in again after the session ended comes back here: to My day, to choose again.
        return redirect("home")
    person = own_record(request.user)
    if person is None:
        raise Http404
    problem = ""
    try:
        services.person_share_feeling(
            actor=request.user,
            wellbeing=parse_id(request.POST.get("wellbeing")),
            client_key=request.POST.get("client_key") or None,
        )
    except ValidationError as error:
        problem = " ".join(error.messages)
    if request.htmx:
        # Only the faces are swapped: the answer, or what went wrong, shows beside them.
        context = {**_context(person), "problem": problem, "thanked": not problem}
        return render(request, f"{TEMPLATE}#feeling", context)
    if problem:
        messages.error(request, problem)
    else:
        messages.success(request, _("Thank you for telling us."))
    return redirect("home")


@login_required
@require_http_methods(["GET", "POST"])
def text_size(request: SignedInRequest) -> HttpResponse:
    """The "Larger text" switch: a plain POST, saved on the account, back to the same page."""
    if request.method == "GET":
        return redirect("home")  # after signing in again, never a "method not allowed"
    user_set_larger_text(user=request.user, larger=request.POST.get("larger") == "on")
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = "home"
    return redirect(back)

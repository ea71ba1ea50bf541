"""A person's goals (outcomes) and how each is going: thin views over families services."""

from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.audit import ReadChannel, record_read
from core.requests import SignedInRequest
from families import services
from families.access import outcome_access_or_404, person_access_or_404
from families.models import Outcome
from families.outcome_progress import progress_by_week, progress_svg
from families.timeline import visible_notes, with_everything_shown
from frontend.forms.timeline import OutcomeForm, spoken_to_self
from frontend.views.writes import form_write, posted


def _language_if_reworded(outcome: Outcome, data: dict) -> str | None:
    """New words are in the page's language; a goal only marked achieved keeps its own."""
    given = (data.get("title", outcome.title), data.get("who_helps", outcome.who_helps))
    return translation.get_language() if given != (outcome.title, outcome.who_helps) else None


@login_required
@require_http_methods(["GET", "POST"])
def outcome_list(request: SignedInRequest, person_id: int) -> HttpResponse:
    access = person_access_or_404(request.user, person_id)
    record_read(reader=request.user, access=access, channel=ReadChannel.PAGE)
    form = None
    if access.can_edit_profile:
        form = spoken_to_self(OutcomeForm(posted(request)), access)
        if request.method == "POST" and form_write(
            request,
            form,
            lambda data: services.outcome_create(
                actor=request.user,
                person_id=access.person.pk,
                language=translation.get_language(),
                **data,
            ),
            said=_("The goal is added."),
        ):
            return redirect("outcome_list", person_id=access.person.pk)
    elif request.method == "POST":
        raise Http404
    return render(
        request,
        "frontend/timeline/outcomes.html",
        {
            "person": access.person,
            "access": access,
            "outcomes": list(access.person.outcomes.all()),
            "form": form,
            "nav": "people",
        },
        status=422 if form is not None and form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def outcome_detail(request: SignedInRequest, outcome_id: int) -> HttpResponse:
    found = outcome_access_or_404(request.user, outcome_id)
    outcome, access = found.outcome, found.access
    record_read(reader=request.user, access=access, channel=ReadChannel.PAGE)
    form = None
    if access.can_edit_profile:
        initial = {"title": outcome.title, "who_helps": outcome.who_helps, "status": outcome.status}
        form = spoken_to_self(OutcomeForm(posted(request), initial=initial), access)
        if request.method == "POST" and form_write(
            request,
            form,
            lambda data: services.outcome_update(
                actor=request.user,
                outcome_id=outcome.pk,
                language=_language_if_reworded(outcome, data),
                **data,
            ),
            said=_("Saved. Thank you."),
        ):
            return redirect("outcome_detail", outcome_id=outcome.pk)
    elif request.method == "POST":
        raise Http404
    notes = list(
        with_everything_shown(visible_notes(access).filter(outcomes=outcome)).order_by(
            "-created_at", "-id"
        )[:50]
    )
    weeks = progress_by_week(access, outcome)
    return render(
        request,
        "frontend/timeline/outcome.html",
        {
            "outcome": outcome,
            "person": access.person,
            "access": access,
            "viewer_id": request.user.pk,
            "notes": notes,
            "form_key": uuid.uuid4(),
            "weeks": weeks,
            "chart": progress_svg(weeks, title=_("Notes marking progress, week by week")),
            "form": form,
            "nav": "people",
        },
        status=422 if form is not None and form.errors else 200,
    )

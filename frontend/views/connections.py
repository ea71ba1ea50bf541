"""A person's community connections: linking directory entries to their interests and goals,
explained suggestions, suggestions from the circle, and moments about a connection."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.audit import ReadChannel, record_read
from core.requests import SignedInRequest
from families.access import PersonAccess, person_access_or_404
from frontend.directory_forms import ConnectionForm, MomentForm, SuggestionForm
from frontend.forms import add_service_errors
from teams.directory import selectors, services
from teams.directory.access import connection_access_or_404


def connection_form(access: PersonAccess, data: object = None) -> ConnectionForm:
    entries = [(e.pk, e.name) for e in selectors.entries_linkable(access)]
    outcomes = [(o.pk, o.title) for o in access.person.outcomes.all()]
    return ConnectionForm(data, entries=entries, outcomes=outcomes)


@login_required
@require_http_methods(["GET", "POST"])
def person_connections(request: SignedInRequest, person_id: int) -> HttpResponse:
    access = person_access_or_404(request.user, person_id)
    record_read(reader=request.user, access=access, channel=ReadChannel.PAGE)
    form = None
    if access.is_team:
        form = connection_form(access, request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                services.connection_create(
                    actor=request.user,
                    person_id=access.person.pk,
                    entry_id=form.cleaned_data["entry"],
                    interest=form.cleaned_data["interest"],
                    outcome_id=form.cleaned_data["outcome"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Connected. Thank you."))
                return redirect("person_connections", person_id=access.person.pk)
    elif request.method == "POST":
        raise Http404
    return render(
        request,
        "frontend/directory/connections.html",
        {
            "access": access,
            "person": access.person,
            "connections": selectors.person_connections(access),
            "suggestions": selectors.person_suggestions(access, limit=5),
            "form": form,
            "nav": "people",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def connection_suggest(request: SignedInRequest, person_id: int) -> HttpResponse:
    access = person_access_or_404(request.user, person_id)
    form = SuggestionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.entry_suggest(
                actor=request.user, person_id=access.person.pk, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Thank you. The team will look at your suggestion before anyone else sees it."),
            )
            return redirect("person", person_id=access.person.pk)
    return render(
        request,
        "frontend/directory/suggest.html",
        {"access": access, "person": access.person, "form": form, "nav": "people"},
    )


@login_required
@require_POST
def connection_moment(request: SignedInRequest, connection_id: int) -> HttpResponse:
    connection, access = connection_access_or_404(request.user, connection_id)
    form = MomentForm(request.POST)
    if form.is_valid():
        try:
            services.moment_create(
                actor=request.user,
                connection_id=connection.pk,
                body=form.cleaned_data["body"],
                language=translation.get_language(),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Thank you: the moment is on the timeline."))
    else:
        messages.error(request, _("Please write what happened."))
    return redirect("person_connections", person_id=access.person.pk)


@login_required
@require_POST
def connection_remove(request: SignedInRequest, connection_id: int) -> HttpResponse:
    connection, access = connection_access_or_404(request.user, connection_id)
    if not access.is_team:
        raise Http404
    services.connection_remove(actor=request.user, connection_id=connection.pk)
    messages.success(request, _("No longer connected."))
    return redirect("person_connections", person_id=access.person.pk)

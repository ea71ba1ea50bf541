"""The team's neighbourhood directory: the list with search, adding and changing entries,
micro-providers' checks, suggestions to confirm, the gentle "no community contact" list,
and the directory as a spreadsheet and a calendar feed."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.requests import SignedInRequest
from frontend.directory_forms import CheckForm, EntryForm, SearchForm
from frontend.forms import add_service_errors
from teams.directory import selectors, services
from teams.directory.access import (
    directory_team_or_404,
    entry_access_or_404,
    entry_team_access_or_404,
)
from teams.directory.ical import directory_calendar
from teams.models import DirectoryEntry


def spreadsheet_safe(value: object) -> str:
    """Spreadsheets run cells that start with these as formulas; make them plain text."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def is_duplicate(error: ValidationError) -> bool:
    errors = getattr(error, "error_dict", {}).get("name", [])
    return any(e.code == "duplicate" for e in errors)


@login_required
def directory_list(request: SignedInRequest, team_id: int) -> HttpResponse:
    team = directory_team_or_404(request.user, team_id)
    search = SearchForm(request.GET or None)
    criteria = search.cleaned_data if search.is_valid() else {}
    page = selectors.directory_for_team(team=team, **criteria)
    return render(
        request,
        "frontend/directory/list.html",
        {
            "team": team,
            "search": search,
            "searched": any(criteria.values()),
            "page": page,
            "nav": "directory",
        },
    )


def _entry_form_page(
    request: HttpRequest, *, form: EntryForm, team_id: int, entry: DirectoryEntry | None
) -> HttpResponse:
    return render(
        request,
        "frontend/directory/entry_form.html",
        {
            "form": form,
            "team_id": team_id,
            "entry": entry,
            "duplicate": "duplicate_ok" in form.errors,
            "duplicates": selectors.entry_duplicates(
                team_id=team_id,
                name=form.data.get("name", ""),
                exclude_id=entry.pk if entry else None,
            )
            if "duplicate_ok" in form.errors
            else [],
            "nav": "directory",
        },
    )


def _save_entry(
    request: SignedInRequest, form: EntryForm, *, team_id: int, entry: DirectoryEntry | None
) -> DirectoryEntry | None:
    values = form.entry_values()
    duplicate_ok = form.cleaned_data.get("duplicate_ok", False)
    try:
        if entry is None:
            return services.entry_create(
                actor=request.user, team_id=team_id, duplicate_ok=duplicate_ok, **values
            )
        return services.entry_update(
            actor=request.user, entry_id=entry.pk, duplicate_ok=duplicate_ok, **values
        )
    except ValidationError as error:
        add_service_errors(form, error)
        if is_duplicate(error):
            form.add_error(
                "duplicate_ok",
                _("If it really is a different one, tick this and add it again."),
            )
        return None


@login_required
@require_http_methods(["GET", "POST"])
def directory_add(request: SignedInRequest, team_id: int) -> HttpResponse:
    team = directory_team_or_404(request.user, team_id)
    form = EntryForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        entry = _save_entry(request, form, team_id=team.pk, entry=None)
        if entry is not None:
            messages.success(request, _("Added to the directory. Thank you."))
            return redirect("directory_entry", entry_id=entry.pk)
    return _entry_form_page(request, form=form, team_id=team.pk, entry=None)


@login_required
@require_http_methods(["GET", "POST"])
def directory_edit(request: SignedInRequest, entry_id: int) -> HttpResponse:
    access = entry_team_access_or_404(request.user, entry_id)
    entry = access.entry
    if request.method == "POST":
        form = EntryForm(request.POST)
        if form.is_valid():
            saved = _save_entry(request, form, team_id=entry.team_id, entry=entry)
            if saved is not None:
                messages.success(request, _("Saved. Thank you."))
                return redirect("directory_entry", entry_id=entry.pk)
    else:
        form = EntryForm(initial={name: getattr(entry, name) for name in services.ENTRY_FIELDS})
    return _entry_form_page(request, form=form, team_id=entry.team_id, entry=entry)


@login_required
def directory_entry(request: SignedInRequest, entry_id: int) -> HttpResponse:
    access = entry_access_or_404(request.user, entry_id)
    entry = access.entry
    checks = list(entry.checks.all())
    return render(
        request,
        "frontend/directory/entry.html",
        {
            "access": access,
            "entry": entry,
            "checks": checks,
            "checks_due": selectors.checks_due(entry),
            "needs_check": selectors.needs_a_check(entry),
            "check_form": CheckForm(initial={"last_confirmed": timezone.localdate()})
            if access.is_team and entry.kind == DirectoryEntry.Kind.MICRO_PROVIDER
            else None,
            "history": selectors.entry_history(access),
            "people": selectors.entry_people(access),
            "nav": "directory",
        },
    )


@login_required
@require_POST
def directory_confirm(request: SignedInRequest, entry_id: int) -> HttpResponse:
    access = entry_team_access_or_404(request.user, entry_id)
    services.entry_confirm(actor=request.user, entry_id=access.entry.pk)
    messages.success(request, _("Confirmed: it is in the directory for everyone now."))
    return redirect("directory_entry", entry_id=access.entry.pk)


@login_required
@require_POST
def directory_check(request: SignedInRequest, entry_id: int) -> HttpResponse:
    access = entry_team_access_or_404(request.user, entry_id)
    form = CheckForm(request.POST)
    if form.is_valid():
        try:
            services.check_confirm(
                actor=request.user, entry_id=access.entry.pk, **form.cleaned_data
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The check is written down. Thank you."))
    else:
        messages.error(request, _("Please choose the check and the day it was confirmed."))
    return redirect("directory_entry", entry_id=access.entry.pk)


@login_required
def directory_quiet(request: SignedInRequest, team_id: int) -> HttpResponse:
    team = directory_team_or_404(request.user, team_id)
    return render(
        request,
        "frontend/directory/quiet.html",
        {"team": team, "people": selectors.quiet_people(team=team), "nav": "directory"},
    )


@login_required
def directory_csv(request: SignedInRequest, team_id: int) -> HttpResponse:
    team = directory_team_or_404(request.user, team_id)
    page = selectors.directory_for_team(team=team)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="directory-{team.pk}-{stamp}.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            _("Name"),
            _("Kind"),
            _("What it is"),
            _("When"),
            _("Where"),
            _("Postcode"),
            _("How to get there"),
            _("Step-free"),
            _("Hearing loop"),
            _("Transport"),
            _("Cost"),
            _("Contact"),
            _("Interests it suits"),
            _("Needs a check"),
        ]
    )
    yes, no = _("yes"), _("no")
    # Entries only: who goes is never in the spreadsheet.
    for entry in page.entries:
        writer.writerow(
            [
                spreadsheet_safe(value)
                for value in (
                    entry.name,
                    entry.get_kind_display(),
                    entry.what,
                    entry.when_text,
                    entry.where,
                    entry.postcode,
                    entry.getting_there,
                    yes if entry.step_free else no,
                    yes if entry.hearing_loop else no,
                    entry.transport,
                    entry.cost,
                    entry.contact,
                    entry.keywords,
                    yes if entry.needs_check else no,  # type: ignore[attr-defined]
                )
            ]
        )
    return response


@login_required
def directory_ics(request: SignedInRequest, team_id: int) -> HttpResponse:
    team = directory_team_or_404(request.user, team_id)
    body = directory_calendar(
        selectors.regular_activities(team=team),
        name=_("%(team)s: regular activities") % {"team": team.name},
        domain=request.get_host().split(":")[0],
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="directory-{team.pk}.ics"'
    return response

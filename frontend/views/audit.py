import csv

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.audit import (
    audit_for_person,
    audit_record,
    can_read_trail,
    trail_details_text,
    trail_entry_view,
)
from core.models import AuditEntry
from core.requests import SignedInRequest
from core.text import spreadsheet_safe
from families.access import PersonAccess, person_access_or_404


class TrailFilter(forms.Form):
    action = forms.ChoiceField(
        label=gettext_lazy("What happened"),
        required=False,
        choices=[("", gettext_lazy("Everything")), *AuditEntry.Action.choices],
    )
    since = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


def _trail(
    request: SignedInRequest, person_id: int
) -> tuple[PersonAccess, TrailFilter, QuerySet[AuditEntry]]:
    access = person_access_or_404(request.user, person_id)
    if not can_read_trail(access):
        raise Http404
    form = TrailFilter(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    entries = audit_for_person(
        person_id=person_id,
        action=filters.get("action", ""),
        since=filters.get("since"),
        until=filters.get("until"),
    )
    return access, form, entries


@login_required
def audit_trail(request: SignedInRequest, person_id: int) -> HttpResponse:
    access, form, entries = _trail(request, person_id)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    lines = [_line(entry, access) for entry in page]
    return render(
        request,
        "frontend/audit.html",
        {
            "person": access.person,
            "form": form,
            "page": page,
            "lines": lines,
            "query": query.urlencode(),
        },
    )


def _line(entry: AuditEntry, access: PersonAccess) -> dict:
    shown = trail_entry_view(entry, access)
    return {
        **shown,
        "who": shown["actor_name"] or _("Someone signed out"),
        "details": trail_details_text(shown["detail"]),
    }


@login_required
def audit_trail_csv(request: SignedInRequest, person_id: int) -> HttpResponse:
    access, _form, entries = _trail(request, person_id)
    audit_record(
        actor=request.user,
        action=AuditEntry.Action.EXPORTED,
        person_id=person_id,
        target="audit-trail",
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y-%m-%d")
    response["Content-Disposition"] = f'attachment; filename="record-log-{person_id}-{stamp}.csv"'
    writer = csv.writer(response)
    # The same columns as the page's lines, from the same projection: nothing more.
    writer.writerow([_("When"), _("Who"), _("What"), _("Details")])
    for entry in entries.iterator():
        line = _line(entry, access)
        writer.writerow(
            [
                timezone.localtime(line["created_at"]).isoformat(timespec="seconds"),
                spreadsheet_safe(line["who"]),
                spreadsheet_safe(line["action_label"]),
                spreadsheet_safe(line["details"]),
            ]
        )
    return response

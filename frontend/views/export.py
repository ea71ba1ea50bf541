"""A copy of someone's whole record: asked for, then downloaded, by the person or their
coordinator. Thin views over families.services.export."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.requests import SignedInRequest
from families.access import person_access_or_404
from families.services import export as export_services


@login_required
@require_http_methods(["GET", "POST"])
def record_export(request: SignedInRequest, person_id: int) -> HttpResponse:
    exports = export_services.record_exports_for(actor=request.user, person_id=person_id)
    access = person_access_or_404(request.user, person_id)
    if request.method == "POST":
        export_services.record_export_request(actor=request.user, person_id=person_id)
        messages.success(
            request, _("We are making the copy now. It is usually ready in a minute or two.")
        )
        return redirect("record_export", person_id=person_id)
    return render(
        request,
        "frontend/export/request.html",
        {"person": access.person, "access": access, "exports": exports, "nav": "people"},
    )


@login_required
@require_GET
def record_export_download(request: SignedInRequest, export_id: int) -> FileResponse:
    export = export_services.record_export_for_download(actor=request.user, export_id=export_id)
    try:
        handle = export.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    day = timezone.localtime(export.finished_at or export.created_at).date().isoformat()
    # No name in the file name: it may sit in a shared Downloads folder.
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"kith-record-{day}.zip",
        content_type="application/zip",
    )
    response["Cache-Control"] = "private, no-store"
    return response

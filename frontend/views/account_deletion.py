"""Asking for one's own account to be deleted. `manage.py apply_retention` does it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from core.requests import SignedInRequest
from families.models import AccountDeletionRequest
from families.services.retention import account_deletion_request


@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request: SignedInRequest) -> HttpResponse:
    problem = ""
    if request.method == "POST":
        try:
            account_deletion_request(actor=request.user)
        except ValidationError as error:
            problem = " ".join(error.messages)
    asked = AccountDeletionRequest.objects.filter(user=request.user, done_at__isnull=True).exists()
    return render(
        request,
        "frontend/account_delete.html",
        {"asked": asked, "problem": problem, "nav": "profile"},
        status=422 if problem else 200,
    )

from typing import Any

from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm
from django.contrib.auth.views import LoginView, LogoutView, PasswordResetConfirmView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from core import second_factor
from core.audit import audit_record
from core.models import AuditEntry
from core.realtime import session_changed, session_ended
from frontend.forms import SignInForm


class SignInView(LoginView):
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        user = form.get_user()
        if second_factor.needs_second_factor(user):
            # Not signed in yet: the code comes first (core/second_factor.py).
            second_factor.pending_start(self.request, user, next_url=self.get_success_url())
            if second_factor.confirmed_device(user) is None:
                return redirect("second_factor_setup")
            return redirect("second_factor_code")
        response = super().form_valid(form)
        audit_record(actor=user, action=AuditEntry.Action.SIGNED_IN)
        return response


class SignOutView(LogoutView):
    """Signing out also closes every live page opened under this session."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        session_key = request.session.session_key
        user = request.user if request.user.is_authenticated else None
        response = super().post(request, *args, **kwargs)
        if user is not None:
            audit_record(actor=user, action=AuditEntry.Action.SIGNED_OUT)
        if session_key:
            session_ended(session_key=session_key)
        # A shared phone keeps nothing: saved pages, the outbox, the service worker.
        response["Clear-Site-Data"] = '"cache", "storage"'
        return response


class PasswordResetConfirm(PasswordResetConfirmView):
    """A new password ends every other session: their open pages are closed at once."""

    def form_valid(self, form: SetPasswordForm) -> HttpResponse:
        response = super().form_valid(form)
        session_changed(user_id=form.user.pk)
        return response

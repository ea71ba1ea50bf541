"""The second step at sign-in (a code from an app), setting the app up, and the team's rule.

Thin views over core.second_factor. The code and setup pages answer to a pending sign-in
(password given, not yet signed in) or, for setup and turning off, to a signed-in member.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from core import second_factor
from core.access import current_team_ids, team_access_or_404
from core.models import TeamSignInPolicy


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("The 6-digit code from your app"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}
        ),
        error_messages={"required": gettext_lazy("Please type the code from your app.")},
    )


class TeamRuleForm(forms.Form):
    require_second_factor = forms.TypedChoiceField(
        label=gettext_lazy("Must everyone in the team use a code from an app to sign in?"),
        choices=[
            ("yes", gettext_lazy("Yes, everyone")),
            ("no", gettext_lazy("No, each person chooses")),
        ],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Please choose one.")},
    )


def _restart(request: HttpRequest) -> HttpResponse:
    messages.error(request, _("Please sign in again."))
    return redirect("login")


@require_http_methods(["GET", "POST"])
def code(request: HttpRequest) -> HttpResponse:
    pending = second_factor.pending_get(request)
    if pending is None:
        return _restart(request)
    if second_factor.confirmed_device(pending.user) is None:
        return redirect("second_factor_setup")
    form = CodeForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        device = second_factor.code_check(pending.user, form.cleaned_data["code"])
        if device is not None:
            second_factor.pending_finish(request, pending, device)
            return redirect(pending.next_url)
        if second_factor.pending_failed(request):
            return _restart(request)
        form.add_error("code", _("That code did not match. Please try the newest one."))
    return render(
        request,
        "frontend/second_factor/code.html",
        {"form": form},
        status=422 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    """Set up the app: during a sign-in the team requires it for, or by choice when signed in."""
    pending = second_factor.pending_get(request)
    if pending is not None:
        user = pending.user
    elif request.user.is_authenticated:
        if not current_team_ids(request.user).exists():
            raise Http404  # for team members: families and the person sign in as before
        user = request.user
    else:
        return _restart(request)
    device = second_factor.device_for_setup(user)
    form = CodeForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        confirmed = second_factor.device_confirm(user, form.cleaned_data["code"])
        if confirmed is not None:
            if pending is not None:
                second_factor.pending_finish(request, pending, confirmed)
                return redirect(pending.next_url)
            messages.success(request, _("Done. From now on you will be asked for a code."))
            return redirect("second_factor_setup")
        if pending is not None and second_factor.pending_failed(request):
            return _restart(request)
        form.add_error("code", _("That code did not match. Please try the newest one."))
    return render(
        request,
        "frontend/second_factor/setup.html",
        {
            "form": form,
            "secret": second_factor.device_secret(device),
            "app_link": device.config_url,
            "during_sign_in": pending is not None,
            "in_use": pending is None and second_factor.confirmed_device(user) is not None,
            "required": second_factor.team_requires_second_factor(user),
        },
        status=422 if form.errors else 200,
    )


@login_required
@require_POST
def turn_off(request: HttpRequest) -> HttpResponse:
    if second_factor.second_factor_turn_off(actor=request.user):
        messages.success(request, _("Codes are turned off. You sign in with your password alone."))
    else:
        messages.error(request, _("Your team asks everyone to use a code, so it stays on."))
    return redirect("second_factor_setup")


@login_required
@require_http_methods(["GET", "POST"])
def team_rule(request: HttpRequest, team_id: int) -> HttpResponse:
    team = team_access_or_404(request.user, team_id)
    policy = TeamSignInPolicy.objects.filter(team=team).first()
    current = "yes" if policy and policy.require_second_factor else "no"
    form = TeamRuleForm(
        request.POST if request.method == "POST" else None,
        initial={"require_second_factor": current},
    )
    if form.is_valid():
        second_factor.team_require_second_factor(
            actor=request.user,
            team_id=team.pk,
            required=form.cleaned_data["require_second_factor"],
        )
        messages.success(request, _("Saved. It applies from each person's next sign-in."))
        return redirect("team_sign_in_rule", team_id=team.pk)
    return render(
        request,
        "frontend/second_factor/team_rule.html",
        {"team": team, "form": form, "nav": "team"},
        status=422 if form.errors else 200,
    )

"""The second step at sign-in (a code from an app, or a recovery code), setting the app up, and
the team's rule.

Thin views over core.second_factor. The code and recovery pages answer to a pending sign-in
(password given, not yet signed in); the setup page to a pending sign-in only for an account
whose team requires an app and that has none yet, and otherwise to a signed-in member, who
must give the current code to replace the app, turn codes off or make new recovery codes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from core import recovery_codes, second_factor
from core.models import User
from core.requests import SignedInRequest
from families.access import current_team_ids, team_access_or_404
from teams import sign_in

if TYPE_CHECKING:
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from django_stubs_ext import StrOrPromise

WRONG_CODE = gettext_lazy("That code did not match. Please try the newest one.")
PAUSED = gettext_lazy("Too many codes did not match. Please try again in a few minutes.")
WRONG_PROOF = gettext_lazy(
    "That did not match. Please type the newest code from your app, or a recovery code."
)


def _code_field(label: StrOrPromise, *, autofocus: bool = True) -> forms.CharField:
    attrs: dict[str, str | bool] = {"inputmode": "numeric", "autocomplete": "one-time-code"}
    if autofocus:
        attrs["autofocus"] = True
    return forms.CharField(
        label=label,
        max_length=40,
        widget=forms.TextInput(attrs=attrs),
        error_messages={"required": gettext_lazy("Please type the code from your app.")},
    )


def _proof_field() -> forms.CharField:
    return forms.CharField(
        label=gettext_lazy("A code from the app you use now, or one of your recovery codes"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autocapitalize": "off"}),
        error_messages={
            "required": gettext_lazy("Please type a code from your app, or a recovery code.")
        },
    )


class CodeForm(forms.Form):
    code = _code_field(gettext_lazy("The 6-digit code from your app"))


class RecoveryForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("One of your recovery codes"),
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "off", "autofocus": True}
        ),
        error_messages={"required": gettext_lazy("Please type one of your recovery codes.")},
    )


class ProofForm(forms.Form):
    proof = _proof_field()


class ReplaceForm(forms.Form):
    proof = _proof_field()
    code = _code_field(gettext_lazy("The 6-digit code from the new app"), autofocus=False)


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


def _ended(request: HttpRequest, user: User) -> HttpResponse:
    """The attempt is over: paused for a while after too many wrong codes, or start again."""
    second_factor.pending_end(request)
    if getattr(request, "axes_locked_out", False) or not second_factor.guesses_allowed(
        request, user
    ):
        return second_factor.paused_response(request, user)
    return _restart(request)


def _posted(request: HttpRequest) -> dict | None:
    return request.POST if request.method == "POST" else None


def _recovery_codes_page(request: HttpRequest, codes: list[str], continue_url: str) -> HttpResponse:
    # Shown in the answer to the POST that made them, never stored as they are: reloading
    # cannot show them again, and nothing keeps a readable copy.
    return render(
        request,
        "frontend/second_factor/recovery_codes.html",
        {"codes": codes, "continue_url": continue_url},
    )


def _signed_in_member(request: HttpRequest) -> User:
    user = request.user
    # Callers are signed in already; the first check only says so to the type checker.
    if not user.is_authenticated or not current_team_ids(user).exists():
        raise Http404  # for team members: families and the person sign in as before
    return user


@require_http_methods(["GET", "POST"])
def code(request: HttpRequest) -> HttpResponse:
    pending = second_factor.pending_get(request)
    if pending is None:
        return _restart(request)
    if second_factor.confirmed_device(pending.user) is None:
        if second_factor.pending_may_set_up(pending):
            return redirect("second_factor_setup")
        # Codes were turned off since the password was given: start afresh.
        second_factor.pending_end(request)
        return _restart(request)
    if not second_factor.guesses_allowed(request, pending.user):
        return _ended(request, pending.user)
    form = CodeForm(_posted(request))
    if form.is_valid():
        device = second_factor.code_check(pending.user, form.cleaned_data["code"])
        if device is not None:
            second_factor.pending_finish(request, pending, device=device)
            return redirect(pending.next_url)
        if second_factor.pending_failed(request, pending):
            return _ended(request, pending.user)
        form.add_error("code", WRONG_CODE)
    return render(
        request,
        "frontend/second_factor/code.html",
        {"form": form},
        status=422 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def recovery(request: HttpRequest) -> HttpResponse:
    """Sign in with a recovery code instead of the app, for a lost or broken phone."""
    pending = second_factor.pending_get(request)
    if pending is None:
        return _restart(request)
    if not second_factor.guesses_allowed(request, pending.user):
        return _ended(request, pending.user)
    form = RecoveryForm(_posted(request))
    if form.is_valid():
        if recovery_codes.use(user=pending.user, code=form.cleaned_data["code"]):
            second_factor.pending_finish(request, pending, device=None, recovery=True)
            left = recovery_codes.left(pending.user)
            messages.success(
                request,
                ngettext(
                    "You are signed in. You have %(left)s recovery code left. If your phone "
                    "is lost, set up the app on your new phone now.",
                    "You are signed in. You have %(left)s recovery codes left. If your phone "
                    "is lost, set up the app on your new phone now.",
                    left,
                )
                % {"left": left},
            )
            if not current_team_ids(pending.user).exists():
                return redirect(pending.next_url)  # the setup page is for team members
            return redirect("second_factor_setup")
        if second_factor.pending_failed(request, pending):
            return _ended(request, pending.user)
        form.add_error(
            "code", _("That is not one of your recovery codes, or it has been used already.")
        )
    return render(
        request,
        "frontend/second_factor/recovery.html",
        {"form": form},
        status=422 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    """Set up the app: during a sign-in the team requires it for, or by choice when signed in."""
    pending = second_factor.pending_get(request)
    if pending is not None:
        if not second_factor.pending_may_set_up(pending):
            # Only the password so far: the existing app is asked for, nothing is shown here.
            if second_factor.confirmed_device(pending.user) is not None:
                return redirect("second_factor_code")
            second_factor.pending_end(request)
            return _restart(request)
        return _setup_first_app(request, pending.user, pending=pending)
    if not request.user.is_authenticated:
        return _restart(request)
    user = _signed_in_member(request)
    if second_factor.confirmed_device(user) is None:
        return _setup_first_app(request, user, pending=None)
    return _replace_app(request, user)


def _setup_first_app(
    request: HttpRequest, user: User, *, pending: second_factor.Pending | None
) -> HttpResponse:
    if pending is not None and not second_factor.guesses_allowed(request, user):
        return _ended(request, user)
    device = second_factor.device_for_setup(user)
    form = CodeForm(_posted(request))
    if form.is_valid():
        enrolled = second_factor.device_enrol(user=user, code=form.cleaned_data["code"])
        if enrolled is not None:
            if pending is not None:
                second_factor.pending_finish(request, pending, device=enrolled.device)
                return _recovery_codes_page(request, enrolled.recovery_codes, pending.next_url)
            messages.success(request, _("Done. From now on you will be asked for a code."))
            return _recovery_codes_page(
                request, enrolled.recovery_codes, reverse("second_factor_setup")
            )
        if pending is not None and second_factor.pending_failed(request, pending):
            return _ended(request, user)
        form.add_error("code", WRONG_CODE)
    return _setup_page(request, user, form=form, device=device, pending=pending)


def _replace_app(request: HttpRequest, user: User) -> HttpResponse:
    device = second_factor.device_for_setup(user)
    form = ReplaceForm(_posted(request))
    if form.is_valid():
        if not second_factor.guesses_allowed(request, user):
            form.add_error(None, PAUSED)
        elif second_factor.device_replace(
            actor=user, proof=form.cleaned_data["proof"], code=form.cleaned_data["code"]
        ):
            messages.success(request, _("Done. From now on your codes come from the new app."))
            return redirect("second_factor_setup")
        else:
            second_factor.guess_failed(request, user)
            form.add_error(None, WRONG_PROOF)
    return _setup_page(request, user, form=form, device=device, pending=None)


def _setup_page(
    request: HttpRequest,
    user: User,
    *,
    form: forms.Form,
    device: TOTPDevice,
    pending: second_factor.Pending | None,
) -> HttpResponse:
    in_use = pending is None and second_factor.confirmed_device(user) is not None
    return render(
        request,
        "frontend/second_factor/setup.html",
        {
            "form": form,
            "secret": second_factor.device_secret(device),
            "app_link": device.config_url,
            "during_sign_in": pending is not None,
            "in_use": in_use,
            "required": second_factor.second_factor_required(user),
            "recovery_codes_left": recovery_codes.left(user) if in_use else None,
            "off_form": ProofForm(prefix="off") if in_use else None,
        },
        status=422 if form.errors else 200,
    )


@login_required
@require_POST
def turn_off(request: SignedInRequest) -> HttpResponse:
    form = ProofForm(request.POST, prefix="off")
    proof = form.cleaned_data["proof"] if form.is_valid() else ""
    if not second_factor.guesses_allowed(request, request.user):
        messages.error(request, PAUSED)
        return redirect("second_factor_setup")
    result = second_factor.second_factor_turn_off(actor=request.user, proof=proof)
    if result.done:
        messages.success(request, _("Codes are turned off. You sign in with your password alone."))
    elif result.team_requires:
        messages.error(request, _("Your team asks everyone to use a code, so it stays on."))
    else:
        if proof:
            second_factor.guess_failed(request, request.user)
        messages.error(
            request,
            _("Codes stay on. To turn them off, please type the newest code from your app."),
        )
    return redirect("second_factor_setup")


@login_required
@require_http_methods(["GET", "POST"])
def recovery_codes_new(request: SignedInRequest) -> HttpResponse:
    """Make a new set of recovery codes (the old ones stop working). Needs the current code."""
    user = _signed_in_member(request)
    if second_factor.confirmed_device(user) is None:
        return redirect("second_factor_setup")
    form = ProofForm(_posted(request))
    if form.is_valid():
        if not second_factor.guesses_allowed(request, user):
            form.add_error(None, PAUSED)
        else:
            codes = second_factor.recovery_codes_renew(actor=user, proof=form.cleaned_data["proof"])
            if codes is not None:
                return _recovery_codes_page(request, codes, reverse("second_factor_setup"))
            second_factor.guess_failed(request, user)
            form.add_error("proof", WRONG_PROOF)
    return render(
        request,
        "frontend/second_factor/recovery_codes_new.html",
        {"form": form, "left": recovery_codes.left(user)},
        status=422 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def team_rule(request: SignedInRequest, team_id: int) -> HttpResponse:
    team = team_access_or_404(request.user, team_id)
    policy = sign_in.team_sign_in_policy(team_id=team.pk)
    current = "yes" if policy and policy.require_second_factor else "no"
    form = TeamRuleForm(
        request.POST if request.method == "POST" else None,
        initial={"require_second_factor": current},
    )
    if form.is_valid():
        sign_in.team_require_second_factor(
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

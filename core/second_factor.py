"""An optional second step at sign-in for team members: a code from an authenticator app (TOTP,
with django-otp), which a team may require of all its members, and single-use recovery codes
for the day the phone is lost.

Nobody is signed in until both steps pass: after the password, the session holds only a
"pending" note naming the account, so pages, the API and sockets all still see a visitor.
Someone who has only the password must get no further than that: a pending sign-in may set up
an app only for an account that has none yet (its team requires one), and never replaces or
removes one. Replacing the app, turning codes off and making new recovery codes all need a
code from the current app or a recovery code, even in a signed-in session.

Whether anyone must use a second factor is partly the team's rule (teams.sign_in), which
core may not import: the teams app registers it here when it loads (``register_requirement``).

Every wrong code counts with django-axes as a failed sign-in for the account, like a wrong
password: starting the sign-in again brings no fresh guesses, and the account pauses after
AXES_FAILURE_LIMIT of them.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Callable
from dataclasses import dataclass

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.conf import settings
from django.contrib.auth import login, user_login_failed
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from core import recovery_codes
from core.audit import audit_record
from core.emails import email_normalise
from core.models import AuditEntry, RecoveryCode, User
from core.realtime import session_changed

PENDING = "kith_second_factor"
MAX_ATTEMPTS = 5
# Long enough to open an app and type six digits; short enough for a phone left on a bus.
PENDING_SECONDS = 5 * 60
DEVICE_NAME = "Authenticator app"


# Rules that may require a second factor of an account (a team's, from teams.sign_in).
_requirements: list[Callable[[User], bool]] = []


def register_requirement(rule: Callable[[User], bool]) -> None:
    """``rule(user)`` says whether something (their team) requires this account to use codes."""
    if rule not in _requirements:
        _requirements.append(rule)


def second_factor_required(user: User) -> bool:
    """Whether a rule someone else set (their team's) requires this account to use codes."""
    return any(rule(user) for rule in _requirements)


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def needs_second_factor(user: User) -> bool:
    return confirmed_device(user) is not None or second_factor_required(user)


# The pending sign-in ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Pending:
    user: User
    backend: str
    next_url: str


def pending_start(request: HttpRequest, user: User, *, next_url: str) -> None:
    request.session.cycle_key()
    request.session[PENDING] = {
        "user_id": user.pk,
        "backend": getattr(user, "backend", "django.contrib.auth.backends.ModelBackend"),
        "next": next_url,
        "attempts": 0,
        "started": time.time(),
    }


def pending_get(request: HttpRequest) -> Pending | None:
    data = request.session.get(PENDING)
    if not data or time.time() - data.get("started", 0) > PENDING_SECONDS:
        return None
    user = User.objects.filter(pk=data["user_id"], is_active=True).first()
    if user is None:
        return None
    return Pending(user=user, backend=data["backend"], next_url=data["next"])


def pending_may_set_up(pending: Pending) -> bool:
    """Only an account with no app yet, whose team requires one, sets one up mid sign-in.

    Anyone else with a pending sign-in has given only a password: showing them a new secret
    would hand the account's second factor to whoever knows it.
    """
    return confirmed_device(pending.user) is None and second_factor_required(pending.user)


def pending_failed(request: HttpRequest, pending: Pending) -> bool:
    """Count a wrong code. True when that was one too many and the attempt is over."""
    paused = guess_failed(request, pending.user)
    data = request.session.get(PENDING) or {}
    data["attempts"] = data.get("attempts", 0) + 1
    if paused or data["attempts"] >= MAX_ATTEMPTS:
        request.session.pop(PENDING, None)
        return True
    request.session[PENDING] = data
    return False


def pending_end(request: HttpRequest) -> None:
    request.session.pop(PENDING, None)


def pending_finish(
    request: HttpRequest, pending: Pending, *, device: TOTPDevice | None, recovery: bool = False
) -> None:
    """Both steps passed: sign in for real, and remember this session passed the code."""
    request.session.pop(PENDING, None)
    login(request, pending.user, backend=pending.backend)
    if device is not None:
        otp_login(request, device)
    detail = {"second_factor": True}
    if recovery:
        detail["recovery_code"] = True
    audit_record(actor=pending.user, action=AuditEntry.Action.SIGNED_IN, detail=detail)


# Counting wrong codes with the sign-in throttle -------------------------------------------------


def _credentials(user: User) -> dict:
    return {settings.AXES_USERNAME_FORM_FIELD: email_normalise(user.email)}


def guesses_allowed(request: HttpRequest, user: User) -> bool:
    """False while the account is paused after too many wrong passwords or codes."""
    return AxesProxyHandler.is_allowed(request, _credentials(user))


def guess_failed(request: HttpRequest, user: User) -> bool:
    """Count a wrong code as a failed sign-in. True when the account is now paused."""
    user_login_failed.send(sender=__name__, credentials=_credentials(user), request=request)
    return bool(getattr(request, "axes_locked_out", False))


def paused_response(request: HttpRequest, user: User) -> HttpResponse:
    """The same "please wait a few minutes" page a paused password sign-in gets."""
    return get_lockout_response(request, None, _credentials(user))


# Codes and devices ------------------------------------------------------------------------------


def _digits(code: str) -> str:
    return "".join(code.split())


def code_check(user: User, code: str) -> TOTPDevice | None:
    """The user's confirmed app, if the code is right now. Wrong codes slow the device down."""
    device = confirmed_device(user)
    code = _digits(code)
    if device is None or not code.isdigit():
        return None
    return device if device.verify_token(code) else None


def device_for_setup(user: User) -> TOTPDevice:
    """The app being set up: one unconfirmed device, made once, until it is confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def device_secret(device: TOTPDevice) -> str:
    """The key to type into an app by hand, in groups of four."""
    key = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def _new_device_verified(user: User, code: str) -> TOTPDevice | None:
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    code = _digits(code)
    if device is None or not code.isdigit() or not device.verify_token(code):
        return None
    return device


def _lock_account(user: User) -> None:
    # One change to a person's second factor at a time: two tabs cannot both add an app.
    User.objects.select_for_update().filter(pk=user.pk).first()


@dataclass(frozen=True)
class Enrolled:
    device: TOTPDevice
    recovery_codes: list[str]


@transaction.atomic
def device_enrol(*, user: User, code: str) -> Enrolled | None:
    """The first app: the first right code from it turns it on, with a fresh set of recovery
    codes. Never while another app is on: replacing one needs proof (``device_replace``)."""
    _lock_account(user)
    if confirmed_device(user) is not None:
        return None
    device = _new_device_verified(user, code)
    if device is None:
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = recovery_codes.issue(user)
    _audit_change(user, "app_added")
    return Enrolled(device=device, recovery_codes=codes)


@transaction.atomic
def device_replace(*, actor: User, proof: str, code: str) -> TOTPDevice | None:
    """A new phone instead of the old: a right code from the new app, and proof of the old one
    (its current code, or a recovery code for a lost phone). The new code is checked first,
    so a mistyped one does not use up a recovery code."""
    _lock_account(actor)
    device = _new_device_verified(actor, code)
    if device is None or not factor_check(actor, proof):
        return None
    TOTPDevice.objects.filter(user=actor, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    _audit_change(actor, "app_replaced")
    # Sessions that passed a code from the old app may no longer be accepted: their sockets
    # check now (core.realtime.sessions).
    session_changed(user_id=actor.pk)
    return device


@dataclass(frozen=True)
class TurnOff:
    done: bool
    team_requires: bool = False


@transaction.atomic
def second_factor_turn_off(*, actor: User, proof: str) -> TurnOff:
    """Someone stops using codes: not while their team requires them, and only with proof."""
    if second_factor_required(actor):
        return TurnOff(done=False, team_requires=True)
    _lock_account(actor)
    if confirmed_device(actor) is None or not factor_check(actor, proof):
        return TurnOff(done=False)
    TOTPDevice.objects.filter(user=actor).delete()
    RecoveryCode.objects.filter(user=actor).delete()
    _audit_change(actor, "turned_off")
    session_changed(user_id=actor.pk)  # open sockets check their session now
    return TurnOff(done=True)


def _audit_change(user: User, what: str) -> None:
    audit_record(
        actor=user, action=AuditEntry.Action.CHANGED_PROFILE, detail={"second_factor": what}
    )


# Recovery codes ---------------------------------------------------------------------------------


@transaction.atomic
def recovery_codes_renew(*, actor: User, proof: str) -> list[str] | None:
    """A fresh set, replacing every earlier code, for a signed-in person who proves the factor."""
    _lock_account(actor)
    if confirmed_device(actor) is None or not factor_check(actor, proof):
        return None
    codes = recovery_codes.issue(actor)
    _audit_change(actor, "recovery_codes_renewed")
    return codes


def factor_check(user: User, code: str) -> bool:
    """Proof of the second factor: the current app's code, or else a recovery code (used up)."""
    return code_check(user, code) is not None or recovery_codes.use(user=user, code=code)

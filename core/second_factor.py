"""An optional second step at sign-in for team members: a code from an authenticator app (TOTP,
with django-otp), which a team may require of all its members.

Nobody is signed in until both steps pass: after the password, the session holds only a
"pending" note naming the account, so pages, the API and sockets all still see a visitor.
A few wrong codes end the attempt and the password is asked for again (and that is throttled
by django-axes).
"""

from __future__ import annotations

import base64
import time
from dataclasses import dataclass

from django.contrib.auth import login
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.access import team_access_or_404
from core.audit import audit_record
from core.models import AuditEntry, TeamSignInPolicy, User
from core.realtime import session_changed
from teams.models import Membership

PENDING = "kith_second_factor"
MAX_ATTEMPTS = 5
# Long enough to open an app and type six digits; short enough for a phone left on a bus.
PENDING_SECONDS = 5 * 60
DEVICE_NAME = "Authenticator app"


def team_requires_second_factor(user: User) -> bool:
    teams = Membership.objects.current().filter(user_id=user.pk).values("team_id")
    return TeamSignInPolicy.objects.filter(team_id__in=teams, require_second_factor=True).exists()


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def needs_second_factor(user: User) -> bool:
    return confirmed_device(user) is not None or team_requires_second_factor(user)


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


def pending_failed(request: HttpRequest) -> bool:
    """Count a wrong code. True when that was one too many and the attempt is over."""
    data = request.session.get(PENDING) or {}
    data["attempts"] = data.get("attempts", 0) + 1
    if data["attempts"] >= MAX_ATTEMPTS:
        request.session.pop(PENDING, None)
        return True
    request.session[PENDING] = data
    return False


def pending_finish(request: HttpRequest, pending: Pending, device: TOTPDevice) -> None:
    """Both steps passed: sign in for real, and remember this session passed the code."""
    request.session.pop(PENDING, None)
    login(request, pending.user, backend=pending.backend)
    otp_login(request, device)
    audit_record(
        actor=pending.user, action=AuditEntry.Action.SIGNED_IN, detail={"second_factor": True}
    )


# Codes and devices ------------------------------------------------------------------------------


def code_check(user: User, code: str) -> TOTPDevice | None:
    """The user's confirmed app, if the code is right now. Wrong codes slow the device down."""
    device = confirmed_device(user)
    code = "".join(code.split())
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


@transaction.atomic
def device_confirm(user: User, code: str) -> TOTPDevice | None:
    """The first right code from the new app turns it on, replacing any earlier one."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    code = "".join(code.split())
    if device is None or not code.isdigit() or not device.verify_token(code):
        return None
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    # Sessions that passed a code from the old app may no longer be accepted: their sockets
    # check now (core.realtime.sessions).
    session_changed(user_id=user.pk)
    return device


def second_factor_turn_off(*, actor: User) -> bool:
    """Someone stops using codes. Not while their team requires them. True when it was on."""
    if team_requires_second_factor(actor):
        return False
    removed, _details = TOTPDevice.objects.filter(user=actor).delete()
    if removed:
        session_changed(user_id=actor.pk)  # open sockets check their session now
    return bool(removed)


@transaction.atomic
def team_require_second_factor(*, actor: User, team_id: int, required: bool) -> TeamSignInPolicy:
    """Any member of a self-managing team may set it: the team decides together."""
    team = team_access_or_404(actor, team_id)
    policy, _created = TeamSignInPolicy.objects.select_for_update().get_or_create(team=team)
    if policy.require_second_factor != required:
        policy.require_second_factor = required
        policy.changed_by = actor
        policy.changed_at = timezone.now()
        policy.save(update_fields=["require_second_factor", "changed_by", "changed_at"])
    return policy

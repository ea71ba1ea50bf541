"""Single-use links that bring a carer into a team or someone into a person's circle."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.http import Http404
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from core import links
from core.audit import audit_record
from core.emails import email_normalise
from core.models import AuditEntry, User
from families.access import circle_member_access_or_404, team_access_or_404
from families.models import CircleMember, Invitation
from teams import services as team_services


class InvitationState(StrEnum):
    VALID = "valid"
    UNKNOWN = "unknown"
    USED = "used"
    EXPIRED = "expired"
    REVOKED = "revoked"


class InvitationUnusable(Exception):
    def __init__(self, state: InvitationState) -> None:
        super().__init__(state)
        self.state = state


@dataclass(frozen=True)
class IssuedInvitation:
    invitation: Invitation
    link: str


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_lookup(*, token: str) -> tuple[InvitationState, Invitation | None]:
    invitation = (
        Invitation.objects.select_related("team", "circle_member__person", "invited_by")
        .filter(token_hash=_hash(token))
        .first()
    )
    if invitation is None:
        return InvitationState.UNKNOWN, None
    if invitation.accepted_at is not None:
        return InvitationState.USED, invitation
    if invitation.revoked_at is not None:
        return InvitationState.REVOKED, invitation
    if invitation.expires_at <= timezone.now():
        return InvitationState.EXPIRED, invitation
    return InvitationState.VALID, invitation


def _issue(*, site_url: str, **fields: Any) -> IssuedInvitation:
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        token_hash=_hash(token),
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS),
        **fields,
    )
    invitation.full_clean()
    invitation.save()
    link = site_url.rstrip("/") + links.page_for(links.INVITATION, token)
    if invitation.email:
        transaction.on_commit(lambda: _send_invitation_email(invitation, link))
    audit_record(
        actor=invitation.invited_by,
        action=AuditEntry.Action.INVITED,
        person_id=invitation.circle_member.person_id if invitation.circle_member else None,
        team_id=invitation.team_id,
        target=f"invitation:{invitation.pk}",
        detail={"name": invitation.name, "kind": invitation.kind},
    )
    return IssuedInvitation(invitation=invitation, link=link)


def _recipient_language(email: str) -> str | None:
    """Someone who already has an account hears in their own language; anyone new, in the
    language the inviter was using (the page they invited from)."""
    user = User.objects.filter(email=email_normalise(email)).only("language").first()
    if user is not None and user.language in dict(settings.LANGUAGES):
        return user.language
    return translation.get_language()


def _send_invitation_email(invitation: Invitation, link: str) -> None:
    with translation.override(_recipient_language(invitation.email)):
        _write_invitation_email(invitation, link)


def _write_invitation_email(invitation: Invitation, link: str) -> None:
    inviter = invitation.invited_by.display_name if invitation.invited_by else _("Your care team")
    if invitation.kind == Invitation.Kind.TEAM:
        where = invitation.team.name
    else:
        assert invitation.circle_member is not None  # a circle invitation names its place
        where = _("%(name)s's circle of support") % {"name": invitation.circle_member.person.name}
    send_mail(
        subject=_("%(inviter)s invited you to Kith") % {"inviter": inviter},
        message=_(
            "Hello %(name)s,\n\n%(inviter)s has invited you to join %(where)s on Kith.\n\n"
            "Open this link to accept. It works once and until %(expires)s:\n%(link)s\n"
        )
        % {
            "name": invitation.name,
            "inviter": inviter,
            "where": where,
            "expires": formats.date_format(timezone.localtime(invitation.expires_at), "j F Y"),
            "link": link,
        },
        from_email=None,
        recipient_list=[invitation.email],
    )


@transaction.atomic
def invitation_create_for_team(
    *, actor: User, team_id: int, name: str, email: str = "", site_url: str
) -> IssuedInvitation:
    team = team_access_or_404(actor, team_id)
    return _issue(
        site_url=site_url,
        kind=Invitation.Kind.TEAM,
        team=team,
        name=name.strip(),
        email=email.strip().lower(),
        invited_by=actor,
    )


@transaction.atomic
def invitation_create_for_circle(
    *, actor: User, circle_member_id: int, site_url: str
) -> IssuedInvitation:
    """Invite someone already in the circle to have their own account."""
    found = circle_member_access_or_404(actor, circle_member_id, without_account=True)
    member, access = found.member, found.access
    if not access.can_manage_circle:
        raise Http404
    # One live link per place: a new link replaces any earlier one.
    Invitation.objects.filter(circle_member=member, accepted_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    return _issue(
        site_url=site_url,
        kind=Invitation.Kind.CIRCLE,
        team=access.person.team,
        circle_member=member,
        name=member.name,
        email=member.email,
        invited_by=actor,
    )


@transaction.atomic
def invitation_accept(*, token: str, user: User) -> Invitation:
    state, invitation = invitation_lookup(token=token)
    if state is not InvitationState.VALID or invitation is None:
        raise InvitationUnusable(state)
    now = timezone.now()
    # A conditional update claims the link: of two people racing, exactly one wins.
    claimed = Invitation.objects.filter(
        pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
    ).update(accepted_at=now, accepted_by=user)
    if not claimed:
        raise InvitationUnusable(InvitationState.USED)
    if invitation.kind == Invitation.Kind.TEAM:
        team_services.membership_add(team=invitation.team, user=user)
    else:
        assert invitation.circle_member is not None  # a circle invitation names its place
        _take_circle_place(place=invitation.circle_member, user=user)
    invitation.refresh_from_db()
    audit_record(
        actor=user,
        action=AuditEntry.Action.INVITATION_ACCEPTED,
        person_id=invitation.circle_member.person_id if invitation.circle_member else None,
        team_id=invitation.team_id,
        target=f"invitation:{invitation.pk}",
    )
    return invitation


def _take_circle_place(*, place: CircleMember, user: User) -> None:
    already = CircleMember.objects.filter(
        person_id=place.person_id, user=user, removed_at__isnull=True
    ).exists()
    if already:
        return
    CircleMember.objects.filter(pk=place.pk).update(user=user)


@transaction.atomic
def invitation_accept_with_new_account(
    *, token: str, display_name: str, email: str, password: str
) -> User:
    state, _found = invitation_lookup(token=token)
    if state is not InvitationState.VALID:
        raise InvitationUnusable(state)
    email = email_normalise(email)
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError(
            {"email": _("There is already an account with this email. Please sign in to accept.")}
        )
    user = User(email=email, display_name=display_name.strip())
    validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    invitation_accept(token=token, user=user)
    return user

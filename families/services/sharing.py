"""The person's say over who sees what: what the circle sees, and what each member sees.

Set by the person through their own account, or by the team for them with the person's
agreement written down (who agreed, when, how). Every change is kept as a SharingChange,
recorded in the audit trail, and reaches open pages at once: their sockets re-check what they
may see (core.realtime.access_changed).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import CHOSE_IT_THEMSELF, audit_record
from core.models import AuditEntry, User
from core.realtime import access_changed
from core.text import refuse_null_characters
from families.access import PersonAccess, Role, circle_member_access_or_404, person_access_or_404
from families.models import (
    CIRCLE_DEFAULT_KINDS,
    CIRCLE_MEMBER_KINDS,
    CircleMember,
    Person,
    SharingChange,
)

AGREED_BY_MAX = 150
AGREED_HOW_MAX = 200
# A phone's clock may run a little ahead of the server's.
CLOCK_SLACK = timedelta(minutes=5)


@dataclass(frozen=True)
class Agreement:
    """How the person said yes to a change the team makes for them."""

    by: str
    how: str
    at: datetime


def _access_to_choose(actor: User, person_id: int) -> PersonAccess:
    """The person, or their team; anyone else is told the person does not exist."""
    access = person_access_or_404(actor, person_id)
    if access.role not in (Role.TEAM, Role.SELF):
        raise Http404
    return access


def _clean_agreement(access: PersonAccess, actor: User, agreement: Agreement | None) -> Agreement:
    if access.role is Role.SELF:
        # The person chose it themself: that is the agreement. Kept as a code, said in each
        # reader's language when read (core.audit.agreed_how_words).
        return Agreement(by=actor.display_name, how=CHOSE_IT_THEMSELF, at=timezone.now())
    errors: dict[str, str] = {}
    by = (agreement.by if agreement else "").strip()
    how = (agreement.how if agreement else "").strip()
    at = agreement.at if agreement else None
    if not by:
        errors["agreed_by"] = _("Please say who agreed to this.")
    elif len(by) > AGREED_BY_MAX:
        errors["agreed_by"] = _("Please keep this under %(limit)s characters.") % {
            "limit": AGREED_BY_MAX
        }
    if not how:
        errors["agreed_how"] = _("Please say how they told you, for example at a visit.")
    elif len(how) > AGREED_HOW_MAX:
        errors["agreed_how"] = _("Please keep this under %(limit)s characters.") % {
            "limit": AGREED_HOW_MAX
        }
    if at is None:
        errors["agreed_at"] = _("Please say when they agreed.")
    elif timezone.is_naive(at) or at > timezone.now() + CLOCK_SLACK:
        errors["agreed_at"] = _("That date is in the future. Please check it.")
    if errors:
        raise ValidationError(errors)
    assert at is not None  # else agreed_at would be among the errors
    refuse_null_characters(agreed_by=by, agreed_how=how)
    return Agreement(by=by, how=how, at=at)


def _clean_kinds(kinds: Iterable[str], allowed: tuple[str, ...], field: str) -> list[str]:
    chosen = set(kinds)
    if not chosen <= set(allowed):
        raise ValidationError(
            {field: _("Please choose from the kinds of note in the list.")}, code="invalid"
        )
    # Always stored in the same order, so "no change" is easy to see.
    return [kind for kind in allowed if kind in chosen]


def _record(
    *,
    actor: User,
    person: Person,
    agreement: Agreement,
    choices: dict[str, object],
    circle_member: CircleMember | None = None,
) -> None:
    SharingChange.objects.create(
        person=person,
        circle_member=circle_member,
        changed_by=actor,
        choices=choices,
        agreed_by=agreement.by,
        agreed_how=agreement.how,
        agreed_at=agreement.at,
    )
    audit_record(
        actor=actor,
        action=AuditEntry.Action.SHARING_CHANGED,
        person_id=person.pk,
        target=f"circle:{circle_member.pk}" if circle_member else f"person:{person.pk}",
        detail={
            **choices,
            "agreed_by": agreement.by,
            "agreed_how": agreement.how,
            "agreed_at": agreement.at.isoformat(),
        },
    )


@transaction.atomic
def sharing_update(
    *,
    actor: User,
    person_id: int,
    shared_with_circle: bool,
    circle_kinds: Iterable[str],
    share_check_ins: bool,
    agreement: Agreement | None = None,
) -> Person:
    """What the whole circle sees: new notes by default, which kinds, and check-ins."""
    access = _access_to_choose(actor, person_id)
    kinds = _clean_kinds(circle_kinds, CIRCLE_DEFAULT_KINDS, "circle_kinds")
    agreed = _clean_agreement(access, actor, agreement)
    person = Person.objects.select_for_update().get(pk=access.person.pk)
    choices = {
        "notes_shared_with_circle_by_default": bool(shared_with_circle),
        "circle_note_kinds": kinds,
        "check_ins_shared_with_circle": bool(share_check_ins),
    }
    if all(getattr(person, field) == value for field, value in choices.items()):
        return person
    for field, value in choices.items():
        setattr(person, field, value)
    person.save(update_fields=list(choices))
    _record(actor=actor, person=person, agreement=agreed, choices=choices)
    # Everyone in the circle whose pages may now show more or less.
    for user_id in CircleMember.objects.filter(
        person=person, removed_at__isnull=True, user__isnull=False
    ).values_list("user_id", flat=True):
        access_changed(user_id=user_id)
    return person


@transaction.atomic
def circle_member_sharing_update(
    *,
    actor: User,
    circle_member_id: int,
    kinds: Iterable[str] | None,
    agreement: Agreement | None = None,
    sees_about_me: bool | Literal["unchanged"] | None = "unchanged",
) -> CircleMember:
    """What one member of the circle sees. ``None``: the same as the rest of the circle.

    ``sees_about_me``: whether they read the person's About Me; ``None`` as usual (family
    and friends yes, visiting professionals no); "unchanged" leaves it as it is.
    """
    found = circle_member_access_or_404(actor, circle_member_id).member
    access = _access_to_choose(actor, found.person_id)
    chosen = None if kinds is None else _clean_kinds(kinds, CIRCLE_MEMBER_KINDS, "kinds")
    agreed = _clean_agreement(access, actor, agreement)
    member = CircleMember.objects.select_for_update().get(pk=found.pk)
    about_me = member.sees_about_me if sees_about_me == "unchanged" else sees_about_me
    if member.note_kinds == chosen and member.sees_about_me == about_me:
        return member
    member.note_kinds = chosen
    member.sees_about_me = about_me
    member.save(update_fields=["note_kinds", "sees_about_me"])
    choices: dict[str, object] = {
        "circle_member": member.pk,
        "name": member.name,
        "note_kinds": chosen,
        "sees_about_me": about_me,
    }
    _record(
        actor=actor, person=access.person, agreement=agreed, choices=choices, circle_member=member
    )
    if member.user_id is not None:
        access_changed(user_id=member.user_id)
    return member

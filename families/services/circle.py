"""Writes about a person's circle of support: family, friends and visiting professionals."""

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from core.audit import audit_record
from core.images import clean_photo, replace_photo
from core.models import AuditEntry, User
from core.realtime import access_changed
from core.text import refuse_null_characters
from families.access import circle_member_access_or_404, person_access_or_404
from families.models import CircleMember, Invitation


@transaction.atomic
def circle_member_add(
    *,
    actor: User,
    person_id: int,
    name: str,
    kind: str,
    relationship: str,
    phone: str = "",
    email: str = "",
    photo: UploadedFile | None = None,
) -> CircleMember:
    access = person_access_or_404(actor, person_id)
    if not access.can_manage_circle:
        raise Http404
    refuse_null_characters(name=name, relationship=relationship, phone=phone, email=email)
    cleaned = clean_photo(photo) if photo is not None else None
    member = CircleMember(
        person=access.person,
        name=name.strip(),
        kind=kind,
        relationship=relationship.strip(),
        phone=phone.strip(),
        email=email.strip().lower(),
    )
    member.full_clean(exclude=["photo"])
    replace_photo(member, "photo", cleaned, remove=False)
    member.save()
    audit_record(
        actor=actor,
        action=AuditEntry.Action.CIRCLE_ADDED,
        person_id=member.person_id,
        target=f"circle:{member.pk}",
        detail={"name": member.name},
    )
    return member


@transaction.atomic
def circle_member_remove(*, actor: User, circle_member_id: int) -> CircleMember:
    """Take someone out of the circle. They lose access at once; the history stays."""
    found = circle_member_access_or_404(actor, circle_member_id)
    member, access = found.member, found.access
    if not access.can_manage_circle:
        raise Http404
    member.removed_at = timezone.now()
    member.save(update_fields=["removed_at"])
    Invitation.objects.filter(circle_member=member, accepted_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if member.user_id is not None:
        access_changed(user_id=member.user_id)
    audit_record(
        actor=actor,
        action=AuditEntry.Action.CIRCLE_REMOVED,
        person_id=member.person_id,
        target=f"circle:{member.pk}",
        detail={"name": member.name},
    )
    return member

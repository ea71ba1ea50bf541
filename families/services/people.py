"""Writes about a person's own record: their name, photo and coordinator."""

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.images import clean_photo, replace_photo
from core.models import AuditEntry, User
from core.text import refuse_null_characters
from families.access import person_access_or_404, team_access_or_404
from families.models import Person

# The person's own words are their About Me (families.services.about_me).
PROFILE_FIELDS = ("full_name", "preferred_name", "pronouns")


@transaction.atomic
def person_create(*, actor: User, team_id: int, full_name: str, preferred_name: str = "") -> Person:
    team = team_access_or_404(actor, team_id)
    refuse_null_characters(full_name=full_name, preferred_name=preferred_name)
    person = Person(team=team, full_name=full_name.strip(), preferred_name=preferred_name.strip())
    person.full_clean()
    person.save()
    audit_record(
        actor=actor,
        action=AuditEntry.Action.CHANGED_PROFILE,
        person_id=person.pk,
        team_id=team.pk,
        detail={"created": True},
    )
    return person


@transaction.atomic
def person_update_profile(
    *,
    actor: User,
    person_id: int,
    photo: UploadedFile | None = None,
    remove_photo: bool = False,
    **fields: str,
) -> Person:
    """The team, or the person themself, rewrite the profile in the person's own words."""
    access = person_access_or_404(actor, person_id)
    if not access.can_edit_profile:
        raise Http404
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"not profile fields: {sorted(unknown)}")
    refuse_null_characters(**fields)
    cleaned = clean_photo(photo) if photo is not None else None
    person = Person.objects.select_for_update().get(pk=access.person.pk)
    for name, value in fields.items():
        setattr(person, name, value.strip())
    person.full_clean(exclude=["photo"])
    replace_photo(person, "photo", cleaned, remove=remove_photo)
    person.save()
    changed = sorted(fields) + (["photo"] if cleaned is not None or remove_photo else [])
    audit_record(
        actor=actor,
        action=AuditEntry.Action.CHANGED_PROFILE,
        person_id=person.pk,
        detail={"fields": changed},
    )
    return person


@transaction.atomic
def person_set_coordinator(*, actor: User, person_id: int, coordinator_id: int | None) -> Person:
    """Name the team member a family contacts first. Only a current team member can be named."""
    access = person_access_or_404(actor, person_id)
    if not access.is_team:
        raise Http404
    person = access.person
    if coordinator_id is None:
        person.coordinator = None
    else:
        member = person.team.memberships.current().filter(user_id=coordinator_id).first()
        if member is None:
            raise ValidationError({"coordinator": _("Please choose someone who is in the team.")})
        person.coordinator = member.user
    person.save(update_fields=["coordinator"])
    audit_record(
        actor=actor,
        action=AuditEntry.Action.CHANGED_COORDINATOR,
        person_id=person.pk,
        detail={"coordinator": person.coordinator.display_name if person.coordinator else ""},
    )
    return person

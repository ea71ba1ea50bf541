"""A person's things by id (a note, a photo, a place in the circle, a goal): found only
with the person's access, else "not found"."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from core.audience import Audience as Audience
from families.models import (
    CircleMember,
    Note,
    NotePhoto,
    Outcome,
)

if TYPE_CHECKING:
    from core.models import User

    AnyUser = User | AnonymousUser


from families.access.people import (
    PersonAccess,
    as_pk,
    person_access,
    person_access_or_404,
)

# A person's things, by id: found only with the person's access, else "not found". -----------


@dataclass(frozen=True)
class NoteAccess:
    note: Note
    access: PersonAccess


def note_access(user: AnyUser, note_id: int | str) -> NoteAccess | None:
    """A note and how this user sees its person, or None if they may not see it at all."""
    note_pk = as_pk(note_id)
    if note_pk is None:
        return None
    note = Note.objects.filter(pk=note_pk, deleted_at__isnull=True).first()
    if note is None:
        return None
    access = person_access(user, note.person_id)
    if access is None:
        return None
    if not access.may_see_note(kind=note.kind, audience=note.audience, author_id=note.author_id):
        return None
    return NoteAccess(note=note, access=access)


def note_access_or_404(user: AnyUser, note_id: int | str) -> NoteAccess:
    found = note_access(user, note_id)
    if found is None:
        raise Http404
    return found


@dataclass(frozen=True)
class PhotoAccess:
    photo: NotePhoto
    found: NoteAccess


def note_photo_access_or_404(user: AnyUser, photo_id: int | str) -> PhotoAccess:
    """A note's photo, for those who may see the note."""
    pk = as_pk(photo_id)
    photo = NotePhoto.objects.filter(pk=pk).first() if pk is not None else None
    if photo is None:
        raise Http404
    return PhotoAccess(photo=photo, found=note_access_or_404(user, photo.note_id))


@dataclass(frozen=True)
class CircleMemberAccess:
    member: CircleMember
    access: PersonAccess


def circle_member_access_or_404(
    user: AnyUser, circle_member_id: int | str, *, without_account: bool = False
) -> CircleMemberAccess:
    """A current place in someone's circle, for those who see that person.

    What they may do with it (manage the circle, choose what it sees) is the caller's to ask.
    ``without_account``: only a place nobody has an account for yet.
    """
    pk = as_pk(circle_member_id)
    places = CircleMember.objects.filter(removed_at__isnull=True)
    if without_account:
        places = places.filter(user__isnull=True)
    member = places.filter(pk=pk).first() if pk is not None else None
    if member is None:
        raise Http404
    return CircleMemberAccess(member=member, access=person_access_or_404(user, member.person_id))


@dataclass(frozen=True)
class OutcomeAccess:
    outcome: Outcome
    access: PersonAccess


def outcome_access_or_404(
    user: AnyUser, outcome_id: int | str, *, person_id: int | str | None = None
) -> OutcomeAccess:
    """One of a person's goals, for those who see the person (and, given, of that person)."""
    pk = as_pk(outcome_id)
    outcome = Outcome.objects.filter(pk=pk).first() if pk is not None else None
    if outcome is None or (person_id is not None and outcome.person_id != as_pk(person_id)):
        raise Http404
    return OutcomeAccess(outcome=outcome, access=person_access_or_404(user, outcome.person_id))

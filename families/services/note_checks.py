"""Checking what someone wrote for the timeline, before anything is saved.

Each check raises ValidationError against the field it is about, in plain words; the notes
services (families/services/notes.py, note_responses.py) call them inside their writes.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from core.images import clean_photo
from core.text import refuse_null_characters
from families.access import PersonAccess, as_pk
from families.models import NOTE_MAX_PHOTOS, Note, Outcome

EDIT_WINDOW = timedelta(hours=24)
TEAM_KINDS = frozenset({Note.Kind.VISIT, Note.Kind.MOMENT, Note.Kind.CONCERN, Note.Kind.HANDOVER})
# Family, friends, professionals and the person themself write for the circle.
CIRCLE_KINDS = frozenset({Note.Kind.FAMILY_UPDATE, Note.Kind.MOMENT})
TEAM_ONLY_KINDS = frozenset({Note.Kind.CONCERN, Note.Kind.HANDOVER})


# Validation ------------------------------------------------------------------------------------


def clean_body(body: str, *, field: str, limit: int) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError({field: _("Please write something first.")}, code="required")
    refuse_null_characters(**{field: body})
    if len(body) > limit:
        raise ValidationError(
            {
                field: _(
                    "Please keep this under %(limit)s characters. It has %(count)s at the moment."
                )
                % {"limit": f"{limit:,}", "count": f"{len(body):,}"}
            },
            code="too_long",
        )
    return body


def clean_wellbeing(wellbeing: int | str | None) -> int | None:
    if wellbeing in (None, ""):
        return None
    if wellbeing not in Note.Wellbeing.values:
        raise ValidationError(
            {"wellbeing": _("Please choose one of the five faces, or leave it empty.")},
            code="invalid",
        )
    return int(wellbeing)


def clean_kind(access: PersonAccess, kind: str) -> str:
    allowed = TEAM_KINDS if access.is_team else CIRCLE_KINDS
    if kind not in allowed:
        raise ValidationError(
            {"kind": _("Please choose what kind of note this is from the list.")}, code="invalid"
        )
    return kind


def choose_audience(access: PersonAccess, kind: str, audience: str | None) -> str:
    if kind in TEAM_ONLY_KINDS:
        # Always, whatever was asked: concerns and handovers are working notes for the team.
        return Note.Audience.TEAM
    if not access.is_team:
        # A circle member writes for the circle: a team-only note would be hidden from them.
        return Note.Audience.CIRCLE
    if audience in (None, ""):
        shared = access.person.notes_shared_with_circle_by_default
        return Note.Audience.CIRCLE if shared else Note.Audience.TEAM
    if audience not in Note.Audience.values:
        raise ValidationError({"audience": _("Please choose who sees this note.")}, code="invalid")
    return audience


def clean_photos(photos: Sequence[UploadedFile]) -> list[ContentFile]:
    """Every photo checked before anything is saved: one bad photo means no note at all."""
    if len(photos) > NOTE_MAX_PHOTOS:
        raise ValidationError(
            {"photos": _("Please choose up to %(count)s photos.") % {"count": NOTE_MAX_PHOTOS}},
            code="too_many",
        )
    cleaned = []
    for number, photo in enumerate(photos, start=1):
        try:
            cleaned.append(clean_photo(photo))
        except ValidationError as error:
            raise ValidationError(
                {
                    "photos": _("Photo %(number)s: %(problem)s")
                    % {"number": number, "problem": " ".join(error.messages)}
                },
                code=error.code,
            ) from None
    return cleaned


def outcomes_of(access: PersonAccess, outcome_ids: Iterable[int]) -> list[Outcome]:
    given = list(outcome_ids)
    if not given:
        return []
    # An id no row could have is simply not one of theirs (and never a database error).
    wanted = {as_pk(i) for i in given}
    ids = {pk for pk in wanted if pk is not None}
    found = list(Outcome.objects.filter(person_id=access.person.pk, pk__in=ids))
    if len(found) != len(wanted):
        # Another person's outcome, or none at all: the same answer for both.
        raise ValidationError(
            {"outcomes": _("Please choose from %(name)s's own goals.") % {"name": access.person}},
            code="invalid",
        )
    return found


def parse_key(client_key: uuid.UUID | str | None) -> uuid.UUID | None:
    if client_key in (None, ""):
        return None
    if isinstance(client_key, uuid.UUID):
        return client_key
    try:
        return uuid.UUID(str(client_key))
    except ValueError:
        raise ValidationError(
            {"client_key": _("This note could not be matched up. Please try again.")},
            code="invalid",
        ) from None

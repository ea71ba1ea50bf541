"""The person's own word on how they feel today, from the five faces on their "My day".

It is a note of their own on their timeline, written for their circle like any update they
write, with the face they chose. Sent twice with the same key, it is saved once.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext as _

from core.models import User
from families.models import Note, Person
from families.services.notes import note_create

# In the person's own voice: what the note says under the face they chose.
FEELING_WORDS: dict[int, Callable[[], str]] = {
    Note.Wellbeing.VERY_LOW: lambda: _("I feel very low today."),
    Note.Wellbeing.LOW: lambda: _("I feel low today."),
    Note.Wellbeing.OKAY: lambda: _("I feel okay today."),
    Note.Wellbeing.GOOD: lambda: _("I feel good today."),
    Note.Wellbeing.VERY_GOOD: lambda: _("I feel very good today."),
}


def person_share_feeling(
    *, actor: User, wellbeing: int | None, client_key: uuid.UUID | str | None = None
) -> Note:
    """How the person says they feel today, as a note of their own.

    Only someone with their own record may: anyone else gets Http404, as for a page they may
    not see. Written in the language they use Kith in.
    """
    person = Person.objects.filter(user_id=actor.pk).only("pk").first()
    if person is None:
        raise Http404
    if wellbeing not in FEELING_WORDS:
        raise ValidationError(
            {"wellbeing": _("Please choose one of the five faces.")}, code="invalid"
        )
    return note_create(
        actor=actor,
        person_id=person.pk,
        kind=Note.Kind.FAMILY_UPDATE,
        body=FEELING_WORDS[wellbeing](),
        wellbeing=int(wellbeing),
        client_key=client_key,
        # Kith's own words for the feeling, in the language it speaks to them now.
        language=translation.get_language(),
    )

"""The family's news on a person's page: the latest updates and the carers they have seen.

Reads only, through the access layer (families.timeline.visible_notes), in a fixed number of
queries. Kept apart from the views so the person page stays a thin view.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import ngettext

from families.access import PersonAccess
from families.models import Note
from families.timeline import visible_notes, with_everything_shown
from frontend.templatetags.kith import list_in_words
from teams.rota.continuity import WINDOW_DAYS, carers_seen

LATEST = 3


@dataclass(frozen=True)
class FamilyNews:
    latest: list[Note]
    carers_seen: list
    carers_sentence: str


def _first_name(display_name: str) -> str:
    return (display_name or "").split(" ")[0] or display_name


def carers_sentence(name: str, carers: list) -> str:
    """ "Jean has seen 3 carers this month: Angela, Priya and Gareth", as a family says it."""
    if not carers:
        return ""
    names = list_in_words([_first_name(c.display_name) for c in carers])
    return ngettext(
        "%(name)s has seen %(count)s carer in the last four weeks: %(names)s",
        "%(name)s has seen %(count)s carers in the last four weeks: %(names)s",
        len(carers),
    ) % {"name": name, "count": len(carers), "names": names}


def family_news(access: PersonAccess, *, today: dt.date | None = None) -> FamilyNews:
    person = access.person
    notes = with_everything_shown(visible_notes(access)).order_by("-created_at", "-id")
    seen = carers_seen([person.pk], today=today or timezone.localdate(), days=WINDOW_DAYS).get(
        person.pk, []
    )
    return FamilyNews(
        latest=list(notes[:LATEST]),
        carers_seen=seen,
        carers_sentence=carers_sentence(person.name, seen),
    )

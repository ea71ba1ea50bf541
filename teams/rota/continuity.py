"""Continuity of carers: a small number of carers who know the person well.

A person's count is the number of different carers who visited in the last 28 days. The
team sets a goal (default at most 4); people above it are highlighted on the rota.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from core.models import User
from teams.models import Membership, Visit

WINDOW_DAYS = 28
KNOWS_BEST_DAYS = 90


def _visits_done(person_ids: Iterable[int], *, since: dt.date, until: dt.date) -> QuerySet[Visit]:
    return Visit.objects.filter(
        person_id__in=list(person_ids),
        status=Visit.Status.ASSIGNED,
        date__gte=since,
        date__lte=until,
    )


def carers_seen(
    person_ids: Iterable[int], *, today: dt.date, days: int = WINDOW_DAYS
) -> dict[int, list[User]]:
    """For each person: the different carers who visited in the last ``days`` days (2 queries)."""
    rows = _visits_done(
        person_ids, since=today - dt.timedelta(days=days - 1), until=today
    ).values_list("person_id", "carer_id", "second_carer_id")
    seen: dict[int, set[int]] = defaultdict(set)
    for person_id, carer_id, second_id in rows:
        seen[person_id].update(pk for pk in (carer_id, second_id) if pk is not None)
    users = User.objects.in_bulk({pk for ids in seen.values() for pk in ids})
    return {
        person_id: sorted((users[pk] for pk in ids if pk in users), key=lambda u: u.display_name)
        for person_id, ids in seen.items()
    }


@dataclass(frozen=True)
class Suggestion:
    carer: User
    visits: int  # in the last 90 days


def carers_who_know(
    person_id: int, *, team_id: int, today: dt.date, exclude: Iterable[int] = (), limit: int = 3
) -> list[Suggestion]:
    """Current team members who visited this person most in the last 90 days, best first."""
    rows = _visits_done(
        [person_id], since=today - dt.timedelta(days=KNOWS_BEST_DAYS), until=today
    ).values_list("carer_id", "second_carer_id")
    counts: Counter[int] = Counter()
    for carer_id, second_id in rows:
        counts.update(pk for pk in (carer_id, second_id) if pk is not None)
    for pk in exclude:
        counts.pop(pk, None)
    members = {
        m.user_id: m.user
        for m in Membership.objects.current()
        .filter(team_id=team_id, user_id__in=list(counts))
        .select_related("user")
    }
    ranked = sorted(
        (pk for pk in counts if pk in members),
        key=lambda pk: (-counts[pk], members[pk].display_name),
    )
    return [Suggestion(carer=members[pk], visits=counts[pk]) for pk in ranked[:limit]]


def is_new_face(*, person_id: int, carer_id: int, before: dt.date) -> bool:
    """True when this carer has never visited this person before that day."""
    return not Visit.objects.filter(
        Q(carer_id=carer_id) | Q(second_carer_id=carer_id),
        person_id=person_id,
        status=Visit.Status.ASSIGNED,
        date__lt=before,
    ).exists()

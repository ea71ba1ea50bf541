"""Reads for a carer's Today: their next visit, the rest of the day, and what needs someone.

Everything is scoped to the teams the carer is a current member of (families.access), and the
whole page costs the same few queries however many visits, people and notes there are.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from core.models import User
from families.access import current_team_ids
from families.models import Note
from teams.models import Offer, Visit
from teams.rota.clock import UTC, aware, rota_zone
from teams.rota.selectors import open_visits_in_teams, window_words

# How far ahead the next visit is looked for when today has none left.
LOOK_AHEAD_DAYS = 7
# A handover older than this is no longer "the latest" worth showing on the way in.
HANDOVER_DAYS = 14
# What needs someone is a short list on the home page; the full lists are one tap away.
SHORT_LIST = 5


@dataclass
class TodayVisit:
    visit: Visit
    when: str
    handover: Note | None


@dataclass
class Today:
    today: dt.date
    # Today's visits still to come (or under way), soonest first; the first is the next one.
    coming_today: list[TodayVisit]
    # Today's visits whose window is over.
    done_today: int
    # The first visit after today, shown when today has nothing left.
    next_later: TodayVisit | None
    open_concerns: list[Note] = field(default_factory=list)
    open_visits: list[Visit] = field(default_factory=list)
    open_visits_count: int = 0
    offers: list[Offer] = field(default_factory=list)
    # Today's visits the carer said they were at, not yet marked done.
    to_mark_done: list[Visit] = field(default_factory=list)

    @property
    def next_visit(self) -> TodayVisit | None:
        return self.coming_today[0] if self.coming_today else self.next_later

    @property
    def rest_of_today(self) -> list[TodayVisit]:
        return self.coming_today[1:]

    @property
    def had_visits_today(self) -> bool:
        return bool(self.coming_today) or self.done_today > 0


def _my_visits(user: User, *, start: dt.date, days: int) -> list[Visit]:
    return list(
        Visit.objects.filter(
            Q(carer=user) | Q(second_carer=user),
            team_id__in=current_team_ids(user),
            date__gte=start,
            date__lt=start + dt.timedelta(days=days),
        )
        .exclude(status=Visit.Status.CANCELLED)
        # person__about_me: "what matters to them" beside each visit, without a query each.
        .select_related("person__about_me", "carer", "second_carer")
        .order_by("date", "window_start", "pk")
    )


def latest_handovers(person_ids: set[int], *, now: dt.datetime) -> dict[int, Note]:
    """The newest recent handover for each person, in one query.

    Only called with people of visits in the viewer's current teams, so the viewer is team for
    each of them and may read every handover (they are team only).
    """
    if not person_ids:
        return {}
    latest: dict[int, Note] = {}
    notes = (
        Note.objects.filter(
            person_id__in=person_ids,
            kind=Note.Kind.HANDOVER,
            deleted_at__isnull=True,
            created_at__gte=now - dt.timedelta(days=HANDOVER_DAYS),
        )
        .select_related("author")
        .order_by("-created_at", "-pk")
    )
    for note in notes:
        latest.setdefault(note.person_id, note)
    return latest


def open_concerns_for_teams(user: User, *, limit: int = SHORT_LIST) -> list[Note]:
    """The newest concerns nobody has said are handled, about people the carer's teams
    support now."""
    return list(
        Note.objects.filter(
            kind=Note.Kind.CONCERN,
            handled_at__isnull=True,
            deleted_at__isnull=True,
            person__team_id__in=current_team_ids(user),
            person__support_ended_at__isnull=True,
        )
        .select_related("person", "author")
        .order_by("-created_at", "-pk")[:limit]
    )


def open_visits_soon(user: User, *, today: dt.date) -> list[Visit]:
    """Visits in the carer's teams that nobody has taken, from today for a week."""
    return open_visits_in_teams(current_team_ids(user), today=today, days=LOOK_AHEAD_DAYS)


def offers_for(user: User, *, today: dt.date) -> list[Offer]:
    """Open offers a colleague made to this carer by name, or to their whole team."""
    return list(
        Offer.objects.filter(
            Q(to_user=user) | Q(to_user__isnull=True),
            status=Offer.Status.OPEN,
            visit__team_id__in=current_team_ids(user),
            visit__date__gte=today,
        )
        .exclude(from_user=user)
        .select_related("visit__person", "from_user", "to_user")
        .order_by("visit__date", "visit__window_start", "pk")
    )


def today_for(user: User, *, now: dt.datetime | None = None) -> Today:
    """A carer's Today. Six queries, whatever the number of visits, people and notes."""
    now = (now or timezone.now()).astimezone(UTC)
    today = now.astimezone(rota_zone()).date()
    visits = _my_visits(user, start=today, days=LOOK_AHEAD_DAYS + 1)
    coming, done, later = [], 0, None
    to_mark_done = [v for v in visits if v.date == today and v.checked_in_at and v.done_at is None]
    for visit in visits:
        if visit.date == today and visit.done_at is not None:
            done += 1
        elif visit.date == today:
            # Compared in UTC: same-zone datetimes compare by wall clock, wrong in the
            # repeated hour of the day the clocks go back.
            if aware(visit.date, visit.window_end).astimezone(UTC) <= now:
                done += 1
            else:
                coming.append(visit)
        elif later is None:
            later = visit
    shown = coming + ([later] if later else [])
    handovers = latest_handovers({v.person_id for v in shown}, now=now)

    def entry(visit: Visit) -> TodayVisit:
        return TodayVisit(
            visit=visit, when=window_words(visit, today), handover=handovers.get(visit.person_id)
        )

    open_visits = open_visits_soon(user, today=today)
    return Today(
        today=today,
        coming_today=[entry(v) for v in coming],
        done_today=done,
        next_later=entry(later) if later else None,
        open_concerns=open_concerns_for_teams(user),
        open_visits=open_visits[:SHORT_LIST],
        open_visits_count=len(open_visits),
        offers=offers_for(user, today=today),
        # The next visit shows its own button.
        to_mark_done=[v for v in to_mark_done if v not in coming[:1]],
    )

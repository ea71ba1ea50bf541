"""Reads for the person's own "My day": who is coming to see them, today and tomorrow, their
goals, and how they said they feel today.

Said to the person, in the first person, in the active language. The person sees their own
record (families.access); the whole page costs the same few queries however many visits there are.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from core.dates import greeting
from core.models import User
from families.models import Note, Outcome, Person
from teams.models import Visit
from teams.rota.clock import UTC, aware, rota_zone
from teams.rota.selectors import window_words
from teams.rota.visit_words import coming_to_you, with_you_now

# Far enough ahead to say when someone comes next after a quiet weekend.
LOOK_AHEAD_DAYS = 7


@dataclass(frozen=True)
class DayVisit:
    visit: Visit
    carers: list[User]
    # "this afternoon, between 12 and 1.30"
    when: str
    # "Priya is coming to see you this afternoon, between 12 and 1.30."
    sentence: str
    here_now: bool = False


@dataclass
class MyDay:
    person: Person
    greeting: str
    today: dt.date
    # Still to come today (or under way), soonest first.
    today_visits: list[DayVisit]
    tomorrow_visits: list[DayVisit]
    # The first visit after tomorrow, when today and tomorrow have none.
    later: DayVisit | None
    goals: list[Outcome] = field(default_factory=list)
    # The person's own note about how they feel, when they wrote one today.
    feeling: Note | None = None

    @property
    def next_visit(self) -> DayVisit | None:
        for visits in (self.today_visits, self.tomorrow_visits):
            if visits:
                return visits[0]
        return self.later

    @property
    def later_today(self) -> list[DayVisit]:
        """Today's visits after the next one."""
        return self.today_visits[1:]

    @property
    def tomorrow_rest(self) -> list[DayVisit]:
        """Tomorrow's visits not already said as the next one."""
        return self.tomorrow_visits if self.today_visits else self.tomorrow_visits[1:]


def _entry(visit: Visit, today: dt.date, now: dt.datetime) -> DayVisit:
    carers = [u for u in (visit.carer, visit.second_carer) if u is not None]
    here = visit.checked_in_at is not None and visit.date == today
    return DayVisit(
        visit=visit,
        carers=carers,
        when=window_words(visit, today),
        sentence=with_you_now(carers) if here else coming_to_you(visit, carers, today),
        here_now=here,
    )


def feeling_today(person: Person, *, today: dt.date) -> Note | None:
    """The newest note the person wrote themself today saying how they feel."""
    if person.user_id is None:
        return None
    start = aware(today, dt.time(0))
    return (
        Note.objects.filter(
            person=person,
            author_id=person.user_id,
            wellbeing__isnull=False,
            deleted_at__isnull=True,
            created_at__gte=start,
            created_at__lt=start + dt.timedelta(days=1),
        )
        .order_by("-created_at", "-pk")
        .first()
    )


def my_day_for(person: Person, *, now: dt.datetime | None = None) -> MyDay:
    """The person's own day. Three queries, however many visits and goals they have."""
    now = (now or timezone.now()).astimezone(UTC)
    local = now.astimezone(rota_zone())
    today, tomorrow = local.date(), local.date() + dt.timedelta(days=1)
    visits = (
        Visit.objects.filter(
            person=person,
            date__gte=today,
            date__lte=today + dt.timedelta(days=LOOK_AHEAD_DAYS),
        )
        .exclude(status=Visit.Status.CANCELLED)
        .select_related("carer", "second_carer")
        .order_by("date", "window_start", "pk")
    )
    today_visits, tomorrow_visits, later = [], [], None
    for visit in visits:
        if visit.date == today:
            # Compared in UTC: same-zone datetimes compare by wall clock, wrong in the
            # repeated hour of the day the clocks go back.
            if aware(visit.date, visit.window_end).astimezone(UTC) > now:
                today_visits.append(_entry(visit, today, now))
        elif visit.date == tomorrow:
            tomorrow_visits.append(_entry(visit, today, now))
        elif later is None:
            later = _entry(visit, today, now)
    # What they are working on first, then what they have done.
    goals = sorted(
        Outcome.objects.filter(person=person).exclude(status=Outcome.Status.PAUSED),
        key=lambda goal: (goal.status != Outcome.Status.WORKING_ON, goal.title, goal.pk),
    )
    return MyDay(
        person=person,
        greeting=greeting(person.name, at=local.time()),
        today=today,
        today_visits=today_visits,
        tomorrow_visits=tomorrow_visits,
        later=later if not (today_visits or tomorrow_visits) else None,
        goals=goals,
        feeling=feeling_today(person, today=today),
    )

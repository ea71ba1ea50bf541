"""Four weeks of a believable rota for the demo neighbourhood.

Each person has a small core of carers who know them, as a good self-managing team aims
for; the last person is seen by everyone in turn, so the rota has someone above the
continuity goal to highlight (the first, usually the one the demo is shown with, keeps a small
core of familiar faces). Some visits next week are still open and one is on offer, so
claiming and swapping can be tried at once. Call it once, from seed_demo.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from core.models import User
from families.models import Person
from teams.models import Team, Visit, VisitPattern
from teams.rota import services
from teams.rota.clock import week_start
from teams.rota.services import _expand

# (rule, label, from, until, minutes, purpose in the person's words)
ROUTINES = [
    (
        "FREQ=DAILY",
        "morning",
        dt.time(8),
        dt.time(10),
        45,
        "Help me get up, wash and have my breakfast.",
    ),
    (
        "FREQ=WEEKLY;BYDAY=MO,WE,FR",
        "lunchtime",
        dt.time(12),
        dt.time(13, 30),
        30,
        "Lunch together and a chat about the garden.",
    ),
    (
        "FREQ=WEEKLY;BYDAY=TU,TH,SA",
        "teatime",
        dt.time(17),
        dt.time(18, 30),
        45,
        "Tea, my tablets, and getting settled for the evening.",
    ),
]


@dataclass(frozen=True)
class DemoRota:
    visits: int
    open_visits: int
    above_goal: Person | None


def build_demo_rota(
    team: Team, people: Sequence[Person], carers: Sequence[User], today: dt.date
) -> DemoRota:
    """Two weeks back and two weeks ahead from the Monday before last."""
    if not people or not carers:
        return DemoRota(visits=0, open_visits=0, above_goal=None)
    first = week_start(today) - dt.timedelta(weeks=2)
    last = first + dt.timedelta(days=27)
    goal = services.rota_settings_for(team).continuity_goal
    # Only with more carers than the goal can anyone be above it.
    rotating = people[-1] if len(carers) > goal and len(people) > 1 else None
    changed: list[Visit] = []
    for index, person in enumerate(people):
        rule, label, start, end, minutes, purpose = ROUTINES[index % len(ROUTINES)]
        pattern = VisitPattern.objects.create(
            team=team,
            person=person,
            rule=rule,
            window_label=label,
            window_start=start,
            window_end=end,
            minutes=minutes,
            purpose=purpose,
            starts_on=first,
        )
        _expand(pattern, until=last, start=first)
        core = [carers[(index + k) % len(carers)] for k in range(2)]
        cover = carers[(index + 2) % len(carers)]
        visits = Visit.objects.filter(pattern=pattern).order_by("date")
        for number, visit in enumerate(visits):
            if person == rotating:
                visit.carer = carers[number % len(carers)]
            elif visit.date > today + dt.timedelta(days=2) and (index + number) % 7 == 0:
                visit.carer = None  # still to be claimed
            elif number % 9 == 8:
                visit.carer = cover  # holiday cover: a third face now and then
            else:
                visit.carer = core[number % 2]
            visit.status = Visit.Status.ASSIGNED if visit.carer else Visit.Status.OPEN
            changed.append(visit)
    Visit.objects.bulk_update(changed, ["carer", "status"])

    # Some rota activity to read and undo: an offer made through the same service as the app.
    upcoming = (
        Visit.objects.filter(
            team=team, date__gt=today, status=Visit.Status.ASSIGNED, person__in=people[:-1]
        )
        # By id last: people who share a routine tie on date and time, and the demo must be
        # the same on every run for a given day (the first person listed wins the tie).
        .order_by("date", "window_start", "pk")
        .first()
    )
    if upcoming is not None:
        assert upcoming.carer is not None  # an assigned visit has its carer
        services.visit_offer(
            actor=upcoming.carer,
            visit_id=upcoming.pk,
            note="I have a hospital appointment that morning.",
        )
    return DemoRota(
        visits=len(changed),
        open_visits=sum(v.status == Visit.Status.OPEN for v in changed),
        above_goal=rotating,
    )

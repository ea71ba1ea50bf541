"""Small builders shared by the rota tests."""

import datetime as dt
from typing import Any

from core.tests.factories import MembershipFactory, UserFactory
from teams.models import Visit
from teams.rota import services
from teams.rota.clock import local_today

# Tests that name their dates (January 2027, the clock changes of 2027) stand on this day, well
# before them all, so they never slip into the past however long the tests are kept.
BEFORE_THE_NAMED_DATES = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)  # a Tuesday

MORNING: dict[str, Any] = {
    "window_start": dt.time(9),
    "window_end": dt.time(11),
    "window_label": "morning",
}


def soon(days: int = 3) -> dt.date:
    return local_today() + dt.timedelta(days=days)


def open_visit(personas, *, day: dt.date | None = None, person=None, **extra) -> Visit:
    fields = {**MORNING, "minutes": 60, "purpose": "A cup of tea and a chat", **extra}
    return services.visit_create(
        actor=personas.carer,
        person_id=(person or personas.person).pk,
        date=day or soon(),
        **fields,
    )


def teammate(personas, name: str = "Bea Colleague"):
    user = UserFactory(display_name=name)
    MembershipFactory(team=personas.team, user=user)
    return user

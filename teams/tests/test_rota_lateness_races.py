"""Two carers take the urgent visit at the same moment: exactly one gets it, the other is told
who, and the family hears once who is coming instead. A carer tapping "I can't make it" twice
at once is told plainly the second time.

Runs only on PostgreSQL, where two transactions truly run at once and the row lock decides.
"""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from core.models import PushNews
from teams.models import RotaChange, Visit
from teams.rota import lateness, services
from teams.rota.clock import local_today
from teams.tests.rota_helpers import open_visit, teammate
from teams.tests.test_rota_races import _at_once, _slow_claim

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _midday():
    with time_machine.travel(dt.datetime(2026, 6, 17, 11, 0, tzinfo=dt.UTC), tick=True):
        yield


def _urgent_visit(personas) -> Visit:
    visit = open_visit(
        personas,
        day=local_today(),
        carer_ids=[personas.carer.pk],
        window_start=dt.time(12),
        window_end=dt.time(14),
        window_label="",
    )
    return lateness.visit_cant_make_it(actor=personas.carer, visit_id=visit.pk)


@pytest.mark.parametrize("attempt", range(3))
def test_two_carers_taking_the_urgent_visit_at_once_one_gets_it(personas, attempt):
    kasia, mei = teammate(personas, "Kasia Nowicka"), teammate(personas, "Mei Chen")
    visit = _urgent_visit(personas)
    results = _at_once([_slow_claim(kasia, visit.pk), _slow_claim(mei, visit.pk)])
    winners = [r for r in results if isinstance(r, Visit)]
    losers = [r for r in results if isinstance(r, services.AlreadyTaken)]
    assert len(winners) == 1 and len(losers) == 1, results
    visit.refresh_from_db()
    assert visit.carer is not None
    assert losers[0].taken_by == visit.carer
    assert losers[0].messages == [f"{visit.carer.display_name} has already taken this visit."]
    assert RotaChange.objects.filter(kind=RotaChange.Kind.VISIT_CLAIMED).count() == 1
    instead = PushNews.objects.filter(kind="running_late", title__endswith="is coming instead")
    assert instead.count() == 1


def test_cant_make_it_tapped_twice_at_once_is_said_once(personas):
    visit = open_visit(
        personas,
        day=local_today(),
        carer_ids=[personas.carer.pk],
        window_start=dt.time(12),
        window_end=dt.time(14),
    )
    results = _at_once(
        [
            lambda: lateness.visit_cant_make_it(actor=personas.carer, visit_id=visit.pk),
            lambda: lateness.visit_cant_make_it(actor=personas.carer, visit_id=visit.pk),
        ]
    )
    assert sum(isinstance(r, Visit) for r in results) == 1, results
    [refused] = [r for r in results if isinstance(r, ValidationError)]
    assert "already said you can't make it" in refused.messages[0]
    assert RotaChange.objects.filter(kind=RotaChange.Kind.VISIT_CANT_MAKE_IT).count() == 1

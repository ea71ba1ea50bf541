"""Two carers claim the same open visit at the same moment: exactly one gets it.

Runs only on PostgreSQL, where two transactions truly run at once and the row lock decides.
"""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from teams.models import Offer, RotaChange, Visit
from teams.rota import services
from teams.tests.rota_helpers import open_visit, teammate

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _at_once(calls):
    """Run each call in its own thread (and so its own connection), started together."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            results[index] = call()
        except ValidationError as error:
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def _slow_claim(actor, visit_id):
    """Claim, then hold the transaction open a moment so the other claim really overlaps."""

    def call():
        with transaction.atomic():
            visit = services.visit_claim(actor=actor, visit_id=visit_id)
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_sleep(0.2)")
            return visit

    return call


@pytest.mark.parametrize("attempt", range(3))
def test_two_concurrent_claims_one_wins_and_the_other_is_told_who(personas, attempt):
    bea = teammate(personas)
    visit = open_visit(personas)
    results = _at_once([_slow_claim(personas.carer, visit.pk), _slow_claim(bea, visit.pk)])
    winners = [r for r in results if isinstance(r, Visit)]
    losers = [r for r in results if isinstance(r, services.AlreadyTaken)]
    assert len(winners) == 1 and len(losers) == 1, results
    visit.refresh_from_db()
    assert visit.carer is not None
    assert visit.carer == winners[0].carer
    assert losers[0].taken_by == visit.carer
    assert losers[0].messages == [f"{visit.carer.display_name} has already taken this visit."]
    assert RotaChange.objects.filter(kind=RotaChange.Kind.VISIT_CLAIMED).count() == 1


def test_two_concurrent_accepts_of_one_offer_one_wins(personas):
    bea = teammate(personas)
    cy = teammate(personas, "Cy Third")
    visit = open_visit(personas, carer_ids=[personas.carer.pk])
    offer = services.visit_offer(actor=personas.carer, visit_id=visit.pk)
    results = _at_once(
        [
            lambda: services.offer_accept(actor=bea, offer_id=offer.pk),
            lambda: services.offer_accept(actor=cy, offer_id=offer.pk),
        ]
    )
    assert sum(isinstance(r, Visit) for r in results) == 1, results
    assert sum(isinstance(r, services.AlreadyTaken) for r in results) == 1, results
    offer.refresh_from_db()
    visit.refresh_from_db()
    assert offer.status == Offer.Status.ACCEPTED and visit.carer == offer.accepted_by

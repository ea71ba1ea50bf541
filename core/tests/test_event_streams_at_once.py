"""Writes about one person at the same moment, as a burst of carers and family members makes.

Each write locks the streams it is logged to. The first writes about a person also make those
streams, and on PostgreSQL making some while holding others let two such writes deadlock (each
held a stream the other waited for, while waiting for the other's new stream to commit): one
of them answered 500. Every write here must go through, and each stream must stay one chain.
"""

import contextlib
import threading

import pytest
from django.db import close_old_connections, connection, transaction

from core.audience import Audience
from core.models import Event, EventStream
from core.realtime import publish
from core.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db(transaction=True)

WRITERS = 6
ROUNDS = 8
# Shared with the circle under a topic (two streams each), or for the team only (one stream).
SHARED = {Audience.TEAM: "<p>news</p>", Audience.CIRCLE: "<p>news</p>"}
TEAM_ONLY = {Audience.TEAM: "<p>handover</p>"}
TOPICS = ("moment", "visit", "", "family_update", "moment", "")


def _write(person_id: int, n: int) -> None:
    with transaction.atomic():
        topic = TOPICS[n % len(TOPICS)]
        fragments = TEAM_ONLY if not topic else SHARED
        publish(kind="test.item", person_id=person_id, fragments=fragments, topic=topic)


def _all_at_once(person_id: int) -> list[BaseException]:
    start = threading.Barrier(WRITERS)
    failed: list[BaseException] = []
    # SQLite writes one at a time (Kith's file database waits its turn; the tests' in-memory
    # one refuses instead), so there the writers take turns: still every stream's first write.
    turns = threading.Lock() if connection.vendor == "sqlite" else contextlib.nullcontext()

    def writer(n: int) -> None:
        try:
            start.wait()
            with turns:
                _write(person_id, n)
        except BaseException as error:  # reported below, whatever it is
            failed.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return failed


def test_first_writes_about_a_person_at_once_all_go_through_in_one_chain_per_stream():
    for _round in range(ROUNDS):
        person = PersonFactory.create()  # nobody has written about them: no stream yet
        failed = _all_at_once(person.pk)
        close_old_connections()
        assert failed == []
        events = list(Event.objects.filter(person_id=person.pk).order_by("pk"))
        # Every write logged once in each of its streams, and each stream's head is its last.
        assert len(events) == sum(1 if not TOPICS[n % len(TOPICS)] else 2 for n in range(WRITERS))
        heads = dict(
            EventStream.objects.filter(name__startswith=f"person-{person.pk}-").values_list(
                "name", "last_event_id"
            )
        )
        for name, last in heads.items():
            assert last == max(e.pk for e in events if e.stream == name)

"""Every read of a record is written in its trail: once per reader, record and period.

core.audit.record_read is called from every read path, pages and API alike. The clock is
held still in each test (the period would otherwise change under a test now and then).
"""

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db import connection, connections, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.audit import ReadChannel, read_period_start, record_read
from core.models import AuditEntry
from families import services
from families.access import person_access
from families.tests.notes_helpers import photo_upload
from families.timeline import encode_cursor

HTMX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}
START = datetime(2026, 3, 4, 10, 1, tzinfo=UTC)  # a minute into a period


class Clock:
    def __init__(self, monkeypatch) -> None:
        self.now = START
        monkeypatch.setattr(timezone, "now", lambda: self.now)

    def move(self, **delta) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    return Clock(monkeypatch)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _reads(person_id: int):
    return AuditEntry.objects.filter(action=AuditEntry.Action.VIEWED, person_id=person_id)


@pytest.fixture
def record(personas):
    """Jean's record with a goal and a shared note with a photo."""
    goal = services.outcome_create(
        actor=personas.carer, person_id=personas.person.pk, title="Walk to the shop"
    )
    note = services.note_create(
        actor=personas.carer,
        person_id=personas.person.pk,
        kind="moment",
        body="A lovely walk.",
        audience="circle",
        photos=[photo_upload()],
        outcome_ids=[goal.pk],
    )
    return {"goal": goal, "note": note, "photo": note.photos.get()}


def _read_paths(personas, record) -> dict[str, tuple[str, dict, ReadChannel]]:
    person_id = personas.person.pk
    return {
        "person page": (reverse("person", args=[person_id]), {}, ReadChannel.PAGE),
        "timeline": (reverse("timeline", args=[person_id]), {}, ReadChannel.PAGE),
        "older notes": (
            reverse("timeline", args=[person_id]) + f"?cursor={encode_cursor(record['note'])}",
            HTMX,
            ReadChannel.PAGE,
        ),
        "a note": (reverse("note_detail", args=[record["note"].pk]), {}, ReadChannel.PAGE),
        "a note's photo": (reverse("note_photo", args=[record["photo"].pk]), {}, ReadChannel.PAGE),
        "goals": (reverse("outcome_list", args=[person_id]), {}, ReadChannel.PAGE),
        "a goal": (reverse("outcome_detail", args=[record["goal"].pk]), {}, ReadChannel.PAGE),
        "api person": (f"/api/v1/people/{person_id}", {}, ReadChannel.API),
        "api circle": (f"/api/v1/people/{person_id}/circle", {}, ReadChannel.API),
        "api notes": (f"/api/v1/people/{person_id}/notes", {}, ReadChannel.API),
        "api goals": (f"/api/v1/people/{person_id}/outcomes", {}, ReadChannel.API),
    }


PATHS = [
    "person page",
    "timeline",
    "older notes",
    "a note",
    "a note's photo",
    "goals",
    "a goal",
    "api person",
    "api circle",
    "api notes",
    "api goals",
]


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("who", ["carer", "family"])
def test_every_read_of_the_record_is_written_down(personas, record, clock, path, who):
    url, headers, channel = _read_paths(personas, record)[path]
    reader = personas.all_users()[who]

    response = _client(reader).get(url, **headers)

    assert response.status_code == 200, path
    entry = _reads(personas.person.pk).get()
    assert (entry.actor, entry.detail) == (reader, {"channel": channel.value})
    assert entry.read_period == read_period_start(START)


def test_a_period_of_reading_is_written_once_and_the_next_period_again(personas, record, clock):
    client = _client(personas.family)
    paths = _read_paths(personas, record)
    for _ in range(20):  # scrolling, coming back, the app asking again
        for url, headers, _channel in paths.values():
            assert client.get(url, **headers).status_code == 200
        clock.move(seconds=30)
    # 10 minutes on, still the same 15-minute period.
    assert _reads(personas.person.pk).count() == 1

    clock.move(minutes=5)
    client.get(paths["timeline"][0])

    periods = list(_reads(personas.person.pk).values_list("read_period", flat=True))
    assert sorted(periods) == [
        datetime(2026, 3, 4, 10, 0, tzinfo=UTC),
        datetime(2026, 3, 4, 10, 15, tzinfo=UTC),
    ]


def test_each_reader_is_written_down_on_their_own(personas, record, clock):
    for user in (personas.carer, personas.family, personas.professional):
        _client(user).get(reverse("timeline", args=[personas.person.pk]))
    readers = set(_reads(personas.person.pk).values_list("actor_id", flat=True))
    assert readers == {personas.carer.pk, personas.family.pk, personas.professional.pk}


def test_the_persons_own_looks_are_not_written_in_their_trail(personas, record, clock):
    """The trail is Jean's, to see who else looked: her own looks would only crowd it."""
    jean = _client(personas.person_user)
    for url, headers, _channel in _read_paths(personas, record).values():
        assert jean.get(url, **headers).status_code == 200
    assert not _reads(personas.person.pk).exists()


def test_a_refused_read_writes_nothing(personas, record, clock):
    client = _client(personas.outsider)
    for url, headers, _channel in _read_paths(personas, record).values():
        assert client.get(url, **headers).status_code == 404
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.VIEWED).exists()


def test_a_read_that_is_rolled_back_does_not_hide_the_next(personas, clock):
    access = person_access(personas.carer, personas.person.pk)
    assert access is not None
    with pytest.raises(RuntimeError), transaction.atomic():
        record_read(reader=personas.carer, access=access, channel=ReadChannel.PAGE)
        raise RuntimeError("the request failed after reading")
    record_read(reader=personas.carer, access=access, channel=ReadChannel.PAGE)
    assert _reads(personas.person.pk).count() == 1


def _audit_writes(captured) -> list[str]:
    return [
        q["sql"]
        for q in captured
        if q["sql"].startswith("INSERT") and '"core_auditentry"' in q["sql"]
    ]


@pytest.mark.parametrize("path", ["person page", "timeline", "older notes", "a note", "api notes"])
def test_a_read_costs_one_statement_per_period_and_none_after(
    personas, record, clock, path, django_capture_on_commit_callbacks
):
    url, headers, _channel = _read_paths(personas, record)[path]
    client = _client(personas.carer)

    def get() -> None:
        # Each request commits on its own in real life; here the test's transaction holds
        # them, so what waits for the commit is run at the end of each request.
        with django_capture_on_commit_callbacks(execute=True):
            assert client.get(url, **headers).status_code == 200

    get()  # the first visit renews the session and marks what was seen

    with CaptureQueriesContext(connection) as within:
        get()
    clock.move(minutes=15)
    with CaptureQueriesContext(connection) as next_period:
        get()

    assert _audit_writes(within) == [], "a look already written this period costs no query"
    assert len(_audit_writes(next_period)) == 1
    assert len(next_period) == len(within) + 1, "the only extra query is the one audit write"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_reads_at_the_same_moment_are_written_once(personas, clock, monkeypatch):
    """Eight requests from one reader at once, each in its own transaction and connection."""
    import core.audit

    class NoCache:  # every request misses the cache, as on eight processes at once
        def get(self, key):
            return None

        def set(self, *args, **kwargs):
            pass

    monkeypatch.setattr(core.audit, "cache", NoCache())
    access = person_access(personas.family, personas.person.pk)
    assert access is not None
    start = threading.Barrier(8)
    errors = []

    def read() -> None:
        try:
            start.wait(timeout=10)
            with transaction.atomic():
                record_read(reader=personas.family, access=access, channel=ReadChannel.API)
                # Hold the transaction open, so the others' inserts meet an uncommitted row.
                threading.Event().wait(0.2)
        except Exception as error:  # reported below, not lost in a thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=read) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert _reads(personas.person.pk).count() == 1

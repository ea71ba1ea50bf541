from io import StringIO

import pytest
from django.core.management import call_command

from core.models import User
from teams.directory import selectors
from teams.directory.access import entry_access
from teams.models import Connection, ConnectionMoment, DirectoryEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(db) -> None:
    call_command("seed_demo", stdout=StringIO())


# Seeding takes a while: one demo, looked at three ways.
def test_the_demo_has_a_believable_directory(seeded):
    _entries_and_checks()
    _connections_and_moments()
    _sharing_between_teams()


def _entries_and_checks() -> None:
    entries = DirectoryEntry.objects.prefetch_related("checks")
    assert entries.count() >= 15
    providers = [e for e in entries if e.kind == DirectoryEntry.Kind.MICRO_PROVIDER]
    assert len(providers) >= 3
    overdue = [e.name for e in providers if selectors.checks_due(e)]
    assert overdue == ["Dave's gardening round"]


def _connections_and_moments() -> None:
    people = set(Connection.objects.values_list("person__preferred_name", flat=True))
    assert {"Jean", "George", "Gwen", "Winston"} <= people
    jean_club = Connection.objects.get(
        person__preferred_name="Jean", entry__name="St Mary's Thursday club"
    )
    assert jean_club.outcome is not None
    assert ConnectionMoment.objects.filter(connection=jean_club).count() == 4


def _sharing_between_teams() -> None:
    omar = User.objects.get(email="omar@kith.example")
    shared = DirectoryEntry.objects.get(name="St Mary's Thursday club")
    private = DirectoryEntry.objects.get(name="Dave's gardening round")
    shared_access = entry_access(omar, shared.pk)
    assert shared_access is not None
    assert entry_access(omar, private.pk) is None
    assert selectors.entry_people(shared_access) == []

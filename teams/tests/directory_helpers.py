"""Entries and connections for directory tests, made through the services."""

from __future__ import annotations

from typing import Any

from teams.directory import services
from teams.models import DirectoryEntry, Organisation


def entry(personas: Any, name: str = "St Mary's community choir", **values: Any) -> DirectoryEntry:
    fields = {
        "name": name,
        "kind": DirectoryEntry.Kind.GROUP,
        "what": "A friendly choir for anyone who loves singing.",
        "when_text": "Thursdays, 2 to 4 pm",
        "where": "St Mary's church hall",
        "postcode": "LS6 2AB",
        "keywords": "singing, music",
    } | values
    return services.entry_create(actor=personas.carer, team_id=personas.team.pk, **fields)


def same_organisation(personas: Any) -> Organisation:
    organisation = Organisation.objects.create(name="Leeds care co-operative")
    for team in (personas.team, personas.other_team):
        team.organisation = organisation
        team.save(update_fields=["organisation"])
    return organisation

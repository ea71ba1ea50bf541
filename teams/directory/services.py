"""Writes to the neighbourhood directory: keyword-only, one transaction each, access checked."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from families.access import person_access_or_404
from families.models import Note, Outcome
from families.services import note_create
from teams.directory.access import (
    connection_access_or_404,
    directory_team_or_404,
    entries_for_person,
    entry_team_access_or_404,
)
from teams.directory.selectors import entry_duplicates
from teams.models import (
    Connection,
    ConnectionMoment,
    DirectoryEntry,
    EntryChange,
    ProviderCheck,
)

if TYPE_CHECKING:
    from core.models import User

# The fields a team member may set on an entry; a suggestion sets the first few only.
ENTRY_FIELDS = (
    "kind",
    "name",
    "what",
    "when_text",
    "weekday",
    "starts_at",
    "ends_at",
    "where",
    "postcode",
    "getting_there",
    "step_free",
    "hearing_loop",
    "transport",
    "cost",
    "contact",
    "keywords",
    "shared",
)
SUGGESTION_FIELDS = ("kind", "name", "what", "when_text", "where", "postcode", "contact")

_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][0-9A-Z]?)\s*([0-9][A-Z]{2})?$")


def postcode_clean(value: str) -> str:
    """A UK postcode or its first half in one form ("ls6 2ab" -> "LS6 2AB"); '' for none."""
    text = " ".join(value.upper().split())
    if not text:
        return ""
    match = _POSTCODE.match(text)
    if match is None:
        raise ValidationError(
            {"postcode": _("Please give a postcode like LS6 2AB, or its first half, like LS6.")}
        )
    outward, inward = match.groups()
    return f"{outward} {inward}" if inward else outward


def _cleaned(values: dict[str, Any]) -> dict[str, Any]:
    values = dict(values)
    for name, value in values.items():
        if isinstance(value, str) and name not in ("what", "getting_there"):
            values[name] = " ".join(value.split())
    if "postcode" in values:
        values["postcode"] = postcode_clean(values["postcode"] or "")
    errors: dict[str, str] = {}
    if "name" in values and not values["name"]:
        errors["name"] = _("Please give it a name.")
    if "kind" in values and values["kind"] not in DirectoryEntry.Kind.values:
        errors["kind"] = _("Please choose what kind of thing it is.")
    weekday = values.get("weekday")
    if weekday is not None and not 0 <= weekday <= 6:
        errors["weekday"] = _("Please choose a day of the week.")
    starts, ends = values.get("starts_at"), values.get("ends_at")
    if starts and ends and ends <= starts:
        errors["ends_at"] = _("Please give an end time after the start.")
    if errors:
        raise ValidationError(errors)
    return values


def _duplicate_check(*, team_id: int, name: str, exclude_id: int | None = None) -> None:
    if entry_duplicates(team_id=team_id, name=name, exclude_id=exclude_id):
        message = _("The directory already has something with this name.")
        raise ValidationError({"name": ValidationError(message, code="duplicate")})


def entry_create(
    *, actor: User, team_id: int, duplicate_ok: bool = False, **values: Any
) -> DirectoryEntry:
    """Add an entry to a team's directory. A name already there is refused unless agreed."""
    team = directory_team_or_404(actor, team_id)
    unknown = set(values) - set(ENTRY_FIELDS)
    if unknown:
        raise TypeError(f"not entry fields: {sorted(unknown)}")
    values = _cleaned({"name": "", "kind": ""} | values)
    if not duplicate_ok:
        _duplicate_check(team_id=team.pk, name=values["name"])
    with transaction.atomic():
        entry = DirectoryEntry.objects.create(team=team, created_by=actor, **values)
        EntryChange.objects.create(entry=entry, actor=actor, action=EntryChange.Action.ADDED)
    return entry


def _jsonable(value: object) -> object:
    if isinstance(value, dt.time | dt.date):
        return value.isoformat()
    return value


def entry_update(
    *, actor: User, entry_id: int, duplicate_ok: bool = False, **values: Any
) -> DirectoryEntry:
    """Change an entry; each changed field is kept in its history, before and after."""
    access = entry_team_access_or_404(actor, entry_id)
    unknown = set(values) - set(ENTRY_FIELDS)
    if unknown:
        raise TypeError(f"not entry fields: {sorted(unknown)}")
    values = _cleaned(values)
    with transaction.atomic():
        entry = DirectoryEntry.objects.select_for_update().get(pk=access.entry.pk)
        if (
            not duplicate_ok
            and "name" in values
            and values["name"].casefold() != entry.name.casefold()
        ):
            _duplicate_check(team_id=entry.team_id, name=values["name"], exclude_id=entry.pk)
        changed = {
            name: [_jsonable(getattr(entry, name)), _jsonable(value)]
            for name, value in values.items()
            if getattr(entry, name) != value
        }
        if not changed:
            return entry
        for name, value in values.items():
            setattr(entry, name, value)
        entry.updated_at = timezone.now()
        entry.save()
        EntryChange.objects.create(
            entry=entry, actor=actor, action=EntryChange.Action.EDITED, fields=changed
        )
    return entry


def entry_suggest(*, actor: User, person_id: int, **values: Any) -> DirectoryEntry:
    """Someone who sees a person suggests a group or place for them; the team confirms it."""
    access = person_access_or_404(actor, person_id)
    unknown = set(values) - set(SUGGESTION_FIELDS)
    if unknown:
        raise TypeError(f"not suggestion fields: {sorted(unknown)}")
    values = _cleaned({"name": "", "kind": DirectoryEntry.Kind.GROUP} | values)
    with transaction.atomic():
        entry = DirectoryEntry.objects.create(
            team_id=access.person.team_id,
            status=DirectoryEntry.Status.SUGGESTED,
            suggested_by=actor,
            suggested_for=access.person,
            created_by=actor,
            **values,
        )
        EntryChange.objects.create(entry=entry, actor=actor, action=EntryChange.Action.SUGGESTED)
    return entry


def entry_confirm(*, actor: User, entry_id: int) -> DirectoryEntry:
    """A team member confirms a suggestion: now others see it, linked to whom it was for."""
    access = entry_team_access_or_404(actor, entry_id)
    with transaction.atomic():
        entry = DirectoryEntry.objects.select_for_update().get(pk=access.entry.pk)
        if entry.is_confirmed:
            return entry
        entry.status = DirectoryEntry.Status.CONFIRMED
        entry.updated_at = timezone.now()
        entry.save(update_fields=["status", "updated_at"])
        EntryChange.objects.create(entry=entry, actor=actor, action=EntryChange.Action.CONFIRMED)
        suggested_for = entry.suggested_for
        if suggested_for is not None and suggested_for.team_id == entry.team_id:
            Connection.objects.get_or_create(
                person=suggested_for, entry=entry, defaults={"created_by": actor}
            )
    return entry


def check_confirm(
    *, actor: User, entry_id: int, kind: str, last_confirmed: dt.date
) -> ProviderCheck:
    """Write down that a micro-provider's check (DBS, insurance...) was confirmed on a day."""
    access = entry_team_access_or_404(actor, entry_id)
    if access.entry.kind != DirectoryEntry.Kind.MICRO_PROVIDER:
        raise ValidationError({"kind": _("Only micro-providers have checks written down.")})
    if kind not in ProviderCheck.Kind.values:
        raise ValidationError({"kind": _("Please choose which check.")})
    if last_confirmed > timezone.localdate():
        raise ValidationError({"last_confirmed": _("That day has not come yet.")})
    with transaction.atomic():
        check, _created = ProviderCheck.objects.update_or_create(
            entry=access.entry, kind=kind, defaults={"last_confirmed": last_confirmed}
        )
        EntryChange.objects.create(
            entry=access.entry,
            actor=actor,
            action=EntryChange.Action.CHECKED,
            fields={kind: [None, last_confirmed.isoformat()]},
        )
    return check


def connection_create(
    *,
    actor: User,
    person_id: int,
    entry_id: int,
    interest: str = "",
    outcome_id: int | None = None,
) -> Connection:
    """Link an entry to someone the team supports, perhaps to an interest and a goal."""
    access = person_access_or_404(actor, person_id)
    if not access.is_team:
        raise Http404
    entry = DirectoryEntry.objects.filter(entries_for_person(access), pk=entry_id).first()
    if entry is None:
        raise ValidationError({"entry": _("Please choose something from the directory.")})
    outcome = None
    if outcome_id is not None:
        outcome = Outcome.objects.filter(pk=outcome_id, person=access.person).first()
        if outcome is None:
            raise ValidationError({"outcome": _("Please choose one of their goals.")})
    try:
        with transaction.atomic():
            return Connection.objects.create(
                person=access.person,
                entry=entry,
                interest=" ".join(interest.split())[:120],
                outcome=outcome,
                created_by=actor,
            )
    except IntegrityError:
        raise ValidationError(
            {"entry": _("They are already connected with this.")}, code="exists"
        ) from None


def connection_remove(*, actor: User, connection_id: int) -> None:
    connection, access = connection_access_or_404(actor, connection_id)
    if not access.is_team:
        raise Http404
    connection.delete()


def moment_create(
    *,
    actor: User,
    connection_id: int,
    body: str,
    audience: str | None = None,
    language: str | None = None,
) -> Note:
    """A good moment about a connection; it marks progress on the goal the connection is for.

    ``language``: what the words are written in, as for any note (left out: the writer's own).
    """
    connection, _access = connection_access_or_404(actor, connection_id)
    with transaction.atomic():
        note = note_create(
            actor=actor,
            person_id=connection.person_id,
            kind=Note.Kind.MOMENT,
            body=body,
            audience=audience,
            outcome_ids=[connection.outcome_id] if connection.outcome_id else [],
            language=language,
        )
        ConnectionMoment.objects.create(note=note, connection=connection)
    return note

"""Everything Kith holds about one person, as a ZIP: record.json for machines, record.html for
people, and the photos beside them.

Reads only. The worker (families.services.export) decides when to build and where to keep it.
"""

from __future__ import annotations

import datetime as dt
import decimal
import io
import json
import uuid
import zipfile
from collections.abc import Callable
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import models
from django.utils import timezone, translation

from core.audit import trail_entry_view
from core.models import AuditEntry
from families.about_me_models import SECTIONS, AboutMe
from families.access import PersonAccess
from families.models import CircleMember, Note, Outcome, Person, SharingChange
from families.selectors import circle_member_view

# 2: the circle and the trail say what the reader's pages say (circle_member_view,
# trail_entry_view), no longer every stored column.
# 3: About Me, in the sections of the PRSB standard, each version kept; the profile's
# three free-text boxes are gone (their words are About Me's first version).
# 4: the person's connections in the neighbourhood (what, which interest and goal, the notes
# about them) and how their care is paid for.
FORMAT_VERSION = 4
# The readable copy (record.html) is drawn by the web layer, which says how when it loads
# (frontend.apps): the domain knows no template.
ReadableCopy = Callable[[dict[str, Any], Person], str]
_readable_copy: list[ReadableCopy] = []


def register_readable_copy(draw: ReadableCopy) -> None:
    _readable_copy[:] = [draw]


def _value(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or ""
    return value


def _row(obj: models.Model, *, leave_out: tuple[str, ...] = ()) -> dict[str, Any]:
    """Every stored field of a row, by its column name, as plain JSON values."""
    return {
        field.attname: _value(getattr(obj, field.attname))
        for field in obj._meta.concrete_fields
        if field.attname not in leave_out
    }


def _photo_path(name: str, kind: str) -> str:
    return f"photos/{kind}/{PurePosixPath(name).name}" if name else ""


class _Photos:
    """The photos to copy into the ZIP, each under a path the JSON and HTML both name."""

    def __init__(self) -> None:
        self.files: dict[str, str] = {}  # path in the ZIP -> storage name

    def add(self, name: str | None, kind: str) -> str:
        if not name:
            return ""
        path = _photo_path(name, kind)
        self.files[path] = name
        return path


def _visits(person: Person) -> list[dict[str, Any]]:
    """The person's visits on the rota."""
    from teams.models import Visit

    return [_row(v) for v in Visit.objects.filter(person=person).order_by("date", "pk")]


def _connections(person: Person) -> list[dict[str, Any]]:
    """The groups, clubs and services the person is connected with, and the notes about each."""
    from teams.models import Connection

    connections = (
        Connection.objects.filter(person=person)
        .select_related("entry", "created_by")
        .prefetch_related("moments")
        .order_by("created_at", "pk")
    )
    return [
        {
            "entry_id": c.entry_id,
            "name": c.entry.name,
            "kind": c.entry.kind,
            "when": c.entry.when_text,
            "where": c.entry.where,
            "interest": c.interest,
            "outcome_id": c.outcome_id,
            "added_by": c.created_by.display_name if c.created_by else "",
            "added_at": _value(c.created_at),
            "note_ids": sorted(m.note_id for m in c.moments.all()),
        }
        for c in connections
    ]


def _funding(person: Person) -> dict[str, Any] | None:
    """How the person's care is paid for, as agreed with them, if it is written down."""
    from teams.models import Funding

    funding = Funding.objects.filter(person=person).first()
    return None if funding is None else _row(funding, leave_out=("person_id",))


def _about_me_version(version: AboutMe) -> dict[str, Any]:
    # Section names as the standard gives them, in the site's own language, so another
    # service reading the file knows each one whoever asked for the copy.
    with translation.override(settings.LANGUAGE_CODE):
        sections = [
            {"key": s.key, "name": str(s.standard), "text": getattr(version, s.key)}
            for s in SECTIONS
        ]
    return {
        "version": version.number,
        "written_by": version.written_by.display_name if version.written_by else "",
        "written_with": version.written_with,
        "language": version.language,
        "written_at": _value(version.written_at),
        "carried_over_from_earlier_profile": version.carried_over,
        "sections": sections,
        "important_people_in_circle": [
            {"circle_member_id": m.pk, "name": m.name, "relationship": m.relationship}
            for m in sorted(version.important_members.all(), key=lambda m: m.pk)
        ],
    }


def _about_me(person: Person, reader: PersonAccess) -> dict[str, Any]:
    """The person's About Me, current and earlier, as far as this reader may read it."""
    if not reader.may_see_about_me:
        return {"current": None, "versions": []}
    versions = (
        AboutMe.objects.filter(person=person)
        .select_related("written_by")
        .prefetch_related("important_members")
        .order_by("number")
    )
    if not reader.may_read_about_me_history:
        current_id = person.about_me_id
        versions = versions.none() if current_id is None else versions.filter(pk=current_id)
    shown = [_about_me_version(v) for v in versions]
    return {"current": shown[-1] if shown else None, "versions": shown}


def _plain(shown: dict[str, Any]) -> dict[str, Any]:
    return {key: _value(value) for key, value in shown.items()}


def collect(person: Person, reader: PersonAccess) -> tuple[dict[str, Any], _Photos]:
    """The whole record as plain data for one reader, and the photos it refers to.

    The circle and the trail come from the same projections as the reader's pages, so the
    copy never says more about someone else than those pages do.
    """
    photos = _Photos()
    profile = _row(person, leave_out=("photo",))
    profile["photo"] = photos.add(person.photo.name, "person")
    circle = []
    for member in CircleMember.objects.filter(person=person).order_by("added_at", "pk"):
        row = _plain(circle_member_view(member, reader))
        # The circle's history and who sees what, which the record's own pages show too.
        row["added_at"] = _value(member.added_at)
        row["removed_at"] = _value(member.removed_at)
        row["note_kinds"] = member.note_kinds
        row["photo"] = photos.add(member.photo.name, "circle")
        circle.append(row)
    notes = []
    for note in (
        Note.objects.filter(person=person)
        .select_related("author")
        .prefetch_related("photos", "replies__author", "reactions", "versions", "outcomes")
        .order_by("created_at", "pk")
    ):
        row = _row(note)
        row["author_name"] = note.author.display_name
        row["photos"] = [photos.add(p.image.name, "notes") for p in note.photos.all()]
        row["replies"] = [
            {**_row(r), "author_name": r.author.display_name} for r in note.replies.all()
        ]
        row["reactions"] = [_row(r) for r in note.reactions.all()]
        row["earlier_versions"] = [_row(v) for v in note.versions.all()]
        row["outcome_ids"] = [o.pk for o in note.outcomes.all()]
        notes.append(row)
    record = {
        "format": "kith-record",
        "version": FORMAT_VERSION,
        "made_at": timezone.now().isoformat(),
        "person": profile,
        "about_me": _about_me(person, reader),
        "circle": circle,
        "notes": notes,
        "outcomes": [_row(o) for o in Outcome.objects.filter(person=person).order_by("pk")],
        "sharing_changes": [_row(c) for c in SharingChange.objects.filter(person=person)],
        "visits": _visits(person),
        "connections": _connections(person),
        "funding": _funding(person),
        "audit_trail": [
            _plain(trail_entry_view(e, reader))
            for e in AuditEntry.objects.filter(person_id=person.pk).order_by("created_at", "pk")
        ],
    }
    return record, photos


def build_zip(person: Person, reader: PersonAccess) -> bytes:
    """The ZIP's bytes for one reader: record.json, record.html and photos/."""
    record, photos = collect(person, reader)
    with translation.override(settings.LANGUAGE_CODE):
        html = _readable_copy[0](record, person)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("record.json", json.dumps(record, indent=2, ensure_ascii=False))
        archive.writestr("record.html", html)
        for path, name in sorted(photos.files.items()):
            if default_storage.exists(name):
                with default_storage.open(name, "rb") as photo:
                    archive.writestr(path, photo.read())
    return buffer.getvalue()

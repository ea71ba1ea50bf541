"""Writes on the shared timeline: notes, replies, reactions and handling concerns.

Each write checks families.access, validates, saves in one transaction and announces what
happened through core.realtime inside that transaction (the web layer draws the fragments,
sent only once it commits); the push worker tells phones about a new note moments later. A
user who may not see a note or its person gets Http404, exactly as if it did not exist.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from core import links
from core.audit import audit_record
from core.languages import clean_words_language
from core.models import AuditEntry, PushKind, User
from core.push.services import push_notify_later
from core.push.words import in_every_language
from core.realtime import Happened, announce
from families.access import (
    TEAM_AUDIENCE_KINDS_SHAREABLE,
    Audience,
    person_access_or_404,
)
from families.models import (
    NOTE_MAX_CHARS,
    Note,
    NoteOutcome,
    NotePhoto,
    NoteVersion,
    Person,
)
from families.services.note_checks import CIRCLE_KINDS as CIRCLE_KINDS
from families.services.note_checks import EDIT_WINDOW as EDIT_WINDOW
from families.services.note_checks import TEAM_KINDS as TEAM_KINDS
from families.services.note_checks import TEAM_ONLY_KINDS as TEAM_ONLY_KINDS
from families.services.note_checks import (
    choose_audience,
    clean_body,
    clean_kind,
    clean_photos,
    clean_wellbeing,
    outcomes_of,
    parse_key,
)
from families.timeline import note_access_or_404, shown_as_written, with_everything_shown

# Telling open pages ----------------------------------------------------------------------------


def audience_of(note: Note) -> Audience:
    """The audience a note is written for: the circle's, or the team's alone.

    A note shared with the circle is announced to the circle and reaches the team too
    (core.realtime.publish sends it to the team's group as well, the same bytes); a
    team-only note goes to the team alone and never has a circle fragment.
    """
    return Audience.CIRCLE if note.audience == Note.Audience.CIRCLE else Audience.TEAM


def audiences_of(note: Note) -> tuple[Audience, ...]:
    """Who hears about a note. A concern also goes to the circle's "concern" group, which
    only those the person named (say, their district nurse) ever join."""
    if note.audience != Note.Audience.CIRCLE and note.kind in TEAM_AUDIENCE_KINDS_SHAREABLE:
        return (Audience.TEAM, Audience.CIRCLE)
    return (audience_of(note),)


def publish_note(note: Note, kind: str, *, created: bool = False) -> None:
    # The topic keeps it to those in the circle the person shows this kind of note to. A note
    # just created holds all it shows (shown_as_written); any other is read afresh, once, for
    # every language the web layer draws it in.
    shown = note if created else with_everything_shown(Note.objects.filter(pk=note.pk)).get()
    announce(
        Happened(
            kind=kind,
            audiences=audiences_of(note),
            person_id=note.person_id,
            topic=note.kind,
            subject_id=note.pk,
            subject=shown,
            details={"created": created},
        )
    )


def _publish_removal(note: Note) -> None:
    announce(
        Happened(
            kind="note.deleted",
            audiences=audiences_of(note),
            person_id=note.person_id,
            topic=note.kind,
            subject_id=note.pk,
        )
    )


def _audit(actor: User, action: AuditEntry.Action, note: Note) -> None:
    # What was written stays in the note and its versions; the trail says who and when.
    audit_record(
        actor=actor,
        action=action,
        person_id=note.person_id,
        target=f"note:{note.pk}",
        detail={"kind": note.kind, "audience": note.audience},
    )


# Writes ----------------------------------------------------------------------------------------


def note_create(
    *,
    actor: User,
    person_id: int,
    kind: str,
    body: str,
    wellbeing: int | None = None,
    audience: str | None = None,
    photos: Sequence[UploadedFile] = (),
    outcome_ids: Iterable[int] = (),
    client_key: uuid.UUID | str | None = None,
    language: str | None = None,
) -> Note:
    """Write a note. The same client key twice gives back the first note, saved once.

    ``language``: what the words are written in, as the page or device said ("cy", "en");
    left out, the writer's own (core.languages.clean_words_language).
    """
    return note_create_once(
        actor=actor,
        person_id=person_id,
        kind=kind,
        body=body,
        wellbeing=wellbeing,
        audience=audience,
        photos=photos,
        outcome_ids=outcome_ids,
        client_key=client_key,
        language=language,
    )[0]


def note_create_once(
    *,
    actor: User,
    person_id: int,
    kind: str,
    body: str,
    wellbeing: int | None = None,
    audience: str | None = None,
    photos: Sequence[UploadedFile] = (),
    outcome_ids: Iterable[int] = (),
    client_key: uuid.UUID | str | None = None,
    language: str | None = None,
) -> tuple[Note, bool]:
    """As note_create, also saying whether this call saved it (False: it already had it).

    A key already used is found by the unique constraint refusing the second row, not by a
    lookup first: the first time, which is nearly always, costs no query for it. The refused
    write is rolled back whole (its audit entry, event and push news were never committed),
    and the note saved the first time is answered again through the access layer.
    """
    key = parse_key(client_key)
    try:
        note = _note_create(
            actor=actor,
            person_id=person_id,
            kind=kind,
            body=body,
            wellbeing=wellbeing,
            audience=audience,
            photos=photos,
            outcome_ids=outcome_ids,
            key=key,
            language=language,
        )
    except IntegrityError:
        # Sent before (or twice at once): the note with this key is the one that was saved.
        existing = _note_with_key(actor, key, person_id) if key is not None else None
        if existing is None:
            raise
        return existing, False
    except ValidationError:
        # A retry of a note already saved is answered with it, even if what it named has
        # changed since (an outcome closed, a choice of who sees what).
        existing = _note_with_key(actor, key, person_id) if key is not None else None
        if existing is None:
            raise
        return existing, False
    return note, True


def _note_with_key(actor: User, key: uuid.UUID, person_id: int) -> Note | None:
    existing = Note.objects.filter(author_id=actor.pk, client_key=key).first()
    if existing is None:
        return None
    # Asked again, answered again through the access layer: it may have been lost since.
    found = note_access_or_404(actor, existing.pk).note
    if found.person_id != int(person_id):
        raise ValidationError(
            {"client_key": _("This note could not be matched up. Please try again.")},
            code="key_reused",
        )
    return found


@transaction.atomic
def _note_create(
    *,
    actor: User,
    person_id: int,
    kind: str,
    body: str,
    wellbeing: int | None,
    audience: str | None,
    photos: Sequence[UploadedFile],
    outcome_ids: Iterable[int],
    key: uuid.UUID | None,
    language: str | None,
) -> Note:
    access = person_access_or_404(actor, person_id)
    errors: dict[str, list[str]] = {}
    # Each check's cleaned value, by field: a kind, a body, a face, photos, outcomes.
    values: dict[str, Any] = {}
    checks = {
        "kind": lambda: clean_kind(access, kind),
        "body": lambda: clean_body(body, field="body", limit=NOTE_MAX_CHARS),
        "wellbeing": lambda: clean_wellbeing(wellbeing),
        "photos": lambda: clean_photos(photos),
        "outcomes": lambda: outcomes_of(access, outcome_ids),
        "language": lambda: clean_words_language(language, writer=actor),
    }
    if kind in Note.Kind.values:
        checks["audience"] = lambda: choose_audience(access, kind, audience)
    for name, check in checks.items():
        try:
            values[name] = check()
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    note = Note.objects.create(
        person=access.person,
        author=actor,
        kind=values["kind"],
        body=values["body"],
        language=values["language"],
        wellbeing=values["wellbeing"],
        audience=values["audience"],
        client_key=key,
    )
    saved: list[NotePhoto] = []
    for position, cleaned in enumerate(values["photos"]):
        photo = NotePhoto(note=note, position=position)
        # Every photo passed its checks above, so nothing after this point refuses input.
        photo.image.save(cleaned.name, cleaned, save=False)
        photo.save()
        saved.append(photo)
    NoteOutcome.objects.bulk_create(NoteOutcome(note=note, outcome=o) for o in values["outcomes"])
    _audit(actor, AuditEntry.Action.NOTE_CREATED, note)
    shown_as_written(note, photos=saved, outcomes=values["outcomes"])
    publish_note(note, "note.created", created=True)
    _push_note(note, access.person)
    return note


# What each kind of note is, for the choices people make about their phone's notifications.
_PUSH_KINDS: dict[str, PushKind] = {
    Note.Kind.CONCERN: PushKind.CONCERN,
    Note.Kind.FAMILY_UPDATE: PushKind.FAMILY_UPDATE,
}


def _push_note(note: Note, person: Person) -> None:
    """Tell phones about a new note: not its writer, nor anyone watching it arrive live.

    One row now, in the note's transaction; the push worker works out whose phones, so the
    open pages hear of the note without waiting for that.
    """
    push_notify_later(
        person_id=note.person_id,
        kind=_PUSH_KINDS.get(note.kind, PushKind.NOTE),
        audience=Audience(note.audience),
        topic=note.kind,
        # The title says nothing private; the words go only to those who chose to see them.
        title=in_every_language(lambda: _("New update about %(name)s") % {"name": person.name}),
        body=note.body,
        url=links.page_for(links.PERSON_NOTES, note.person_id),
        exclude_user_ids={note.author_id},
        skip_watching_live=True,
    )


class _Keep:
    """Leave the wellbeing as it was (None would clear it)."""


KEEP = _Keep()


@transaction.atomic
def note_edit(
    *, actor: User, note_id: int, body: str, wellbeing: int | _Keep | None = KEEP
) -> Note:
    """The author may put a note right for 24 hours. What it said before is kept."""
    note = note_access_or_404(actor, note_id).note
    note = Note.objects.select_for_update().get(pk=note.pk)
    if note.author_id != actor.pk:
        raise ValidationError(_("Only the person who wrote a note can change it."), code="author")
    if timezone.now() - note.created_at > EDIT_WINDOW:
        raise ValidationError(
            _("A note can be changed for 24 hours after it is written. Please add a reply."),
            code="too_late",
        )
    body = clean_body(body, field="body", limit=NOTE_MAX_CHARS)
    wellbeing = note.wellbeing if isinstance(wellbeing, _Keep) else clean_wellbeing(wellbeing)
    if body == note.body and wellbeing == note.wellbeing:
        return note
    NoteVersion.objects.create(
        note=note,
        body=note.body,
        wellbeing=note.wellbeing,
        written_at=note.edited_at or note.created_at,
    )
    note.body = body
    note.wellbeing = wellbeing
    note.edited_at = timezone.now()
    note.save(update_fields=["body", "wellbeing", "edited_at"])
    _audit(actor, AuditEntry.Action.NOTE_EDITED, note)
    publish_note(note, "note.edited")
    return note


@transaction.atomic
def note_delete(*, actor: User, note_id: int) -> Note:
    """Hide a note from everyone. Only its author may; the row stays for the audit."""
    note = note_access_or_404(actor, note_id).note
    note = Note.objects.select_for_update().get(pk=note.pk)
    if note.author_id != actor.pk:
        raise ValidationError(_("Only the person who wrote a note can delete it."), code="author")
    note.deleted_at = timezone.now()
    note.deleted_by = actor
    note.save(update_fields=["deleted_at", "deleted_by"])
    _audit(actor, AuditEntry.Action.NOTE_DELETED, note)
    _publish_removal(note)
    return note


@transaction.atomic
def person_set_note_sharing(*, actor: User, person_id: int, shared_with_circle: bool) -> Person:
    """The person's choice (or the team's, for them): are new notes shown to the circle?

    Only the default changes. Notes already written keep who sees them, and concerns and
    handovers stay with the team whatever is chosen.
    """
    access = person_access_or_404(actor, person_id)
    if not access.can_edit_profile:
        raise Http404
    person = Person.objects.select_for_update().get(pk=access.person.pk)
    if person.notes_shared_with_circle_by_default != shared_with_circle:
        person.notes_shared_with_circle_by_default = shared_with_circle
        person.save(update_fields=["notes_shared_with_circle_by_default"])
        audit_record(
            actor=actor,
            action=AuditEntry.Action.SHARING_CHANGED,
            person_id=person.pk,
            target=f"person:{person.pk}",
            detail={"notes_shared_with_circle_by_default": shared_with_circle},
        )
    return person

"""Writes on the shared timeline: notes, replies, reactions and handling concerns.

Each write checks core.access, validates, saves in one transaction and tells open pages
through core.realtime inside that transaction (sent only once it commits); the push worker
tells phones about a new note moments later. A user who may not see a note or its person gets
Http404, exactly as if it did not exist.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.access import (
    TEAM_AUDIENCE_KINDS_SHAREABLE,
    Audience,
    PersonAccess,
    as_pk,
    person_access_or_404,
)
from core.audit import audit_record
from core.images import clean_photo
from core.models import AuditEntry, PushKind, User
from core.push.services import push_notify_later
from core.realtime import publish
from core.text import refuse_null_characters
from families.models import (
    NOTE_MAX_CHARS,
    NOTE_MAX_PHOTOS,
    REPLY_MAX_CHARS,
    Note,
    NoteOutcome,
    NotePhoto,
    NoteVersion,
    Outcome,
    Person,
    Reaction,
    ReactionKey,
    Reply,
)
from families.timeline import note_access_or_404, shown_as_written, with_everything_shown

EDIT_WINDOW = timedelta(hours=24)
TEAM_KINDS = frozenset({Note.Kind.VISIT, Note.Kind.MOMENT, Note.Kind.CONCERN, Note.Kind.HANDOVER})
# Family, friends, professionals and the person themself write for the circle.
CIRCLE_KINDS = frozenset({Note.Kind.FAMILY_UPDATE, Note.Kind.MOMENT})
TEAM_ONLY_KINDS = frozenset({Note.Kind.CONCERN, Note.Kind.HANDOVER})

FRAGMENTS = "frontend/timeline/timeline.html"


# Validation ------------------------------------------------------------------------------------


def _clean_body(body: str, *, field: str, limit: int) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError({field: _("Please write something first.")}, code="required")
    refuse_null_characters(**{field: body})
    if len(body) > limit:
        raise ValidationError(
            {
                field: _(
                    "Please keep this under %(limit)s characters. It has %(count)s at the moment."
                )
                % {"limit": f"{limit:,}", "count": f"{len(body):,}"}
            },
            code="too_long",
        )
    return body


def _clean_wellbeing(wellbeing: int | str | None) -> int | None:
    if wellbeing in (None, ""):
        return None
    if wellbeing not in Note.Wellbeing.values:
        raise ValidationError(
            {"wellbeing": _("Please choose one of the five faces, or leave it empty.")},
            code="invalid",
        )
    return int(wellbeing)


def _clean_kind(access: PersonAccess, kind: str) -> str:
    allowed = TEAM_KINDS if access.is_team else CIRCLE_KINDS
    if kind not in allowed:
        raise ValidationError(
            {"kind": _("Please choose what kind of note this is from the list.")}, code="invalid"
        )
    return kind


def _choose_audience(access: PersonAccess, kind: str, audience: str | None) -> str:
    if kind in TEAM_ONLY_KINDS:
        # Always, whatever was asked: concerns and handovers are working notes for the team.
        return Note.Audience.TEAM
    if not access.is_team:
        # A circle member writes for the circle: a team-only note would be hidden from them.
        return Note.Audience.CIRCLE
    if audience in (None, ""):
        shared = access.person.notes_shared_with_circle_by_default
        return Note.Audience.CIRCLE if shared else Note.Audience.TEAM
    if audience not in Note.Audience.values:
        raise ValidationError({"audience": _("Please choose who sees this note.")}, code="invalid")
    return audience


def _clean_photos(photos: Sequence[UploadedFile]) -> list[ContentFile]:
    """Every photo checked before anything is saved: one bad photo means no note at all."""
    if len(photos) > NOTE_MAX_PHOTOS:
        raise ValidationError(
            {"photos": _("Please choose up to %(count)s photos.") % {"count": NOTE_MAX_PHOTOS}},
            code="too_many",
        )
    cleaned = []
    for number, photo in enumerate(photos, start=1):
        try:
            cleaned.append(clean_photo(photo))
        except ValidationError as error:
            raise ValidationError(
                {
                    "photos": _("Photo %(number)s: %(problem)s")
                    % {"number": number, "problem": " ".join(error.messages)}
                },
                code=error.code,
            ) from None
    return cleaned


def _outcomes_of(access: PersonAccess, outcome_ids: Iterable[int]) -> list[Outcome]:
    given = list(outcome_ids)
    if not given:
        return []
    # An id no row could have is simply not one of theirs (and never a database error).
    wanted = {as_pk(i) for i in given}
    usable = {pk for pk in wanted if pk is not None}
    found = list(Outcome.objects.filter(person_id=access.person.pk, pk__in=usable))
    if len(found) != len(wanted):
        # Another person's outcome, or none at all: the same answer for both.
        raise ValidationError(
            {"outcomes": _("Please choose from %(name)s's own goals.") % {"name": access.person}},
            code="invalid",
        )
    return found


def _parse_key(client_key: uuid.UUID | str | None) -> uuid.UUID | None:
    if client_key in (None, ""):
        return None
    if isinstance(client_key, uuid.UUID):
        return client_key
    try:
        return uuid.UUID(str(client_key))
    except ValueError:
        raise ValidationError(
            {"client_key": _("This note could not be matched up. Please try again.")},
            code="invalid",
        ) from None


# Telling open pages ----------------------------------------------------------------------------


def audience_of(note: Note) -> Audience:
    """The one group that hears about a note.

    Team sockets join the circle's group as well as the team's, so a note shared with the
    circle is sent once, to the circle, and reaches the team from there; a team-only note
    goes to the team alone and never has a circle fragment.
    """
    return Audience.CIRCLE if note.audience == Note.Audience.CIRCLE else Audience.TEAM


def _audiences_of(note: Note) -> tuple[Audience, ...]:
    """Who hears about a note. A concern also goes to the circle's "concern" group, which
    only those the person named (say, their district nurse) ever join."""
    if note.audience != Note.Audience.CIRCLE and note.kind in TEAM_AUDIENCE_KINDS_SHAREABLE:
        return (Audience.TEAM, Audience.CIRCLE)
    return (audience_of(note),)


def render_note_fragments(
    note_id: int, *, created: bool = False, loaded: Note | None = None
) -> dict[Audience, str]:
    """The note as its audience sees it: rendered once, never per viewer.

    Per-viewer details (the author's edit link, "you reacted") come from data attributes
    and a small page script, so the same bytes go to every viewer. ``loaded``: the note
    already holding what with_everything_shown loads, so it is not read again.
    """
    note = loaded or with_everything_shown(Note.objects.filter(pk=note_id)).get()
    partial = "note_created" if created else "note_changed"
    # In the active language: publish() calls this once per language listening.
    html = render_to_string(f"{FRAGMENTS}#{partial}", {"note": note})
    return dict.fromkeys(_audiences_of(note), html)


def removal_html(note_id: int) -> str:
    return f'<article id="note-{int(note_id)}" hx-swap-oob="delete"></article>'


def _publish_note(note: Note, kind: str, *, created: bool = False) -> None:
    # The topic keeps it to those in the circle the person shows this kind of note to. A note
    # just created holds all it shows (shown_as_written); any other is read afresh, once for
    # every language it is rendered in.
    shown = note if created else with_everything_shown(Note.objects.filter(pk=note.pk)).get()
    publish(
        person_id=note.person_id,
        kind=kind,
        topic=note.kind,
        subject_id=note.pk,
        fragments=lambda: render_note_fragments(note.pk, created=created, loaded=shown),
    )


def _publish_removal(note: Note) -> None:
    publish(
        person_id=note.person_id,
        kind="note.deleted",
        topic=note.kind,
        subject_id=note.pk,
        fragments=dict.fromkeys(_audiences_of(note), removal_html(note.pk)),
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
) -> Note:
    """Write a note. The same client key twice gives back the first note, saved once."""
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
) -> tuple[Note, bool]:
    """As note_create, also saying whether this call saved it (False: it already had it)."""
    key = _parse_key(client_key)
    if key is not None:
        existing = _note_with_key(actor, key, person_id)
        if existing is not None:
            return existing, False
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
        )
    except IntegrityError:
        # The same note sent twice at once: the other request saved it first.
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
) -> Note:
    access = person_access_or_404(actor, person_id)
    errors: dict[str, list[str]] = {}
    # Each check's cleaned value, by field: a kind, a body, a face, photos, outcomes.
    values: dict[str, Any] = {}
    checks = {
        "kind": lambda: _clean_kind(access, kind),
        "body": lambda: _clean_body(body, field="body", limit=NOTE_MAX_CHARS),
        "wellbeing": lambda: _clean_wellbeing(wellbeing),
        "photos": lambda: _clean_photos(photos),
        "outcomes": lambda: _outcomes_of(access, outcome_ids),
    }
    if kind in Note.Kind.values:
        checks["audience"] = lambda: _choose_audience(access, kind, audience)
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
    _publish_note(note, "note.created", created=True)
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
        title=_("New update about %(name)s") % {"name": person.name},
        body=note.body,
        url=reverse("timeline", args=[note.person_id]),
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
    body = _clean_body(body, field="body", limit=NOTE_MAX_CHARS)
    wellbeing = note.wellbeing if isinstance(wellbeing, _Keep) else _clean_wellbeing(wellbeing)
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
    _publish_note(note, "note.edited")
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


def reply_create(
    *, actor: User, note_id: int, body: str, client_key: uuid.UUID | str | None = None
) -> Reply:
    """Reply to a note. The same client key twice gives back the first reply, saved once."""
    return reply_create_once(actor=actor, note_id=note_id, body=body, client_key=client_key)[0]


def reply_create_once(
    *, actor: User, note_id: int, body: str, client_key: uuid.UUID | str | None = None
) -> tuple[Reply, bool]:
    """As reply_create, also saying whether this call saved it (False: it already had it)."""
    key = _parse_key(client_key)
    try:
        return _reply_create(actor=actor, note_id=note_id, body=body, key=key)
    except IntegrityError:
        # The same reply sent twice at once: the other request saved it first.
        if key is None:
            raise
        return _reply_create(actor=actor, note_id=note_id, body=body, key=key)


@transaction.atomic
def _reply_create(
    *, actor: User, note_id: int, body: str, key: uuid.UUID | None
) -> tuple[Reply, bool]:
    note = note_access_or_404(actor, note_id).note
    body = _clean_body(body, field="body", limit=REPLY_MAX_CHARS)
    if key is not None:
        existing = Reply.objects.filter(author=actor, note=note, client_key=key).first()
        if existing is not None:
            if existing.body != body:
                # Not a repeat of the same reply: saying so keeps these words from being lost.
                raise ValidationError(
                    {"client_key": _("This reply could not be matched up. Please send it again.")},
                    code="key_reused",
                )
            return existing, False
    with transaction.atomic():
        reply = Reply.objects.create(note=note, author=actor, body=body, client_key=key)
    _publish_note(note, "note.replied")
    return reply, True


@transaction.atomic
def reaction_set(
    *,
    actor: User,
    note_id: int,
    kind: str,
    active: bool,
    client_key: uuid.UUID | str | None = None,
) -> bool:
    """Give the reaction (active) or take it back. Answers whether it is there now.

    Never a toggle: a request sent twice means the same both times. With a key, a request
    already made (say, sent again late, after a newer one) changes nothing.
    """
    note = note_access_or_404(actor, note_id).note
    if kind not in Reaction.Kind.values:
        raise ValidationError({"kind": _("Please choose a heart or a thank you.")}, code="invalid")
    key = _parse_key(client_key)
    mine = Reaction.objects.filter(note=note, user=actor, kind=kind)
    if key is not None:
        try:
            with transaction.atomic():
                ReactionKey.objects.create(note=note, user=actor, kind=kind, client_key=key)
        except IntegrityError:
            return mine.exists()
    if active == mine.exists():
        return active
    if active:
        try:
            with transaction.atomic():
                Reaction.objects.create(note=note, user=actor, kind=kind)
        except IntegrityError:
            # A double tap that raced itself: the reaction is there, which is what was asked.
            return True
    else:
        mine.delete()
    _publish_note(note, "note.reacted")
    return active


@transaction.atomic
def concern_mark_handled(*, actor: User, note_id: int, handled_note: str) -> Note:
    """Someone in the team says what was done; the concern stops being highlighted."""
    found = note_access_or_404(actor, note_id)
    if not found.access.is_team or found.note.kind != Note.Kind.CONCERN:
        raise Http404
    note = Note.objects.select_for_update().get(pk=found.note.pk)
    if note.handled_at is not None:
        raise ValidationError(
            _("Someone has already marked this concern as handled."), code="already_handled"
        )
    note.handled_note = _clean_body(handled_note, field="handled_note", limit=REPLY_MAX_CHARS)
    note.handled_at = timezone.now()
    note.handled_by = actor
    note.save(update_fields=["handled_note", "handled_at", "handled_by"])
    _publish_note(note, "note.handled")
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

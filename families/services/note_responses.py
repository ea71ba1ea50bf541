"""Answers on a note: replies, reactions, and a concern marked handled.

Like every write on the timeline: checked through the access layer, saved in one transaction,
announced to open pages once it commits (families.services.notes.publish_note).
"""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from core.languages import clean_words_language
from core.models import User
from families.models import REPLY_MAX_CHARS, Note, Reaction, ReactionKey, Reply
from families.services.note_checks import clean_body, parse_key
from families.services.notes import publish_note
from families.timeline import note_access_or_404


def reply_create(
    *,
    actor: User,
    note_id: int,
    body: str,
    client_key: uuid.UUID | str | None = None,
    language: str | None = None,
) -> Reply:
    """Reply to a note. The same client key twice gives back the first reply, saved once.

    ``language``: what the words are written in, as for a note (left out: the writer's own).
    """
    return reply_create_once(
        actor=actor, note_id=note_id, body=body, client_key=client_key, language=language
    )[0]


def reply_create_once(
    *,
    actor: User,
    note_id: int,
    body: str,
    client_key: uuid.UUID | str | None = None,
    language: str | None = None,
) -> tuple[Reply, bool]:
    """As reply_create, also saying whether this call saved it (False: it already had it)."""
    key = parse_key(client_key)
    try:
        return _reply_create(actor=actor, note_id=note_id, body=body, key=key, language=language)
    except IntegrityError:
        # The same reply sent twice at once: the other request saved it first.
        if key is None:
            raise
        return _reply_create(actor=actor, note_id=note_id, body=body, key=key, language=language)


@transaction.atomic
def _reply_create(
    *, actor: User, note_id: int, body: str, key: uuid.UUID | None, language: str | None
) -> tuple[Reply, bool]:
    note = note_access_or_404(actor, note_id).note
    body = clean_body(body, field="body", limit=REPLY_MAX_CHARS)
    written_in = clean_words_language(language, writer=actor)
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
        reply = Reply.objects.create(
            note=note, author=actor, body=body, language=written_in, client_key=key
        )
    publish_note(note, "note.replied")
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
    key = parse_key(client_key)
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
    publish_note(note, "note.reacted")
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
    note.handled_note = clean_body(handled_note, field="handled_note", limit=REPLY_MAX_CHARS)
    note.handled_at = timezone.now()
    note.handled_by = actor
    note.save(update_fields=["handled_note", "handled_at", "handled_by"])
    publish_note(note, "note.handled")
    return note

"""/api/v1/people/{person_id}/notes and /outcomes: the timeline for apps and the offline outbox.

The same access layer, reads and services as the pages: a note or person the caller may not
see answers 404 exactly like one that does not exist.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from core import links
from core.audit import ReadChannel, record_read
from core.models import User
from core.requests import SignedInRequest
from core.schemas import ERRORS, Id, InputSchema, PartialUpdateSchema, UserBriefOut, user_brief
from families import services
from families.access import PersonAccess, outcome_access_or_404, person_access_or_404
from families.models import Note, Outcome, Reaction, Reply
from families.services.notes import EDIT_WINDOW
from families.timeline import (
    MAX_PAGE_SIZE,
    PAGE_SIZE,
    note_access_or_404,
    timeline_page,
    with_everything_shown,
)

router = Router(tags=["notes"])


# Shapes ----------------------------------------------------------------------------------------


class ReplyOut(Schema):
    id: int
    author: UserBriefOut
    body: str
    language: str
    created_at: datetime


class ReactionOut(Schema):
    kind: str
    label: str
    count: int
    mine: bool


class NoteOut(Schema):
    id: int
    person_id: int
    kind: str
    kind_label: str
    body: str
    language: str
    wellbeing: int | None
    wellbeing_label: str | None
    audience: str
    author: UserBriefOut
    created_at: datetime
    edited_at: datetime | None
    can_edit: bool
    photo_urls: list[str]
    outcome_ids: list[int]
    needs_attention: bool
    handled_at: datetime | None
    handled_by: UserBriefOut | None
    handled_note: str
    replies: list[ReplyOut]
    reactions: list[ReactionOut]


class NotePageOut(Schema):
    items: list[NoteOut]
    next_cursor: str | None


class NoteFilters(Schema):
    cursor: str | None = None
    kind: str | None = None
    outcome: Id | None = None
    limit: int = PAGE_SIZE


class NoteIn(InputSchema):
    kind: str
    body: str
    wellbeing: int | None = None
    audience: str | None = None
    outcome_ids: list[Id] = []
    # Chosen by the device, so a note the outbox sends twice is saved once.
    client_key: uuid.UUID | None = None
    # The language the words are written in ("en" or "cy"); left out, the writer's own.
    # The outbox sends the one of the page they were written on, however late it sends them.
    language: str | None = None


class NoteEditIn(InputSchema):
    body: str
    wellbeing: int | None = None


class ReplyIn(InputSchema):
    body: str
    # Chosen by the page or the outbox, so a reply sent twice is saved once.
    client_key: uuid.UUID | None = None
    # The language the words are written in ("en" or "cy"); left out, the writer's own.
    # The outbox sends the one of the page they were written on, however late it sends them.
    language: str | None = None


class ReactionIn(InputSchema):
    kind: str
    # Given (true) or taken back (false), said outright: sending it twice means the same.
    active: bool
    client_key: uuid.UUID | None = None


class ReactionResultOut(Schema):
    kind: str
    active: bool


class HandledIn(InputSchema):
    handled_note: str


class OutcomeOut(Schema):
    id: int
    person_id: int
    title: str
    who_helps: str
    language: str
    status: str
    status_label: str
    created_at: datetime
    updated_at: datetime


class OutcomeIn(InputSchema):
    title: str
    who_helps: str = ""
    status: str = Outcome.Status.WORKING_ON
    # The language the words are written in ("en" or "cy"); left out, the writer's own.
    # The outbox sends the one of the page they were written on, however late it sends them.
    language: str | None = None


class OutcomeUpdateIn(PartialUpdateSchema):
    title: str | None = None
    who_helps: str | None = None
    status: str | None = None
    # What new words are written in; left out, the writer's own.
    language: str | None = None


def _reply(reply: Reply) -> ReplyOut:
    return ReplyOut(
        id=reply.pk,
        author=user_brief(reply.author),
        body=reply.body,
        language=reply.language,
        created_at=reply.created_at,
    )


def _note(note: Note, viewer: User) -> NoteOut:
    reactions = list(note.reactions.all())
    return NoteOut(
        id=note.pk,
        person_id=note.person_id,
        kind=note.kind,
        kind_label=str(note.get_kind_display()),
        body=note.body,
        language=note.language,
        wellbeing=note.wellbeing,
        wellbeing_label=str(note.get_wellbeing_display()) if note.wellbeing else None,
        audience=note.audience,
        author=user_brief(note.author),
        created_at=note.created_at,
        edited_at=note.edited_at,
        can_edit=note.author_id == viewer.pk and timezone.now() - note.created_at <= EDIT_WINDOW,
        photo_urls=[links.page_for(links.NOTE_PHOTO, p.pk) for p in note.photos.all()],
        outcome_ids=[o.pk for o in note.outcomes.all()],
        needs_attention=note.is_open_concern,
        handled_at=note.handled_at,
        handled_by=user_brief(note.handled_by) if note.handled_by else None,
        handled_note=note.handled_note,
        replies=[_reply(r) for r in note.replies.all()],
        reactions=[
            ReactionOut(
                kind=kind,
                label=str(label),
                count=sum(1 for r in reactions if r.kind == kind),
                mine=any(r.kind == kind and r.user_id == viewer.pk for r in reactions),
            )
            for kind, label in Reaction.Kind.choices
        ],
    )


def _note_shown(note: Note, viewer: User) -> NoteOut:
    """A note the access layer already let this viewer see, read again with all it shows."""
    return _note(with_everything_shown(Note.objects.filter(pk=note.pk)).get(), viewer)


def _outcome(outcome: Outcome) -> OutcomeOut:
    return OutcomeOut(
        id=outcome.pk,
        person_id=outcome.person_id,
        title=outcome.title,
        who_helps=outcome.who_helps,
        language=outcome.language,
        status=outcome.status,
        status_label=str(outcome.get_status_display()),
        created_at=outcome.created_at,
        updated_at=outcome.updated_at,
    )


def _note_of_person(request: SignedInRequest, person_id: int, note_id: int) -> Note:
    """The note, only through the person it belongs to: any other pairing is not found."""
    note = note_access_or_404(request.user, note_id).note
    if note.person_id != person_id:
        raise Http404
    return note


# Notes -----------------------------------------------------------------------------------------


@router.get(
    "/{id:person_id}/notes",
    response={200: NotePageOut, **ERRORS},
    summary="A person's timeline, newest first",
)
def note_list(request: SignedInRequest, person_id: int, filters: Query[NoteFilters]) -> NotePageOut:
    access: PersonAccess = person_access_or_404(request.user, person_id)
    record_read(reader=request.user, access=access, channel=ReadChannel.API)
    if not 1 <= filters.limit <= MAX_PAGE_SIZE:
        raise ValidationError(
            {"limit": _("Please ask for between 1 and %(most)s notes.") % {"most": MAX_PAGE_SIZE}}
        )
    if filters.kind and filters.kind not in Note.Kind.values:
        raise ValidationError({"kind": _("Please choose a kind of note from the list.")})
    try:
        page = timeline_page(
            access,
            kind=filters.kind,
            outcome_id=filters.outcome,
            cursor=filters.cursor,
            limit=filters.limit,
        )
    except ValueError:
        raise ValidationError(
            {"cursor": _("This list has changed. Please start again from the top.")}
        ) from None
    return NotePageOut(
        items=[_note(n, request.user) for n in page.notes], next_cursor=page.next_cursor
    )


def _create(
    request: SignedInRequest, person_id: int, payload: NoteIn, photos: list[UploadedFile]
) -> Status[NoteOut]:
    note, created = services.note_create_once(
        actor=request.user,
        person_id=person_id,
        kind=payload.kind,
        body=payload.body,
        wellbeing=payload.wellbeing,
        audience=payload.audience,
        photos=photos,
        outcome_ids=payload.outcome_ids,
        client_key=payload.client_key,
        language=payload.language,
    )
    if created:
        # Saved just now: it already holds everything it shows.
        return Status(201, _note(note, request.user))
    return Status(200, _note_shown(note, request.user))


@router.post(
    "/{id:person_id}/notes",
    response={200: NoteOut, 201: NoteOut, **ERRORS},
    summary="Write a note (the same client_key twice gives one note)",
)
def note_create(request: SignedInRequest, person_id: int, payload: NoteIn) -> Status[NoteOut]:
    return _create(request, person_id, payload, [])


@router.post(
    "/{id:person_id}/notes/with-photos",
    response={200: NoteOut, 201: NoteOut, **ERRORS},
    summary="Write a note with up to 4 photos, as a multipart form",
)
def note_create_with_photos(
    request: SignedInRequest,
    person_id: int,
    payload: Form[NoteIn],
    # ninja's own idiom for optional files: File[...] says where they come from, None that
    # they may be left out (the annotation as written does not admit None).
    photos: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> Status[NoteOut]:
    # Every photo is checked before anything is saved: one bad photo means no note at all.
    return _create(request, person_id, payload, photos or [])


@router.patch(
    "/{id:person_id}/notes/{id:note_id}",
    response={200: NoteOut, **ERRORS},
    summary="Change my note (for 24 hours)",
)
def note_edit(
    request: SignedInRequest, person_id: int, note_id: int, payload: NoteEditIn
) -> NoteOut:
    note = _note_of_person(request, person_id, note_id)
    # Leaving wellbeing out keeps it; sending null clears it.
    kept = {"wellbeing": payload.wellbeing} if "wellbeing" in payload.model_fields_set else {}
    services.note_edit(actor=request.user, note_id=note.pk, body=payload.body, **kept)
    return _note_shown(note, request.user)


@router.delete(
    "/{id:person_id}/notes/{id:note_id}",
    response={204: None, **ERRORS},
    summary="Delete my note",
)
def note_delete(request: SignedInRequest, person_id: int, note_id: int) -> HttpResponse:
    note = _note_of_person(request, person_id, note_id)
    services.note_delete(actor=request.user, note_id=note.pk)
    return HttpResponse(status=204)


@router.post(
    "/{id:person_id}/notes/{id:note_id}/replies",
    response={200: ReplyOut, 201: ReplyOut, **ERRORS},
    summary="Reply to a note (the same client_key twice gives one reply)",
)
def reply_create(
    request: SignedInRequest, person_id: int, note_id: int, payload: ReplyIn
) -> Status[ReplyOut]:
    note = _note_of_person(request, person_id, note_id)
    reply, created = services.reply_create_once(
        actor=request.user,
        note_id=note.pk,
        body=payload.body,
        client_key=payload.client_key,
        language=payload.language,
    )
    return Status(201 if created else 200, _reply(reply))


@router.post(
    "/{id:person_id}/notes/{id:note_id}/reactions",
    response={200: ReactionResultOut, **ERRORS},
    summary="Give (active: true) or take back (active: false) a heart or a thank you",
)
def reaction_set(
    request: SignedInRequest, person_id: int, note_id: int, payload: ReactionIn
) -> ReactionResultOut:
    note = _note_of_person(request, person_id, note_id)
    active = services.reaction_set(
        actor=request.user,
        note_id=note.pk,
        kind=payload.kind,
        active=payload.active,
        client_key=payload.client_key,
    )
    return ReactionResultOut(kind=payload.kind, active=active)


@router.post(
    "/{id:person_id}/notes/{id:note_id}/handled",
    response={200: NoteOut, **ERRORS},
    summary="Mark a concern as handled, saying what was done",
)
def concern_handled(
    request: SignedInRequest, person_id: int, note_id: int, payload: HandledIn
) -> NoteOut:
    note = _note_of_person(request, person_id, note_id)
    services.concern_mark_handled(
        actor=request.user, note_id=note.pk, handled_note=payload.handled_note
    )
    return _note_shown(note, request.user)


# Outcomes --------------------------------------------------------------------------------------


@router.get(
    "/{id:person_id}/outcomes",
    response={200: list[OutcomeOut], **ERRORS},
    summary="A person's goals",
)
def outcome_list(request: SignedInRequest, person_id: int) -> list[OutcomeOut]:
    access = person_access_or_404(request.user, person_id)
    record_read(reader=request.user, access=access, channel=ReadChannel.API)
    return [_outcome(o) for o in access.person.outcomes.all()]


@router.post(
    "/{id:person_id}/outcomes",
    response={201: OutcomeOut, **ERRORS},
    summary="Add a goal, in the person's own words",
)
def outcome_create(
    request: SignedInRequest, person_id: int, payload: OutcomeIn
) -> Status[OutcomeOut]:
    outcome = services.outcome_create(
        actor=request.user,
        person_id=person_id,
        title=payload.title,
        who_helps=payload.who_helps,
        status=payload.status,
        language=payload.language,
    )
    return Status(201, _outcome(outcome))


@router.patch(
    "/{id:person_id}/outcomes/{id:outcome_id}",
    response={200: OutcomeOut, **ERRORS},
    summary="Change a goal or how it is going",
)
def outcome_update(
    request: SignedInRequest, person_id: int, outcome_id: int, payload: OutcomeUpdateIn
) -> OutcomeOut:
    outcome_access_or_404(request.user, outcome_id, person_id=person_id)
    given = payload.model_fields_set
    outcome = services.outcome_update(
        actor=request.user,
        outcome_id=outcome_id,
        **{
            name: getattr(payload, name)
            for name in ("title", "who_helps", "status", "language")
            if name in given
        },
    )
    return _outcome(outcome)

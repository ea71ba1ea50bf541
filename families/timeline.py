"""Reads for the shared timeline: one person's notes, as one user may see them.

Who may see a note follows from families.access: the person's page first, then the note's
audience. A note a user may not see answers exactly like one that does not exist.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from core.ids import ID_MAX
from core.realtime.catch_up import resume_from
from families.access import NoteAccess as NoteAccess
from families.access import PersonAccess
from families.access import note_access as note_access
from families.access import note_access_or_404 as note_access_or_404
from families.models import Note, NotePhoto, Outcome, Reply, TimelineVisit

if TYPE_CHECKING:
    pass

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


def visible_notes(access: PersonAccess) -> QuerySet[Note]:
    """Every note on this person's timeline that this user may see, deleted ones left out."""
    return Note.objects.filter(
        access.notes_filter(), person_id=access.person.pk, deleted_at__isnull=True
    )


def with_everything_shown(notes: QuerySet[Note]) -> QuerySet[Note]:
    """What rendering a note needs, in a fixed number of queries however many notes."""
    # The person comes along (a join, not a query): a note they wrote themself says so.
    return notes.select_related("author", "handled_by", "person").prefetch_related(
        Prefetch("photos", queryset=NotePhoto.objects.order_by("position", "id")),
        Prefetch("replies", queryset=Reply.objects.select_related("author")),
        "reactions",
        Prefetch("outcomes", queryset=Outcome.objects.order_by("title")),
    )


def shown_as_written(
    note: Note, *, photos: Sequence[NotePhoto], outcomes: Sequence[Outcome]
) -> Note:
    """A note just written, ready to render as with_everything_shown would load it.

    Nobody has replied or reacted yet, and its author, photos and outcomes are in hand, so
    nothing is read back: this is what Prefetch leaves behind, made without its queries
    (even empty ones cost a millisecond to build, on every note before anyone sees it).
    Each keeps its manager's own query, so anything asked of it later still reads the table.
    """
    in_hand = {
        "photos": sorted(photos, key=lambda photo: (photo.position, photo.pk)),
        "replies": [],
        "reactions": [],
        "outcomes": sorted(outcomes, key=lambda outcome: outcome.title),
    }
    cache = {}
    for name, items in in_hand.items():
        queryset = getattr(note, name).all()  # not run: its results are set just below
        queryset._result_cache, queryset._prefetch_done = items, True
        cache[name] = queryset
    # Django's own prefetch cache, filled by hand; the stubs leave the private name out.
    note._prefetched_objects_cache = cache  # type: ignore[attr-defined]
    return note


# Keyset pagination: the cursor names the last note shown, as "<microseconds>.<id>".
# Unlike an offset it stays right while new notes arrive at the top.


def encode_cursor(note: Note) -> str:
    micros = int(note.created_at.timestamp() * 1_000_000)
    return f"{micros}.{note.pk}"


def decode_cursor(cursor: str | None) -> tuple[datetime, int] | None:
    """None for no cursor; ValueError for one that was not made here."""
    if not cursor:
        return None
    micros, _, pk = cursor.partition(".")
    # Bounded before any arithmetic: a huge number overflows the date or the id column.
    if not (micros.isdigit() and pk.isdigit()) or len(micros) > 17 or int(pk) > ID_MAX:
        raise ValueError("not a timeline cursor")
    try:
        return datetime.fromtimestamp(int(micros) / 1_000_000, tz=UTC), int(pk)
    except (OverflowError, OSError) as error:
        raise ValueError("not a timeline cursor") from error


@dataclass(frozen=True)
class TimelinePage:
    notes: list[Note]
    next_cursor: str | None


def timeline_page(
    access: PersonAccess,
    *,
    kind: str | None = None,
    outcome_id: int | None = None,
    cursor: str | None = None,
    limit: int = PAGE_SIZE,
) -> TimelinePage:
    """One page of the timeline, newest first: five queries, whatever the page size."""
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    notes = visible_notes(access)
    if kind:
        notes = notes.filter(kind=kind)
    if outcome_id is not None:
        notes = notes.filter(outcomes__id=outcome_id)
    after = decode_cursor(cursor)
    if after is not None:
        created_at, pk = after
        notes = notes.filter(Q(created_at__lt=created_at) | Q(created_at=created_at, pk__lt=pk))
    found = list(with_everything_shown(notes.order_by("-created_at", "-id"))[: limit + 1])
    more = len(found) > limit
    found = found[:limit]
    return TimelinePage(notes=found, next_cursor=encode_cursor(found[-1]) if more else None)


def open_concerns(access: PersonAccess) -> list[Note]:
    """Concerns nobody has marked handled yet: highlighted for the team until someone does."""
    if not access.is_team:
        return []
    return list(
        visible_notes(access)
        .filter(kind=Note.Kind.CONCERN, handled_at__isnull=True)
        .select_related("author")
        .order_by("created_at", "id")
    )


def latest_event_id(access: PersonAccess) -> int:
    """Where a freshly rendered timeline starts listening from, so catch-up skips nothing."""
    return resume_from(person_id=access.person.pk, audience=access.live_audience)


def last_looked_and_mark_seen(*, user_id: int, access: PersonAccess) -> datetime | None:
    """When this user last opened this timeline (None the first time), and mark it now."""
    visit, created = TimelineVisit.objects.get_or_create(
        user_id=user_id, person_id=access.person.pk
    )
    if created:
        return None
    previous = visit.seen_at
    TimelineVisit.objects.filter(pk=visit.pk).update(seen_at=timezone.now())
    return previous

"""Catching up a page on notes: each note it missed news of, as a fresh page shows it now.

Rendered by the same partials as the live frames and the page, after the same access check
as opening the note: a note deleted since, or no longer shown to this viewer, becomes a
removal; an edited one arrives with its current words only; many events on one note, one
frame. Nothing of how a note looked is kept anywhere to be replayed.

When a process dies, a hundred pages reconnect at once and each asks for the same notes.
So the viewer's access is read once per page's batch, every note of the batch in one query,
and each rendering is kept a short while for the next page that needs the same note in the
same state (``_rendered``): a note's state is its stamps and the last event about it, so an
edit, a reply, a reaction or a deletion is never answered from an older rendering.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from typing import TYPE_CHECKING, cast

from django.utils import translation

from core.access import person_access
from core.models import Event
from core.realtime.catch_up import Missed
from families.models import Note
from families.services.notes import removal_html, render_note_fragments
from families.timeline import note_access, with_everything_shown

if TYPE_CHECKING:
    from core.access import AnyUser

# Enough for every note of a burst in both partials and every language, for long enough to
# serve a reconnect storm; never long enough to matter if something changed with no event.
RENDERED_KEEP = 2000
RENDERED_FOR_SECONDS = 60.0


class _Rendered:
    """Renderings by note state, shared by every socket of the process (and its threads)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: OrderedDict[tuple[object, ...], tuple[float, str]] = OrderedDict()

    def get(self, key: tuple[object, ...]) -> str | None:
        with self._lock:
            found = self._items.get(key)
            if found is None:
                return None
            if time.monotonic() - found[0] > RENDERED_FOR_SECONDS:
                del self._items[key]
                return None
            self._items.move_to_end(key)
            return found[1]

    def put(self, key: tuple[object, ...], html: str) -> None:
        with self._lock:
            self._items[key] = (time.monotonic(), html)
            self._items.move_to_end(key)
            while len(self._items) > RENDERED_KEEP:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


_rendered = _Rendered()


def rendered_clear() -> None:
    """Forget every kept rendering (each test starts without any)."""
    _rendered.clear()


def _state(note: Note, events: Sequence[Event], *, audience: str, created: bool) -> tuple:
    return (
        note.pk,
        note.created_at.isoformat(),
        note.edited_at.isoformat() if note.edited_at else "",
        note.handled_at.isoformat() if note.handled_at else "",
        events[-1].pk,
        translation.get_language(),
        audience,
        created,
    )


def notes_caught_up(missed: Missed) -> list[str]:
    subjects = [(note_id, events) for note_id, events in missed.subjects() if note_id is not None]
    access = missed.access
    if access is None and missed.person_id is not None:
        access = person_access(cast("AnyUser", missed.user), missed.person_id)
    if access is None:
        # A page not about one person (or one no longer shown): each note checked alone.
        return _each_checked_alone(missed, subjects)
    notes = {
        note.pk: note
        for note in Note.objects.filter(
            pk__in=[note_id for note_id, _events in subjects],
            person_id=access.person.pk,
            deleted_at__isnull=True,
        )
    }
    shown = {
        note_id: note
        for note_id, note in notes.items()
        if access.may_see_note(kind=note.kind, audience=note.audience, author_id=note.author_id)
    }
    return _frames(subjects, shown, audience=missed.audience.value)


def _frames(
    subjects: list[tuple[int, list[Event]]], shown: dict[int, Note], *, audience: str
) -> list[str]:
    # Each note's frames, by the state they show: (key, whether it is the "new note" one).
    wanted: dict[int, list[tuple[tuple, bool]]] = {}
    for note_id, events in subjects:
        if (note := shown.get(note_id)) is None:
            continue
        created = any(event.kind == "note.created" for event in events)
        # New since the page was drawn: it goes at the top (skipped there if the page
        # already has it), then is replaced by its current state like any other.
        wanted[note_id] = [
            (_state(note, events, audience=audience, created=new), new)
            for new in ((True, False) if created else (False,))
        ]
    html = {
        key: found
        for keys in wanted.values()
        for key, _new in keys
        if (found := _rendered.get(key)) is not None
    }
    to_render = sorted(
        note_id for note_id, keys in wanted.items() if any(key not in html for key, _n in keys)
    )
    if to_render:
        # Everything they show, in a fixed number of queries however many notes.
        for note in with_everything_shown(Note.objects.filter(pk__in=to_render)):
            for key, new in wanted[note.pk]:
                if key not in html:
                    html[key] = _one(render_note_fragments(note.pk, created=new, loaded=note))
                    _rendered.put(key, html[key])
    frames = []
    for note_id, _events in subjects:
        if note_id not in wanted:
            frames.append(removal_html(note_id))
            continue
        frames += [html[key] for key, _new in wanted[note_id] if key in html]
    return frames


def _each_checked_alone(missed: Missed, subjects: list[tuple[int, list[Event]]]) -> list[str]:
    shown: dict[int, Note] = {}
    for note_id, _events in subjects:
        if (found := note_access(cast("AnyUser", missed.user), note_id)) is not None:
            shown[note_id] = found.note
    return _frames(subjects, shown, audience=missed.audience.value)


def _one(fragments: dict) -> str:
    # The same bytes for every audience: whoever may see the note sees it the same way.
    return next(iter(fragments.values()))

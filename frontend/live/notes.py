"""A note's fragments for open timelines: live, to the writer, and for a page catching up.

Rendered once per audience and language, never per viewer: per-viewer details (the author's
edit link, "you reacted") come from data attributes and a small page script, so the same
bytes go to every viewer. The writer's own page is answered with the very fragment the
sockets were sent, in the writer's language, when it was drawn.

When a process dies, a hundred pages reconnect at once and each asks for the same notes.
So catching up, the viewer's access is read once per page's batch, every note of the batch in
one query, and each rendering is kept a short while for the next page that needs the same note
in the same state (``_rendered``): a note's state is its stamps and the last event about it, so
an edit, a reply, a reaction or a deletion is never answered from an older rendering.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence

from django.template.loader import render_to_string
from django.utils import translation

from core.audience import Audience
from core.models import Event
from core.realtime import Happened
from core.realtime.catch_up import Missed
from families.access import PersonAccess, person_access
from families.models import Note
from families.services.notes import audiences_of
from families.timeline import note_access, with_everything_shown

FRAGMENTS = "frontend/timeline/timeline.html"

Fragments = dict[Audience, str]


def _partial(created: bool) -> str:
    return f"{FRAGMENTS}#{'note_created' if created else 'note_changed'}"


def note_fragment(note: Note, *, created: bool = False, **extra: object) -> str:
    """One note's fragment, in the active language. ``note`` holds what with_everything_shown
    loads. For the writer, a fragment already sent to the sockets in this language is reused."""
    drawn: dict[tuple[str, bool], str] = getattr(note, "live_fragments", {})
    kept = drawn.get((translation.get_language(), created))
    if kept is not None and not extra:
        return kept
    return render_to_string(_partial(created), {"note": note, **extra})


def render_note_fragments(
    note_id: int, *, created: bool = False, loaded: Note | None = None
) -> Fragments:
    """The note as its audience sees it, in the active language: rendered once."""
    note = loaded or with_everything_shown(Note.objects.filter(pk=note_id)).get()
    html = render_to_string(_partial(created), {"note": note})
    return dict.fromkeys(audiences_of(note), html)


def removal_html(note_id: int) -> str:
    return f'<article id="note-{int(note_id)}" hx-swap-oob="delete"></article>'


def note_frames(happened: Happened) -> Callable[[], Fragments]:
    """What open timelines are sent when a note is written, changed or deleted."""
    if happened.kind == "note.deleted":
        removal = removal_html(happened.subject_id or 0)
        return lambda: dict.fromkeys(happened.audiences, removal)
    note: Note = happened.subject
    created = bool(happened.details.get("created"))

    def draw() -> Fragments:
        html = render_to_string(_partial(created), {"note": note})
        # Kept on the note the service hands back, so the writer's answer is these bytes.
        drawn = note.__dict__.setdefault("live_fragments", {})
        drawn[(translation.get_language(), created)] = html
        return dict.fromkeys(happened.audiences, html)

    return draw


# Catching up --------------------------------------------------------------------------------

# Enough for every note of a burst in both partials and every language, for long enough to
# serve a reconnect storm; never long enough to matter if something changed with no event.
RENDERED_KEEP = 2000
RENDERED_FOR_SECONDS = 60.0

# A note's state as a page is shown it: what it shows, the last event, language, audience.
StateKey = tuple[int, str, str, str, int, str, str, bool]


class _Rendered:
    """Renderings by note state, shared by every socket of the process (and its threads)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: OrderedDict[StateKey, tuple[float, str]] = OrderedDict()

    def get(self, key: StateKey) -> str | None:
        with self._lock:
            found = self._items.get(key)
            if found is None:
                return None
            if time.monotonic() - found[0] > RENDERED_FOR_SECONDS:
                del self._items[key]
                return None
            self._items.move_to_end(key)
            return found[1]

    def put(self, key: StateKey, html: str) -> None:
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


def _state(note: Note, events: Sequence[Event], *, audience: str, created: bool) -> StateKey:
    return (
        note.pk,
        note.created_at.isoformat(),
        note.edited_at.isoformat() if note.edited_at else "",
        note.handled_at.isoformat() if note.handled_at else "",
        events[-1].pk,
        translation.get_language() or "",
        audience,
        created,
    )


def notes_caught_up(missed: Missed) -> list[str]:
    """Each note a page missed news of, as a fresh page shows it now.

    After the same access check as opening the note: a note deleted since, or no longer shown
    to this viewer, becomes a removal; an edited one arrives with its current words only;
    many events on one note, one frame.
    """
    subjects = [(note_id, events) for note_id, events in missed.subjects() if note_id is not None]
    # Read once by the socket for the whole batch; else read here, once.
    access = missed.access if isinstance(missed.access, PersonAccess) else None
    if access is None and missed.person_id is not None:
        access = person_access(missed.user, missed.person_id)
    if access is None:
        # A page not about one person (or one no longer shown): each note checked alone.
        return _each_checked_alone(missed, subjects)
    notes = Note.objects.filter(
        pk__in=[note_id for note_id, _events in subjects],
        person_id=access.person.pk,
        deleted_at__isnull=True,
    )
    shown = {
        note.pk: note
        for note in notes
        if access.may_see_note(kind=note.kind, audience=note.audience, author_id=note.author_id)
    }
    return _frames(subjects, shown, audience=missed.audience.value)


def _frames(
    subjects: list[tuple[int, list[Event]]], shown: dict[int, Note], *, audience: str
) -> list[str]:
    # Each note's frames, by the state they show: (key, whether it is the "new note" one).
    wanted: dict[int, list[tuple[StateKey, bool]]] = {}
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
    frames: list[str] = []
    for note_id, _events in subjects:
        if note_id not in wanted:
            frames.append(removal_html(note_id))
            continue
        frames += [html[key] for key, _new in wanted[note_id] if key in html]
    return frames


def _each_checked_alone(missed: Missed, subjects: list[tuple[int, list[Event]]]) -> list[str]:
    shown: dict[int, Note] = {}
    for note_id, _events in subjects:
        if (found := note_access(missed.user, note_id)) is not None:
            shown[note_id] = found.note
    return _frames(subjects, shown, audience=missed.audience.value)


def _one(fragments: Fragments) -> str:
    # The same bytes for every audience: whoever may see the note sees it the same way.
    return next(iter(fragments.values()))

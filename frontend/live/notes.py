"""A note's fragments for open timelines: live, to the writer, and for a page catching up.

Rendered once per audience and language, never per viewer: per-viewer details (the author's
edit link, "you reacted") come from data attributes and a small page script, so the same
bytes go to every viewer. The writer's own page is answered with the very fragment the
sockets were sent, in the writer's language, when it was drawn.
"""

from __future__ import annotations

from collections.abc import Callable

from django.template.loader import render_to_string
from django.utils import translation

from core.audience import Audience
from core.realtime import Happened
from core.realtime.catch_up import Missed
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


def notes_caught_up(missed: Missed) -> list[str]:
    """Each note a page missed news of, as a fresh page shows it now.

    After the same access check as opening the note: a note deleted since, or no longer shown
    to this viewer, becomes a removal; an edited one arrives with its current words only;
    many events on one note, one frame.
    """
    frames = []
    for note_id, events in missed.subjects():
        if note_id is None:
            continue
        if note_access(missed.user, note_id) is None:  # type: ignore[arg-type]  # a socket's user
            frames.append(removal_html(note_id))
            continue
        if any(event.kind == "note.created" for event in events):
            # New since the page was drawn: it goes at the top (skipped there if the page
            # already has it), then is replaced by its current state like any other.
            frames.append(_one(render_note_fragments(note_id, created=True)))
        frames.append(_one(render_note_fragments(note_id)))
    return frames


def _one(fragments: Fragments) -> str:
    # The same bytes for every audience: whoever may see the note sees it the same way.
    return next(iter(fragments.values()))

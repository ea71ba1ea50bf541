"""Catching up a page on notes: each note it missed news of, as a fresh page shows it now.

Rendered by the same partials as the live frames and the page, after the same access check
as opening the note: a note deleted since, or no longer shown to this viewer, becomes a
removal; an edited one arrives with its current words only; many events on one note, one
frame. Nothing of how a note looked is kept anywhere to be replayed.
"""

from __future__ import annotations

from core.realtime.catch_up import Missed
from families.services.notes import removal_html, render_note_fragments
from families.timeline import note_access


def notes_caught_up(missed: Missed) -> list[str]:
    frames = []
    for note_id, events in missed.subjects():
        if note_id is None:
            continue
        if note_access(missed.user, note_id) is None:
            frames.append(removal_html(note_id))
            continue
        if any(event.kind == "note.created" for event in events):
            # New since the page was drawn: it goes at the top (skipped there if the page
            # already has it), then is replaced by its current state like any other.
            frames.append(_one(render_note_fragments(note_id, created=True)))
        frames.append(_one(render_note_fragments(note_id)))
    return frames


def _one(fragments: dict) -> str:
    # The same bytes for every audience: whoever may see the note sees it the same way.
    return next(iter(fragments.values()))

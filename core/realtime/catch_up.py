"""What a page missed, as a fresh page would show it now.

The event log says what happened to what (a note was edited, a visit moved), never how it
looked. Catching up, each thing that changed is rendered afresh by the app that owns it,
through the same renderer and the same access checks as a fresh page: a note deleted since
is a removal, an edited one its current words, several events on one thing only its latest
state. Apps register one renderer per kind of thing ("note", "visit", ...) when they load;
core knows none of them.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import groupby

from django.conf import settings
from django.db.models import Max
from django.utils import timezone
from django.utils.html import escape

from core.audience import Audience
from core.models import Event, EventStream, User

log = logging.getLogger(__name__)

# A page that missed more than this reloads instead of catching up: it is quicker and simpler.
CATCH_UP_LIMIT = 200


@dataclass(frozen=True)
class Missed:
    """Events of one kind of thing that one socket missed, oldest first."""

    user: User
    audience: Audience
    person_id: int | None
    team_id: int | None
    events: Sequence[Event]
    # How the viewer sees the person, read once for the whole batch (None on a team page).
    # The access layer's answer (families.access.PersonAccess), which core may not name: the
    # renderer that registered for the thing knows what it is.
    access: object | None = None

    def subjects(self) -> list[tuple[int | None, list[Event]]]:
        """Each thing that changed, once, in the order of its latest change, with its events."""
        by_subject: dict[int | None, list[Event]] = {}
        for event in self.events:
            by_subject.setdefault(event.subject_id, []).append(event)
        return sorted(by_subject.items(), key=lambda item: item[1][-1].pk)


Renderer = Callable[[Missed], list[str]]
_renderers: dict[str, Renderer] = {}


def register(thing: str, renderer: Renderer) -> None:
    """``renderer`` turns missed events about ``thing`` ("note" for "note.edited") into frames."""
    _renderers[thing] = renderer


def _thing(event: Event) -> str:
    return event.kind.partition(".")[0]


def frames_for(
    *,
    user: User,
    audience: Audience,
    person_id: int | None,
    team_id: int | None,
    events: Iterable[Event],
    access: object | None = None,
) -> list[str]:
    """The frames that bring a page from before ``events`` to what a fresh page shows now.

    ``access``: how this viewer sees the person, read once by the caller for every event.
    """
    ordered = sorted(events, key=lambda event: (_thing(event), event.pk))
    batches = [(thing, list(batch)) for thing, batch in groupby(ordered, key=_thing)]
    frames: list[str] = []
    for thing, batch in sorted(batches, key=lambda item: item[1][0].pk):
        renderer = _renderers.get(thing)
        if renderer is None:
            log.warning("no catch-up renderer for %s events", thing)
            continue
        missed = Missed(
            user=user,
            audience=audience,
            person_id=person_id,
            team_id=team_id,
            events=batch,
            access=access,
        )
        frames += renderer(missed)
    return frames


# The log ---------------------------------------------------------------------------------------


def missed_events(*, streams: Sequence[str], after: int) -> list[Event] | None:
    """What these streams heard after event ``after``, oldest first.

    None when that is more than catching up is for: too many, or from before the catch-up
    window (the log no longer holds all of it). The page then reloads.
    """
    if after > 0 and not Event.objects.filter(pk__lte=after).exists():
        # Even the event the page last saw has been pruned: what came after may be too.
        return None
    found = list(
        Event.objects.filter(stream__in=streams, pk__gt=after).order_by("pk")[: CATCH_UP_LIMIT + 1]
    )
    return None if len(found) > CATCH_UP_LIMIT else found


def resume_from(
    *, person_id: int | None = None, team_id: int | None = None, audience: Audience | None = None
) -> int:
    """Where a freshly drawn page starts listening from: the last event already on it.

    Every live page puts it in its socket's address (``?after=``), so catching up skips
    nothing that came after the page was drawn, and anything sent twice is harmless by id.
    """
    events = Event.objects.all()
    if person_id is not None:
        events = events.filter(person_id=person_id)
    if team_id is not None:
        events = events.filter(team_id=team_id)
    if audience is not None:
        events = events.filter(audience=audience.value)
    return events.aggregate(last=Max("id"))["last"] or 0


def stream_heads(streams: Sequence[str]) -> dict[str, int]:
    """The last event sent to each stream, for a page checking it has seen them all."""
    heads = dict(EventStream.objects.filter(name__in=streams).values_list("name", "last_event_id"))
    return {name: heads.get(name, 0) for name in streams}


def streams_html(heads: dict[str, int], *, covered: int | None = None) -> str:
    """Sent after catching up (``covered``: everything up to it is now on the page) and in
    answer to a page checking it missed nothing: the last event of each of its streams."""
    covered_attr = "" if covered is None else f' data-covered="{covered}"'
    return (
        f'<span id="kith-streams" hidden data-streams="{escape(json.dumps(heads))}"'
        f'{covered_attr} hx-swap-oob="true"></span>'
    )


def catch_up_window() -> dt.timedelta:
    return dt.timedelta(hours=settings.CATCH_UP_WINDOW_HOURS)


def events_prune(*, now: dt.datetime | None = None, dry_run: bool = False) -> int:
    """Forget events older than the catch-up window: no page may ask for them any more."""
    cutoff = (now or timezone.now()) - catch_up_window()
    old = Event.objects.filter(created_at__lt=cutoff)
    if dry_run:
        return old.count()
    deleted, _ = old.delete()
    return deleted

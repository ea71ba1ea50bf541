"""Telling open pages what changed, after the change is committed and never before.

Services say what happened (``announce``: a note was created, a visit changed, for whom); the
web layer turns that into fragments, registered here per kind of thing (``register_frames``),
once per audience and language listening. Core renders nothing and knows no template.
"""

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import BaseChannelLayer, get_channel_layer
from django.conf import settings
from django.db import connection, transaction
from django.utils import translation

from core.audience import Audience
from core.channel_layers import group_send_all
from core.models import Event, EventStream
from core.realtime import presence
from core.realtime.groups import (
    language_group,
    person_group,
    person_topic_group,
    session_group,
    team_group,
    user_group,
)
from core.sql import quoted_column, quoted_table

MESSAGE = "event.message"

Fragments = Mapping[Audience, str]


@dataclass(frozen=True)
class Happened:
    """Something a service did, for the pages that show it: what, about whom, for whom.

    ``kind`` is namespaced ("note.created"); its first part names the thing, whose registered
    renderer draws the frames. ``audiences`` are who hears it. ``subject`` is the thing as the
    service holds it (already loaded, so the renderer need not read it again) and ``details``
    anything else the renderer needs (a visit's old date).
    """

    kind: str
    audiences: tuple[Audience, ...]
    person_id: int | None = None
    team_id: int | None = None
    topic: str = ""
    subject_id: int | None = None
    subject: Any = None
    details: Mapping[str, Any] = field(default_factory=dict)

    @property
    def thing(self) -> str:
        return self.kind.partition(".")[0]


# A renderer is called once per announcement, where it reads what it needs; the function it
# returns is called once per language listening and draws each audience's fragment.
FrameRenderer = Callable[[Happened], Callable[[], Fragments]]
_frame_renderers: dict[str, FrameRenderer] = {}


def register_frames(thing: str, renderer: FrameRenderer) -> None:
    """The web layer's renderer for what happens to ``thing`` ("note" for "note.created")."""
    _frame_renderers[thing] = renderer


def announce(happened: Happened) -> list[Event]:
    """Say what happened: logged now, its frames drawn by the web layer and sent once committed.

    Call inside the service's transaction (see ``publish``).
    """
    renderer = _frame_renderers.get(happened.thing)
    if renderer is None:
        raise LookupError(f"no frames registered for {happened.thing!r} (frontend.apps does it)")
    draw = renderer(happened)

    def fragments() -> Fragments:
        drawn = draw()
        return {audience: drawn[audience] for audience in happened.audiences if audience in drawn}

    return publish(
        kind=happened.kind,
        fragments=fragments,
        person_id=happened.person_id,
        team_id=happened.team_id,
        topic=happened.topic,
        subject_id=happened.subject_id,
    )


def languages_listening(person_id: int | None, team_id: int | None = None) -> list[str]:
    """The site's language, and those of the pages open about this person now.

    A team-wide page (the rota) keeps no presence, so what a team page hears goes out in
    every language Kith speaks: still a fixed number, never one per viewer.
    """
    known = [code for code, _name in settings.LANGUAGES]
    if person_id is None or team_id is not None:
        return known
    listening = presence.languages_listening(person_id=person_id)
    return [code for code in known if code == settings.LANGUAGE_CODE or code in listening]


def _per_language(
    fragments: Fragments | Callable[[], Fragments], person_id: int | None, team_id: int | None
) -> dict[str, Fragments]:
    """Each language's fragments: rendered once per language listening, never per viewer.

    Fragments given as a callable are rendered in each language; plain ones (a removal, which
    holds no words) are the same bytes in every language.
    """
    wanted = languages_listening(person_id, team_id)
    if not callable(fragments):
        return dict.fromkeys(wanted, fragments)
    rendered = {}
    for language in wanted:
        with translation.override(language):
            rendered[language] = fragments()
    return rendered


def cursor_html(event_id: int, *, stream: str = "", previous: int = 0) -> str:
    """Rides along with every frame: where the page got to, and the frame before this one.

    A page that has not seen ``previous`` (in this stream) missed a frame and asks for it.
    """
    return (
        f'<span id="kith-cursor" hidden data-event-id="{event_id}" data-stream="{stream}"'
        f' data-previous="{previous}" hx-swap-oob="true"></span>'
    )


def publish(
    *,
    kind: str,
    fragments: Fragments | Callable[[], Fragments],
    person_id: int | None = None,
    team_id: int | None = None,
    topic: str = "",
    subject_id: int | None = None,
) -> list[Event]:
    """Record what happened once per stream and send each fragment to its group once committed.

    Call inside the service's transaction. Render each fragment once per audience: the same
    bytes go to every viewer in that audience, however many there are. Each open page listens
    to exactly one audience (the team's or the circle's), so nobody hears an event twice.

    ``fragments`` is best a callable that renders them in the active language: it is called
    once per language, so each page hears the frame in its own user's language.

    ``topic`` (a note's kind) sends the circle's fragment only to those in the circle the
    person shows that kind to; without it, the whole circle hears it. ``subject_id`` names
    what it happened to (a note, a visit, an offer): catch-up renders that afresh, since the
    log keeps no fragment, so no words outlive an edit or a deletion there.
    """
    if person_id is None and team_id is None:
        raise ValueError("an event belongs to a person, a team or both")
    by_language = _per_language(fragments, person_id, team_id)
    audiences = list(by_language[settings.LANGUAGE_CODE])
    if team_id is not None and person_id is None and set(audiences) != {Audience.TEAM}:
        raise ValueError("team-wide events are for the team only")
    if Audience.CIRCLE in audiences and Audience.TEAM not in audiences:
        # Shared with the circle and the same for everyone: the team hears it in its own group.
        audiences.append(Audience.TEAM)

    def html_of(audience: Audience) -> dict[str, str]:
        shown = audience if audience in by_language[settings.LANGUAGE_CODE] else Audience.CIRCLE
        return {language: frags[shown] for language, frags in by_language.items()}

    streams: dict[str, tuple[Audience, dict[str, str]]] = {}
    for audience in audiences:
        if person_id is not None:
            streams[_person_group_for(person_id, audience, topic)] = (audience, html_of(audience))
        if team_id is not None and audience is Audience.TEAM:
            streams[team_group(team_id)] = (audience, html_of(audience))
    events = _log(
        streams, kind=kind, person_id=person_id, team_id=team_id, topic=topic, subject_id=subject_id
    )
    # Robust: the write is committed whatever happens next. A channel layer that fails here
    # (Redis down, say) is logged, and the page that missed the frame catches up from the log.
    transaction.on_commit(lambda: _send(events, person_id=person_id, team_id=team_id), robust=True)
    return events


def _log(
    streams: Mapping[str, tuple[Audience, dict[str, str]]],
    *,
    kind: str,
    person_id: int | None,
    team_id: int | None,
    topic: str,
    subject_id: int | None,
) -> list[Event]:
    """One row per stream, each chained to the one before it in that stream.

    The stream's row stays locked until the write commits, so two writes to one stream are
    chained in the order they commit (which is the order their frames go out), never both
    after the same frame. Locked in name order, so two writes never wait on each other.
    """
    names = sorted(streams)
    last = _locked_streams(names)
    # Every stream's event in one INSERT (each gets its id back), and every stream moved on to
    # its new event in one UPDATE.
    events = _events_written(
        [
            Event(
                person_id=person_id,
                team_id=team_id,
                audience=streams[name][0].value,
                stream=name,
                kind=kind,
                topic=topic,
                subject_id=subject_id,
            )
            for name in names
        ]
    )
    for name, event in zip(names, events, strict=True):
        html_by_language = streams[name][1]
        # Kept on the object only, for sending: the log itself holds no fragment.
        event.html_by_language = html_by_language
        event.html = html_by_language[settings.LANGUAGE_CODE]
        event.previous_id = last[name]
    _streams_moved_on({event.stream: event.pk for event in events})
    return events


# The two statements on the streams of every write, as plain SQL: the same on SQLite and
# PostgreSQL, and without the cost of building them through the ORM each time (which was more
# than running them).
_STREAMS = quoted_table(EventStream)


def _locked_streams(names: list[str]) -> dict[str, int]:
    """Each stream's last event (0 for a new stream), locked until the write commits.

    One statement, row by row in the order given (names sorted): a stream that does not exist
    yet is made, one that does is locked (its no-change update takes the row lock). Locking
    the streams that existed first and making the others after let two first writes about a
    person deadlock on PostgreSQL: each held a stream the other was waiting for while it
    waited for the other's new stream to commit. SQLite runs one write at a time anyway.
    """
    rows = ", ".join(["(%s, 0)"] * len(names))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_STREAMS} (name, last_event_id) VALUES {rows}"  # noqa: S608
            f" ON CONFLICT (name) DO UPDATE SET last_event_id = {_STREAMS}.last_event_id"
            " RETURNING name, last_event_id",
            names,
        )
        return dict(cursor.fetchall())


# The INSERT of every write's events, written out once (see _events_written).
_EVENT_FIELDS = [field for field in Event._meta.concrete_fields if not field.primary_key]
_EVENTS = quoted_table(Event)
_EVENT_COLUMNS = ", ".join(quoted_column(field) for field in _EVENT_FIELDS)
_EVENT_ID = quoted_column(next(field for field in Event._meta.concrete_fields if field.primary_key))
_EVENT_ROW = "(" + ", ".join(["%s"] * len(_EVENT_FIELDS)) + ")"


def _events_written(events: list[Event]) -> list[Event]:
    """The events saved in one INSERT, each with its id: as bulk_create, without its build.

    Every value goes through its field as the ORM would send it (the moment, say).
    """
    rows = ", ".join([_EVENT_ROW] * len(events))
    params = [
        field.get_db_prep_save(getattr(event, field.attname), connection)
        for event in events
        for field in _EVENT_FIELDS
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_EVENTS} ({_EVENT_COLUMNS}) VALUES {rows} RETURNING {_EVENT_ID}",  # noqa: S608
            params,
        )
        ids = cursor.fetchall()
    for event, (event_id,) in zip(events, ids, strict=True):
        event.pk = event_id
        event._state.adding = False
        event._state.db = connection.alias
    return events


def _streams_moved_on(last: dict[str, int]) -> None:
    """Each stream's last event is now the one just written to it: one UPDATE for them all."""
    cases = " ".join(["WHEN %s THEN %s"] * len(last))
    marks = ", ".join(["%s"] * len(last))
    params: list[str | int] = [value for pair in last.items() for value in pair]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {_STREAMS} SET last_event_id = CASE name {cases} END"  # noqa: S608
            f" WHERE name IN ({marks})",
            [*params, *last],
        )


def _person_group_for(person_id: int, audience: Audience, topic: str) -> str:
    if audience is Audience.CIRCLE and topic:
        return person_topic_group(person_id, topic)
    return person_group(person_id, audience)


def _layer() -> BaseChannelLayer:
    layer = get_channel_layer()
    assert layer is not None, "settings.CHANNEL_LAYERS always names a default layer"
    return layer


def _send(events: list[Event], *, person_id: int | None, team_id: int | None) -> None:
    """Every frame of a write, sent together: one trip to the event loop, two to Redis.

    Each group hears one frame of these, so sending them at once keeps every group's order.
    """
    if not events:
        return
    # Just committed: each process times its frames from here (core.metrics.FanoutClock).
    timing = {"change": events[0].pk, "committed_at": time.time()}
    layer = _layer()
    frames = []
    for event in events:
        cursor = cursor_html(event.pk, stream=event.stream, previous=event.previous_id)
        for language, html in event.html_by_language.items():
            group = language_group(event.stream, language)
            frames.append(
                (group, {"type": MESSAGE, "id": event.pk, "html": html + cursor, **timing})
            )
    async_to_sync(group_send_all)(layer, frames)


def access_changed(*, user_id: int) -> None:
    """Ask this user's open sockets to re-check what they may see. Call from services."""
    transaction.on_commit(
        lambda: async_to_sync(_layer().group_send)(user_group(user_id), {"type": "access.changed"}),
        robust=True,
    )


def session_ended(*, session_key: str) -> None:
    """Close every socket opened under this session, e.g. when its owner signs out."""
    async_to_sync(_layer().group_send)(session_group(session_key), {"type": "session.ended"})


def session_changed(*, user_id: int) -> None:
    """Ask this user's open sockets whether their session is still accepted, and close if not.

    Call when something that ends sessions has happened to the user: a new password, the
    account deactivated, the second factor removed. Sockets whose session still stands (the
    one the password was changed in, say) stay open. Whatever is missed, each socket checks
    again within a minute by itself.
    """
    transaction.on_commit(
        lambda: async_to_sync(_layer().group_send)(
            user_group(user_id), {"type": "session.changed"}
        ),
        # Best effort, like every send: the sockets check again within a minute anyway.
        robust=True,
    )

"""A page that reconnects (or noticed a gap) is brought to exactly what a fresh page shows now.

The log keeps what happened to which note, never its words: a deleted note arrives as a
removal, an edited one with its current words only, and a note several things happened to
as one frame. Old state plus what catch-up sends equals a fresh timeline.
"""

import html
import json
import re
from unittest.mock import patch

import pytest
from channels.db import database_sync_to_async
from django.db import connection

from core.models import Event
from core.realtime import broadcast
from core.realtime.consumers import CLOSE_RELOAD
from core.tests.sockets import connect
from families import services
from families.access import person_access_or_404
from families.models import Note
from families.timeline import latest_event_id, timeline_page

pytestmark = pytest.mark.django_db(transaction=True)


def _write(personas, body, *, kind=Note.Kind.MOMENT, audience=Note.Audience.CIRCLE):
    return services.note_create(
        actor=personas.carer,
        person_id=personas.person.pk,
        kind=kind,
        body=body,
        audience=audience,
    )


def _cursor(personas, user):
    return latest_event_id(person_access_or_404(user, personas.person.pk))


async def _frames_until_streams(socket) -> list[str]:
    """Every frame catch-up sends, up to the one saying where each stream got to (its last).

    Waiting for that frame, not for a quiet moment: on a busy machine catching up can take
    longer than any pause chosen to mean "nothing more is coming".
    """
    frames: list[str] = []
    while True:
        frame = await socket.receive_from(timeout=20)
        if 'id="kith-streams"' in frame:
            return frames
        frames.append(frame)


def _ids(frames, pattern):
    return [int(i) for frame in frames for i in re.findall(pattern, frame)]


async def test_a_deleted_note_comes_back_as_a_removal_and_never_its_words(personas):
    cursor = await database_sync_to_async(_cursor)(personas, personas.family)
    note = await database_sync_to_async(_write)(personas, "Mum had a fall in the garden")
    await database_sync_to_async(services.note_delete)(actor=personas.carer, note_id=note.pk)

    family, *_ = await connect(personas.family, f"/ws/people/{personas.person.pk}/", after=cursor)
    frames = await _frames_until_streams(family)
    assert not any("a fall in the garden" in frame for frame in frames)
    assert frames == [f'<article id="note-{note.pk}" hx-swap-oob="delete"></article>']
    await family.disconnect()


async def test_an_edited_note_comes_back_with_its_current_words_only(personas):
    note = await database_sync_to_async(_write)(personas, "Jean ate nothing at lunch")
    cursor = await database_sync_to_async(_cursor)(personas, personas.family)
    await database_sync_to_async(services.note_edit)(
        actor=personas.carer, note_id=note.pk, body="Jean ate a little soup at lunch"
    )
    await database_sync_to_async(services.reply_create)(
        actor=personas.carer, note_id=note.pk, body="She enjoyed it"
    )

    family, *_ = await connect(personas.family, f"/ws/people/{personas.person.pk}/", after=cursor)
    frames = await _frames_until_streams(family)
    assert len(frames) == 1, "two events on one note: one frame, its latest state"
    assert "a little soup" in frames[0]
    assert "She enjoyed it" in frames[0]
    assert "ate nothing" not in frames[0]
    await family.disconnect()


async def test_a_note_shown_to_the_circle_then_deleted_is_never_in_the_stored_log(personas):
    note = await database_sync_to_async(_write)(personas, "Words nobody keeps")
    await database_sync_to_async(services.note_delete)(actor=personas.carer, note_id=note.pk)

    def stored_text() -> str:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT * FROM {Event._meta.db_table}")  # noqa: S608 (no input)
            return repr(cursor.fetchall())

    assert "Words nobody keeps" not in await database_sync_to_async(stored_text)()


async def test_old_state_plus_catch_up_equals_a_fresh_timeline(personas):
    """Zulip's check: what a page had, changed by what it is sent, is what a new page shows."""
    kept = await database_sync_to_async(_write)(personas, "Kept as it was")
    edited = await database_sync_to_async(_write)(personas, "Before the edit")
    gone = await database_sync_to_async(_write)(personas, "Soon deleted")
    old_page = {kept.pk, edited.pk, gone.pk}
    cursor = await database_sync_to_async(_cursor)(personas, personas.family)

    await database_sync_to_async(services.note_edit)(
        actor=personas.carer, note_id=edited.pk, body="After the edit"
    )
    await database_sync_to_async(services.note_delete)(actor=personas.carer, note_id=gone.pk)
    new = await database_sync_to_async(_write)(personas, "Written while away")
    never = await database_sync_to_async(_write)(
        personas, "Handover for the team", kind=Note.Kind.HANDOVER, audience=Note.Audience.TEAM
    )
    brief = await database_sync_to_async(_write)(personas, "Written and taken back")
    await database_sync_to_async(services.note_delete)(actor=personas.carer, note_id=brief.pk)

    family, *_ = await connect(personas.family, f"/ws/people/{personas.person.pk}/", after=cursor)
    frames = await _frames_until_streams(family)
    await family.disconnect()

    added = set(_ids(frames, r'afterbegin:#timeline">\s*<article id="note-(\d+)"'))
    removed = set(_ids(frames, r'<article id="note-(\d+)" hx-swap-oob="delete"'))
    shown = (old_page | added) - removed

    def fresh() -> set[int]:
        page = timeline_page(person_access_or_404(personas.family, personas.person.pk))
        return {note.pk for note in page.notes}

    assert shown == await database_sync_to_async(fresh)()
    assert new.pk in shown and never.pk not in shown
    assert not any("Before the edit" in f or "Handover" in f or "taken back" in f for f in frames)


async def test_a_page_older_than_the_catch_up_window_is_told_to_reload(personas, settings):
    cursor_note = await database_sync_to_async(_write)(personas, "Long ago")
    cursor = await database_sync_to_async(_cursor)(personas, personas.family)
    await database_sync_to_async(_write)(personas, "Since then")
    # Pruning took the event the page last saw: what came after it may be gone too.
    await database_sync_to_async(Event.objects.filter(pk__lte=cursor).delete)()
    assert cursor_note.pk

    family, *_ = await connect(personas.family, f"/ws/people/{personas.person.pk}/", after=cursor)
    assert await family.receive_output(timeout=1) == {
        "type": "websocket.close",
        "code": CLOSE_RELOAD,
    }
    await family.disconnect()


# Frames that never came ------------------------------------------------------------------------


def _dropped(personas, body):
    """Written and committed, but its frame lost on the way, as a swamped channel layer does."""
    with patch.object(broadcast, "_send", lambda *args, **kwargs: None):
        return _write(personas, body)


def _cursor_of(frame: str) -> dict[str, str]:
    found = re.search(r'<span id="kith-cursor"[^>]*>', frame)
    assert found is not None, f"no cursor in {frame!r}"
    return dict(re.findall(r'data-([a-z]+)="([^"]*)"', found.group(0)))


async def test_a_dropped_frame_is_noticed_from_the_next_one_and_fetched_once(personas):
    path = f"/ws/people/{personas.person.pk}/"
    cursor = await database_sync_to_async(_cursor)(personas, personas.family)
    family, *_ = await connect(personas.family, path, after=cursor)
    assert await _frames_until_streams(family) == []

    lost = await database_sync_to_async(_dropped)(personas, "Jean laughed at the radio")
    await database_sync_to_async(_write)(personas, "Then she had a nap")
    frame = await family.receive_from()
    assert "a nap" in frame
    lost_event = await database_sync_to_async(
        Event.objects.filter(subject_id=lost.pk, audience="circle").get
    )()
    # The frame names the one before it, which this page never saw: a gap it can see.
    assert _cursor_of(frame)["previous"] == str(lost_event.pk)

    await family.send_to(text_data=json.dumps({"catch_up": cursor}))
    frames = await _frames_until_streams(family)
    inserted = _ids(frames, r'afterbegin:#timeline">\s*<article id="note-(\d+)"')
    assert lost.pk in inserted
    assert any("laughed at the radio" in f for f in frames)
    assert inserted.count(lost.pk) == 1
    await family.disconnect()


async def test_a_last_frame_that_never_came_is_found_by_checking(personas):
    path = f"/ws/people/{personas.person.pk}/"
    family, *_ = await connect(personas.family, path)
    lost = await database_sync_to_async(_dropped)(personas, "The last news of the day")
    lost_event = await database_sync_to_async(
        Event.objects.filter(subject_id=lost.pk, audience="circle").get
    )()

    await family.send_to(text_data=json.dumps({"check": True}))
    answer = html.unescape(await family.receive_from())
    assert 'id="kith-streams"' in answer
    assert f'"person-{personas.person.pk}-circle-moment": {lost_event.pk}' in answer
    await family.disconnect()


async def test_a_page_asking_for_nonsense_is_ignored(personas):
    family, *_ = await connect(personas.family, f"/ws/people/{personas.person.pk}/")
    for asked in ("not json", "[]", '{"catch_up": "1"}', '{"catch_up": -4}', '{"check": 1}'):
        await family.send_to(text_data=asked)
    assert await family.receive_nothing(timeout=0.3)
    await family.disconnect()


async def test_the_circle_can_never_ask_for_the_teams_items(personas):
    family, *_ = await connect(personas.family, f"/ws/people/{personas.person.pk}/")
    await database_sync_to_async(_write)(
        personas, "Key safe code is 4321", kind=Note.Kind.HANDOVER, audience=Note.Audience.TEAM
    )
    await family.send_to(text_data=json.dumps({"catch_up": 0}))
    frames = await _frames_until_streams(family)
    assert not any("4321" in frame for frame in frames)
    await family.disconnect()

"""Notes arriving on open pages: only for those allowed, stopping when access ends, no gaps."""

import re

import pytest
from channels.db import database_sync_to_async
from django.template.loader import render_to_string

from core.realtime.consumers import CLOSE_NO_ACCESS
from core.tests.sockets import connect
from families import services

pytestmark = pytest.mark.django_db(transaction=True)

EVENT_ID = re.compile(r'data-event-id="(\d+)"')
NOTE_ID = re.compile(r'<article id="note-(\d+)"')


def _note_id(frame: str) -> str:
    found = NOTE_ID.search(frame)
    assert found is not None, f"no note in {frame!r}"
    return found.group(1)


def _path(personas) -> str:
    return f"/ws/people/{personas.person.pk}/"


@database_sync_to_async
def _write(personas, **values):
    values = {"kind": "moment", "body": "Jean laughed at the radio.", **values}
    return services.note_create(actor=personas.carer, person_id=personas.person.pk, **values)


async def _frames(socket, *, until_quiet: float = 0.3) -> list[str]:
    frames = []
    while not await socket.receive_nothing(timeout=until_quiet):
        frames.append(await socket.receive_from())
    return frames


async def test_a_circle_socket_never_receives_a_team_only_note(personas):
    carer, *_ = await connect(personas.carer, _path(personas))
    family, *_ = await connect(personas.family, _path(personas))
    nurse, *_ = await connect(personas.professional, _path(personas))

    handover = await _write(personas, kind="handover", body="Key safe code is 4321")
    concern = await _write(personas, kind="concern", body="Bruise on her arm")
    moment = await _write(personas, audience="circle", body="Sang with the radio")

    carer_frames = await _frames(carer)
    family_frames = await _frames(family)
    nurse_frames = await _frames(nurse)
    assert [_note_id(f) for f in carer_frames] == [
        str(handover.pk),
        str(concern.pk),
        str(moment.pk),
    ]
    for frames in (family_frames, nurse_frames):
        assert [_note_id(f) for f in frames] == [str(moment.pk)]
        assert not any("4321" in f or "Bruise" in f for f in frames)
    for socket in (carer, family, nurse):
        await socket.disconnect()


async def test_replies_reactions_edits_and_deletions_arrive_live(personas):
    note = await _write(personas, audience="circle")
    family, *_ = await connect(personas.family, _path(personas))

    await database_sync_to_async(services.reply_create)(
        actor=personas.professional, note_id=note.pk, body="What a lovely thing"
    )
    await database_sync_to_async(services.reaction_set)(
        actor=personas.professional, note_id=note.pk, kind="heart", active=True
    )
    await database_sync_to_async(services.note_edit)(
        actor=personas.carer, note_id=note.pk, body="Jean laughed and sang"
    )
    await database_sync_to_async(services.note_delete)(actor=personas.carer, note_id=note.pk)

    frames = await _frames(family)
    assert len(frames) == 4
    assert "What a lovely thing" in frames[0]
    assert f'data-reactors="|{personas.professional.pk}|"' in frames[1]
    assert "Jean laughed and sang" in frames[2]
    assert f'<article id="note-{note.pk}" hx-swap-oob="delete">' in frames[3]
    await family.disconnect()


async def test_removal_from_the_circle_closes_the_socket(personas):
    family, *_ = await connect(personas.family, _path(personas))

    await database_sync_to_async(services.circle_member_remove)(
        actor=personas.carer, circle_member_id=personas.family_place.pk
    )

    closed = await family.receive_output(timeout=1)
    assert closed == {"type": "websocket.close", "code": CLOSE_NO_ACCESS}
    await _write(personas, audience="circle", body="After they left")
    _again, connected, code, _ = await connect(personas.family, _path(personas))
    assert not connected
    assert code == CLOSE_NO_ACCESS


async def test_catching_up_after_a_dropped_connection_has_no_gaps_or_repeats(personas):
    family, *_ = await connect(personas.family, _path(personas))
    seen_first = await _write(personas, audience="circle", body="Before the drop")
    first_frames = await _frames(family)
    last_seen = int(EVENT_ID.findall(first_frames[-1])[-1])
    await family.disconnect()

    missed = [
        await _write(personas, audience="circle", body="Missed one"),
        await _write(personas, kind="handover", body="Team only while away"),
        await _write(personas, audience="circle", body="Missed two"),
    ]
    back, connected, *_ = await connect(personas.family, _path(personas), after=last_seen)
    assert connected
    live = await _write(personas, audience="circle", body="After coming back")

    frames = [f for f in await _frames(back) if NOTE_ID.search(f)]
    # A note new since the cursor comes as an insert, then its current state; the page shows
    # it once (timeline.js skips an insert it already has), so count each note once, in order.
    shown = list(dict.fromkeys(int(_note_id(f)) for f in frames))
    assert shown == [missed[0].pk, missed[2].pk, live.pk]
    assert seen_first.pk not in shown
    ids = [int(EVENT_ID.findall(f)[-1]) for f in frames if EVENT_ID.search(f)]
    assert ids == sorted(ids)
    assert all(i > last_seen for i in ids)
    await back.disconnect()


async def test_one_rendering_reaches_every_viewer(personas, monkeypatch):
    """However many pages are open, the note is rendered once and the same bytes go to all."""
    from frontend.live import notes as notes_module

    renders = []
    real_render = render_to_string  # what notes_module imported

    def counting_render(*args, **kwargs):
        renders.append(args[0])
        return real_render(*args, **kwargs)

    monkeypatch.setattr(notes_module, "render_to_string", counting_render)
    sockets = [(await connect(personas.family, _path(personas)))[0] for _ in range(4)]
    sockets += [(await connect(personas.carer, _path(personas)))[0] for _ in range(3)]

    await _write(personas, audience="circle", body="Everyone hears this")

    received = [await _frames(socket) for socket in sockets]
    assert renders == ["frontend/timeline/timeline.html#note_created"]
    assert all(len(frames) == 1 for frames in received)
    # The same fragment for all; only the cursor differs between the team's and circle's logs.
    fragments = {re.sub(r'<span id="kith-cursor"[^>]*></span>', "", f[0]) for f in received}
    assert len(fragments) == 1
    for socket in sockets:
        await socket.disconnect()


async def test_a_page_plus_what_it_caught_up_on_equals_a_fresh_page(personas):
    """The page's starting point and the replay fit together: nothing lost, nothing extra."""
    from families.access import person_access_or_404
    from families.timeline import latest_event_id, timeline_page

    def fresh_ids() -> tuple[set[int], int]:
        access = person_access_or_404(personas.family, personas.person.pk)
        return {n.pk for n in timeline_page(access, limit=100).notes}, latest_event_id(access)

    kept = await _write(personas, audience="circle", body="On the page already")
    doomed = await _write(personas, audience="circle", body="Deleted while away")
    shown, after = await database_sync_to_async(fresh_ids)()

    await _write(personas, audience="circle", body="New while away")
    await _write(personas, kind="handover", body="Team only while away")
    await database_sync_to_async(services.note_delete)(actor=personas.carer, note_id=doomed.pk)
    await database_sync_to_async(services.reply_create)(
        actor=personas.carer, note_id=kept.pk, body="A reply while away"
    )

    socket, connected, *_ = await connect(personas.family, _path(personas), after=after)
    assert connected
    for frame in await _frames(socket):
        if 'hx-swap-oob="delete"' in frame:
            shown.discard(int(_note_id(frame)))
        elif "afterbegin:#timeline" in frame:
            shown.add(int(_note_id(frame)))
    await socket.disconnect()

    assert shown == (await database_sync_to_async(fresh_ids)())[0]

"""Sharing choices on open pages: each socket hears only the kinds shown to its viewer."""

import re

import pytest
from channels.db import database_sync_to_async

from core.realtime.consumers import CLOSE_NO_ACCESS, CLOSE_RELOAD
from core.tests.factories import CircleMemberFactory, UserFactory
from core.tests.sockets import connect
from families import services
from families.services.sharing import circle_member_sharing_update, sharing_update

pytestmark = pytest.mark.django_db(transaction=True)

NOTE_ID = re.compile(r'<article id="note-(\d+)"')
EVENT_ID = re.compile(r'data-event-id="(\d+)"')


def _path(personas) -> str:
    return f"/ws/people/{personas.person.pk}/"


@database_sync_to_async
def _nephew(personas):
    user = UserFactory(email="ned@example.org", display_name="Ned Nephew")
    place = CircleMemberFactory(person=personas.person, user=user, relationship="nephew")
    return user, place


@database_sync_to_async
def _choose(personas, place, kinds):
    return circle_member_sharing_update(
        actor=personas.person_user, circle_member_id=place.pk, kinds=kinds
    )


@database_sync_to_async
def _write(personas, kind, audience=None, body="Something"):
    return services.note_create(
        actor=personas.carer, person_id=personas.person.pk, kind=kind, body=body, audience=audience
    )


async def _frames(socket, *, until_quiet: float = 0.3) -> list[str]:
    frames = []
    while not await socket.receive_nothing(timeout=until_quiet):
        frames.append(await socket.receive_from())
    return frames


def _notes_in(frames) -> list[int]:
    # Each note once, as the page shows it: catch-up sends a new note's insert, then its
    # current state, and the page skips an insert it already has.
    return list(dict.fromkeys(int(m.group(1)) for f in frames if (m := NOTE_ID.search(f))))


async def test_the_nephew_never_hears_a_visit_note_and_the_nurse_does(personas):
    ned, ned_place = await _nephew(personas)
    await _choose(personas, ned_place, ["moment"])
    await _choose(personas, personas.professional_place, ["concern", "visit"])
    nephew, *_ = await connect(ned, _path(personas))
    nurse, *_ = await connect(personas.professional, _path(personas))
    daughter, *_ = await connect(personas.family, _path(personas))
    carer, *_ = await connect(personas.carer, _path(personas))

    visit = await _write(personas, "visit", "circle", body="Dressing changed on her leg")
    moment = await _write(personas, "moment", "circle", body="Sang with the radio")
    concern = await _write(personas, "concern", body="Bruise on her arm")
    handover = await _write(personas, "handover", body="Key safe code is 4321")

    nephew_frames = await _frames(nephew)
    nurse_frames = await _frames(nurse)
    assert _notes_in(nephew_frames) == [moment.pk]
    assert not any("Dressing" in f or "Bruise" in f for f in nephew_frames)
    assert _notes_in(nurse_frames) == [visit.pk, concern.pk]
    assert not any("4321" in f for f in nurse_frames)
    # Without a choice of her own, the daughter sees what the circle sees: no concerns.
    assert _notes_in(await _frames(daughter)) == [visit.pk, moment.pk]
    assert _notes_in(await _frames(carer)) == [visit.pk, moment.pk, concern.pk, handover.pk]
    for socket in (nephew, nurse, daughter, carer):
        await socket.disconnect()


async def test_catching_up_replays_only_the_kinds_shown(personas):
    ned, ned_place = await _nephew(personas)
    await _choose(personas, ned_place, ["moment"])
    nephew, *_ = await connect(ned, _path(personas))
    first = await _write(personas, "moment", "circle", body="Before the drop")
    last_seen = int(EVENT_ID.findall((await _frames(nephew))[-1])[-1])
    await nephew.disconnect()

    await _write(personas, "visit", "circle", body="Missed visit")
    missed = await _write(personas, "moment", "circle", body="Missed moment")
    await _write(personas, "concern", body="Missed concern")

    back, connected, *_ = await connect(ned, _path(personas), after=last_seen)
    assert connected
    frames = await _frames(back)
    assert _notes_in(frames) == [missed.pk]
    assert first.pk not in _notes_in(frames)
    await back.disconnect()


async def test_a_change_reaches_open_sockets_at_once(personas):
    ned, ned_place = await _nephew(personas)
    nephew, *_ = await connect(ned, _path(personas))
    carer, *_ = await connect(personas.carer, _path(personas))

    await _choose(personas, ned_place, ["moment"])

    # The page reloads, showing and listening to exactly what it may now see.
    assert await nephew.receive_output(timeout=1) == {
        "type": "websocket.close",
        "code": CLOSE_RELOAD,
    }
    # Nobody else's page is disturbed.
    assert await carer.receive_nothing(timeout=0.2)
    again, connected, *_ = await connect(ned, _path(personas))
    assert connected
    await _write(personas, "visit", "circle", body="After the change")
    moment = await _write(personas, "moment", "circle", body="Still shown")
    assert _notes_in(await _frames(again)) == [moment.pk]
    for socket in (again, carer):
        await socket.disconnect()


async def test_a_change_for_the_whole_circle_reaches_everyone_in_it(personas):
    daughter, *_ = await connect(personas.family, _path(personas))
    nurse, *_ = await connect(personas.professional, _path(personas))

    await database_sync_to_async(sharing_update)(
        actor=personas.person_user,
        person_id=personas.person.pk,
        shared_with_circle=True,
        circle_kinds=["moment"],
        share_check_ins=False,
    )

    for socket in (daughter, nurse):
        closed = await socket.receive_output(timeout=1)
        assert closed == {"type": "websocket.close", "code": CLOSE_RELOAD}


async def test_removal_still_closes_as_no_access(personas):
    daughter, *_ = await connect(personas.family, _path(personas))
    await database_sync_to_async(services.circle_member_remove)(
        actor=personas.carer, circle_member_id=personas.family_place.pk
    )
    closed = await daughter.receive_output(timeout=1)
    assert closed == {"type": "websocket.close", "code": CLOSE_NO_ACCESS}

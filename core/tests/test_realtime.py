"""Sockets hear exactly what the access layer allows: live, after reconnecting, after a change."""

import pytest
from channels.db import database_sync_to_async
from django.db import transaction

from core.realtime import catch_up, publish, session_ended
from core.realtime.consumers import CLOSE_NO_ACCESS, CLOSE_SIGNED_OUT
from core.tests.sockets import connect
from families.access import Audience

pytestmark = pytest.mark.django_db(transaction=True)


def _publish(person_id, fragments, kind="test.item"):
    with transaction.atomic():
        return [e.pk for e in publish(kind=kind, person_id=person_id, fragments=fragments)]


TEAM_ONLY = {Audience.TEAM: '<p id="n1">handover</p>'}
SHARED = {Audience.TEAM: '<p id="n2">moment</p>', Audience.CIRCLE: '<p id="n2">moment</p>'}


async def test_the_team_and_the_circle_may_open_the_persons_page(personas):
    for user in (personas.carer, personas.family, personas.professional, personas.person_user):
        socket, connected, _, _ = await connect(user, f"/ws/people/{personas.person.pk}/")
        assert connected, user
        await socket.disconnect()


@pytest.mark.parametrize("who", ["outsider", "other_carer"])
async def test_strangers_are_refused_as_if_the_page_did_not_exist(personas, who):
    user = personas.all_users()[who]
    _socket, connected, code, _ = await connect(user, f"/ws/people/{personas.person.pk}/")
    assert not connected
    assert code == CLOSE_NO_ACCESS
    _, _, missing_code, _ = await connect(user, "/ws/people/999999/")
    assert missing_code == code


async def test_signed_out_is_refused(personas):
    _, connected, code, _ = await connect(None, f"/ws/people/{personas.person.pk}/")
    assert not connected
    assert code == CLOSE_SIGNED_OUT


async def test_a_foreign_origin_is_refused(personas):
    _, connected, _, _ = await connect(
        personas.carer, f"/ws/people/{personas.person.pk}/", origin=b"https://evil.example"
    )
    assert not connected


async def test_a_team_only_item_never_reaches_the_circle(personas):
    path = f"/ws/people/{personas.person.pk}/"
    carer, *_ = await connect(personas.carer, path)
    family, *_ = await connect(personas.family, path)
    await database_sync_to_async(_publish)(personas.person.pk, TEAM_ONLY)
    assert "handover" in await carer.receive_from()
    assert await family.receive_nothing(timeout=0.2)
    await database_sync_to_async(_publish)(personas.person.pk, SHARED)
    assert "moment" in await carer.receive_from()
    assert "moment" in await family.receive_from()
    await carer.disconnect()
    await family.disconnect()


async def test_nothing_is_sent_for_a_change_that_rolled_back(personas):
    carer, *_ = await connect(personas.carer, f"/ws/people/{personas.person.pk}/")

    def rolled_back():
        with pytest.raises(RuntimeError), transaction.atomic():
            publish(kind="test.item", person_id=personas.person.pk, fragments=TEAM_ONLY)
            raise RuntimeError

    await database_sync_to_async(rolled_back)()
    assert await carer.receive_nothing(timeout=0.2)
    await carer.disconnect()


async def test_frames_carry_the_cursor_for_catching_up(personas):
    carer, *_ = await connect(personas.carer, f"/ws/people/{personas.person.pk}/")
    [event_id] = await database_sync_to_async(_publish)(personas.person.pk, TEAM_ONLY)
    frame = await carer.receive_from()
    assert f'data-event-id="{event_id}"' in frame
    await carer.disconnect()


@pytest.fixture
def test_items_render_as_their_name():
    """Catch-up renders each missed thing afresh; a test item's fresh state is its id."""

    def render(missed):
        return [f'<p id="item-{subject}">item {subject}</p>' for subject, _ in missed.subjects()]

    catch_up.register("test", render)
    yield
    catch_up._renderers.pop("test")


def _publish_item(person_id, subject_id, audiences):
    html = f'<p id="item-{subject_id}">item {subject_id}</p>'
    with transaction.atomic():
        events = publish(
            kind="test.item",
            person_id=person_id,
            subject_id=subject_id,
            fragments=dict.fromkeys(audiences, html),
        )
    return max(event.pk for event in events)


async def _caught_up(socket) -> list[str]:
    frames = []
    while not await socket.receive_nothing(timeout=0.3):
        frame = await socket.receive_from()
        if 'id="kith-streams"' not in frame:
            frames.append(frame)
    return frames


async def test_a_reconnecting_page_gets_what_it_missed_in_order_without_gaps(
    personas, test_items_render_as_their_name
):
    both = (Audience.TEAM, Audience.CIRCLE)
    first = await database_sync_to_async(_publish_item)(personas.person.pk, 1, both)
    await database_sync_to_async(_publish_item)(personas.person.pk, 2, (Audience.TEAM,))
    await database_sync_to_async(_publish_item)(personas.person.pk, 3, (Audience.TEAM,))
    path = f"/ws/people/{personas.person.pk}/"
    carer, *_ = await connect(personas.carer, path, after=first)
    assert await _caught_up(carer) == ['<p id="item-2">item 2</p>', '<p id="item-3">item 3</p>']
    await carer.disconnect()


async def test_catch_up_never_replays_team_items_to_the_circle(
    personas, test_items_render_as_their_name
):
    await database_sync_to_async(_publish_item)(personas.person.pk, 1, (Audience.TEAM,))
    await database_sync_to_async(_publish_item)(
        personas.person.pk, 2, (Audience.TEAM, Audience.CIRCLE)
    )
    family, *_ = await connect(personas.family, f"/ws/people/{personas.person.pk}/", after=0)
    assert await _caught_up(family) == ['<p id="item-2">item 2</p>']
    await family.disconnect()


async def test_removal_from_the_circle_closes_their_socket(personas):
    from families.services import circle_member_remove

    family, *_ = await connect(personas.family, f"/ws/people/{personas.person.pk}/")
    await database_sync_to_async(circle_member_remove)(
        actor=personas.carer, circle_member_id=personas.family_place.pk
    )
    closed = await family.receive_output(timeout=1)
    assert closed == {"type": "websocket.close", "code": CLOSE_NO_ACCESS}
    await database_sync_to_async(_publish)(personas.person.pk, SHARED)
    await family.disconnect()


async def test_signing_out_closes_that_sessions_sockets(personas):
    carer, _, _, session_key = await connect(personas.carer, f"/ws/people/{personas.person.pk}/")
    await database_sync_to_async(session_ended)(session_key=session_key)
    assert await carer.receive_output(timeout=1) == {
        "type": "websocket.close",
        "code": CLOSE_SIGNED_OUT,
    }
    await carer.disconnect()


async def test_team_pages_are_for_team_members_only(personas):
    carer, connected, _, _ = await connect(personas.carer, f"/ws/teams/{personas.team.pk}/")
    assert connected
    await carer.disconnect()
    for user in (personas.family, personas.other_carer, personas.person_user):
        _, connected, code, _ = await connect(user, f"/ws/teams/{personas.team.pk}/")
        assert not connected
        assert code == CLOSE_NO_ACCESS


async def test_team_wide_events_reach_team_pages(personas):
    carer, *_ = await connect(personas.carer, f"/ws/teams/{personas.team.pk}/")

    def team_event():
        with transaction.atomic():
            publish(
                kind="visit.changed",
                team_id=personas.team.pk,
                fragments={Audience.TEAM: '<td id="v1">Angela</td>'},
            )

    await database_sync_to_async(team_event)()
    assert "Angela" in await carer.receive_from()
    await carer.disconnect()


def test_team_wide_events_cannot_carry_circle_fragments(personas):
    with pytest.raises(ValueError):
        publish(kind="x", team_id=personas.team.pk, fragments=SHARED)


async def test_an_open_page_counts_as_watching_until_it_closes(personas):
    from core.realtime.presence import watching_live

    def watching():
        return watching_live(person_id=personas.person.pk)

    family, *_ = await connect(personas.family, f"/ws/people/{personas.person.pk}/")
    assert await database_sync_to_async(watching)() == {personas.family.pk}
    await family.disconnect()
    assert await database_sync_to_async(watching)() == set()


async def test_a_refused_socket_does_not_count_as_watching(personas):
    from core.realtime.presence import watching_live

    await connect(personas.outsider, f"/ws/people/{personas.person.pk}/")
    assert await database_sync_to_async(watching_live)(person_id=personas.person.pk) == set()


def test_a_page_that_stopped_saying_so_no_longer_counts(personas):
    from datetime import timedelta

    from django.utils import timezone

    from core.models import LiveViewer
    from core.realtime.presence import FRESH_FOR, viewer_joined, watching_live

    viewer_joined(channel_name="gone", user_id=personas.family.pk, person_id=personas.person.pk)
    LiveViewer.objects.update(seen_at=timezone.now() - FRESH_FOR - timedelta(seconds=1))
    assert watching_live(person_id=personas.person.pk) == set()

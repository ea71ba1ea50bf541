"""Presence ends with the socket whatever way it ends, and a row nobody renews stops counting
by itself: nobody whose page is closed goes without a push.

daphne cancels a socket that has not finished a few seconds after its page closed, and does
it again every second until it has. Under a reconnect storm, sockets were cancelled while
still writing their row: the row outlived the page and silenced the viewer's phone.
"""

import asyncio
import time
from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.utils import timezone

from core.asgi import application
from core.models import LiveViewer
from core.realtime import presence
from core.tests.sockets import ORIGIN, _session_cookie, connect

pytestmark = pytest.mark.django_db(transaction=True)

RENEW = 0.1


@pytest.fixture
def quick_renewals(settings):
    settings.PRESENCE_RENEW_SECONDS = RENEW


def _page(personas) -> str:
    return f"/ws/people/{personas.person.pk}/"


def _watching(personas) -> set[int]:
    return presence.watching_live(person_id=personas.person.pk)


async def _cancelled_like_daphne(socket: WebsocketCommunicator, *, seconds: float) -> None:
    """What daphne does to a socket that outlives its page: cancel it, every so often."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        socket.future.cancel()
        await asyncio.sleep(0.02)


async def test_a_socket_cancelled_while_writing_its_presence_leaves_no_row(personas, monkeypatch):
    joined = presence.viewer_joined

    def slow_join(**kwargs) -> None:
        time.sleep(0.3)  # a database busy with a hundred pages catching up
        joined(**kwargs)

    monkeypatch.setattr(presence, "viewer_joined", slow_join)
    cookie, _key = await database_sync_to_async(_session_cookie)(personas.family)
    headers = [(b"origin", ORIGIN), (b"host", b"localhost"), (b"cookie", cookie)]
    socket = WebsocketCommunicator(application, _page(personas), headers=headers)
    await socket.send_input({"type": "websocket.connect"})
    await asyncio.sleep(0.1)  # the row is being written
    await _cancelled_like_daphne(socket, seconds=0.6)

    await asyncio.sleep(0.5)
    assert await database_sync_to_async(_watching)(personas) == set()
    assert not await database_sync_to_async(LiveViewer.objects.exists)()
    assert presence.held() == frozenset()


async def test_a_socket_cancelled_over_and_over_while_leaving_still_deletes_its_row(
    personas, monkeypatch
):
    left = presence.viewer_left

    def slow_leave(**kwargs) -> None:
        time.sleep(0.3)
        left(**kwargs)

    monkeypatch.setattr(presence, "viewer_left", slow_leave)
    socket, *_ = await connect(personas.family, _page(personas))
    assert await database_sync_to_async(_watching)(personas) == {personas.family.pk}
    await socket.send_input({"type": "websocket.disconnect", "code": 1001})
    await _cancelled_like_daphne(socket, seconds=0.6)

    await asyncio.sleep(0.5)
    assert not await database_sync_to_async(LiveViewer.objects.exists)()
    assert presence.held() == frozenset()


async def test_each_process_renews_the_pages_it_holds_and_no_others(personas, quick_renewals):
    long_ago = timezone.now() - timedelta(seconds=20)

    def a_row_of_a_socket_gone(channel_name: str) -> None:
        presence.viewer_joined(
            channel_name=channel_name, user_id=personas.carer.pk, person_id=personas.person.pk
        )
        LiveViewer.objects.filter(channel_name=channel_name).update(seen_at=long_ago)

    await database_sync_to_async(a_row_of_a_socket_gone)("a socket whose delete failed")
    socket, *_ = await connect(personas.family, _page(personas))
    opened = await database_sync_to_async(LiveViewer.objects.get)(user=personas.family)
    await asyncio.sleep(5 * RENEW)

    renewed = await database_sync_to_async(LiveViewer.objects.get)(user=personas.family)
    gone = await database_sync_to_async(LiveViewer.objects.get)(user=personas.carer)
    assert renewed.seen_at > opened.seen_at
    assert gone.seen_at == long_ago
    await socket.disconnect()
    assert presence.held() == frozenset()


def test_a_row_nobody_renews_stops_counting_within_half_a_minute(personas, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    presence.viewer_joined(
        channel_name="a socket on a process that was killed",
        user_id=personas.family.pk,
        person_id=personas.person.pk,
    )
    assert _watching(personas) == {personas.family.pk}
    time_machine.shift(presence.FRESH_FOR - timedelta(seconds=1))
    assert _watching(personas) == {personas.family.pk}
    time_machine.shift(timedelta(seconds=2))
    assert _watching(personas) == set()
    assert presence.FRESH_FOR.total_seconds() <= 30


def test_the_languages_listening_are_those_of_fresh_pages_about_this_person_only(
    personas, time_machine, django_assert_num_queries
):
    time_machine.move_to(timezone.now(), tick=False)
    personas.family.language = "cy"
    personas.family.save(update_fields=["language"])
    person, english = personas.person.pk, personas.carer.language
    assert english != "cy"

    def page(name: str, user, about: int) -> None:
        presence.viewer_joined(channel_name=name, user_id=user.pk, person_id=about)

    page("the carer's page", personas.carer, person)
    # A Welsh page about someone else is not listening to this person.
    page("the neighbour's page", personas.family, personas.neighbour.pk)
    assert presence.languages_listening(person_id=person) == {english}
    page("a Welsh page", personas.family, person)
    page("another Welsh page", personas.family, person)
    with django_assert_num_queries(1):
        assert presence.languages_listening(person_id=person) == {english, "cy"}
    # The carer's page is renewed; the Welsh ones were on a process that died.
    time_machine.shift(presence.FRESH_FOR - timedelta(seconds=1))
    presence.viewers_still_here(channel_names=["the carer's page"])
    time_machine.shift(timedelta(seconds=2))
    assert presence.languages_listening(person_id=person) == {english}

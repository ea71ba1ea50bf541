"""A socket lives exactly as long as its session would be accepted, keeps hearing for as long as
it is open, and stops counting as "watching" the moment it ends, however it ends.

Each test runs on the in-memory layer and, marked ``redis``, on the Redis layer exactly as
settings build it (core.channel_layers).
"""

import asyncio
import secrets
from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings as django_settings
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.models import Session
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from core.asgi import application
from core.channel_layers import redis_channel_layer
from core.models import LiveViewer, User
from core.realtime import publish, session_changed
from core.realtime.consumers import CLOSE_SIGNED_OUT
from core.realtime.presence import watching_live
from core.tests.sockets import ORIGIN, connect
from families.access import Audience

pytestmark = pytest.mark.django_db(transaction=True)

ROUND = 0.2  # seconds between a socket's rounds in tests that wait for one
SOON = 3  # seconds a test waits for something that should happen within a round or two


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
def layer(request, settings):
    """Run on each channel layer; on Redis with the deployed limits and a prefix of its own."""
    if request.param == "redis":
        url = request.getfixturevalue("redis_url")
        settings.CHANNEL_LAYERS = {
            "default": redis_channel_layer(url, prefix=f"kith-test-{secrets.token_hex(4)}")
        }
    return request.param


@pytest.fixture
def quick_rounds(settings):
    settings.SOCKET_ROUNDS_SECONDS = ROUND


def _say(person_id: int, text: str) -> None:
    with transaction.atomic():
        publish(
            kind="test.item",
            person_id=person_id,
            fragments={Audience.TEAM: f"<p>{text}</p>", Audience.CIRCLE: f"<p>{text}</p>"},
        )


async def _closed_with(socket: WebsocketCommunicator, timeout: float = SOON) -> int:
    output = await socket.receive_output(timeout=timeout)
    assert output["type"] == "websocket.close", output
    return output["code"]


async def _still_open(socket: WebsocketCommunicator, person_id: int) -> bool:
    text = secrets.token_hex(4)
    await database_sync_to_async(_say)(person_id, text)
    return text in await socket.receive_from(timeout=SOON)


def _page(personas) -> str:
    return f"/ws/people/{personas.person.pk}/"


# --- The session ends: the socket ends ----------------------------------------------------------


async def test_a_password_reset_closes_the_old_sessions_socket_at_once(personas, layer):
    socket, *_ = await connect(personas.carer, _page(personas))

    def reset_password():
        user = personas.carer
        uid = urlsafe_base64_encode(force_bytes(user.pk))
        token = default_token_generator.make_token(user)
        client = Client()
        form = client.get(reverse("password_reset_confirm", args=[uid, token]), follow=True)
        response = client.post(
            form.redirect_chain[-1][0],
            {
                "new_password1": "a new long passphrase 7",
                "new_password2": "a new long passphrase 7",
            },
        )
        assert response.status_code == 302, response.content

    await database_sync_to_async(reset_password)()
    # At once: without waiting for the socket's own rounds, a minute apart by default.
    assert await _closed_with(socket, timeout=1) == CLOSE_SIGNED_OUT
    await socket.disconnect()


async def test_a_password_changed_anywhere_ends_the_socket_within_a_round(
    personas, layer, quick_rounds
):
    socket, *_ = await connect(personas.carer, _page(personas))

    def change_password():
        user = User.objects.get(pk=personas.carer.pk)
        user.set_password("changed by some other way")
        user.save()

    await database_sync_to_async(change_password)()
    assert await _closed_with(socket) == CLOSE_SIGNED_OUT
    await socket.disconnect()


async def test_the_session_the_password_was_changed_in_keeps_its_socket(
    personas, layer, quick_rounds
):
    socket, _, _, session_key = await connect(personas.carer, _page(personas))

    def change_password_in_this_session():
        from django.contrib.auth import HASH_SESSION_KEY
        from django.contrib.sessions.backends.db import SessionStore

        user = User.objects.get(pk=personas.carer.pk)
        user.set_password("changed here, on purpose")
        user.save()
        # What update_session_auth_hash does for the session the change was made in.
        session = SessionStore(session_key)
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.save()
        session_changed(user_id=user.pk)

    await database_sync_to_async(change_password_in_this_session)()
    await asyncio.sleep(3 * ROUND)
    assert await _still_open(socket, personas.person.pk)
    await socket.disconnect()


async def test_an_idle_session_that_expires_ends_its_socket(personas, layer, quick_rounds):
    socket, _, _, session_key = await connect(personas.family, _page(personas))
    expired = timezone.now() - timedelta(seconds=1)
    await database_sync_to_async(Session.objects.filter(session_key=session_key).update)(
        expire_date=expired
    )
    assert await _closed_with(socket) == CLOSE_SIGNED_OUT
    await socket.disconnect()


async def test_a_session_ended_elsewhere_ends_its_socket(personas, layer, quick_rounds):
    # Signing out tells the socket at once (test_realtime); a session row removed any other
    # way (sessions cleared on the server) is noticed on the socket's next round.
    socket, _, _, session_key = await connect(personas.family, _page(personas))
    await database_sync_to_async(Session.objects.filter(session_key=session_key).delete)()
    assert await _closed_with(socket) == CLOSE_SIGNED_OUT
    await socket.disconnect()


async def test_a_deactivated_account_ends_its_sockets(personas, layer, quick_rounds):
    person_page, *_ = await connect(personas.carer, _page(personas))
    team_page, *_ = await connect(personas.carer, f"/ws/teams/{personas.team.pk}/")
    await database_sync_to_async(User.objects.filter(pk=personas.carer.pk).update)(is_active=False)
    assert await _closed_with(person_page) == CLOSE_SIGNED_OUT
    assert await _closed_with(team_page) == CLOSE_SIGNED_OUT
    await person_page.disconnect()
    await team_page.disconnect()


async def test_a_deleted_account_ends_its_sockets(personas, layer, quick_rounds):
    socket, *_ = await connect(personas.family, _page(personas))
    await database_sync_to_async(User.objects.filter(pk=personas.family.pk).delete)()
    assert await _closed_with(socket) == CLOSE_SIGNED_OUT
    await socket.disconnect()


def _session_with_code(user, device) -> tuple[bytes, str]:
    """A session that signed in with a code from ``device``, as core.second_factor leaves it."""
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp import DEVICE_ID_SESSION_KEY

    client = Client()
    client.force_login(user)
    key = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    session = SessionStore(key)
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return f"{django_settings.SESSION_COOKIE_NAME}={key}".encode(), key


async def _connect_with_cookie(cookie: bytes, path: str) -> WebsocketCommunicator:
    headers = [(b"origin", ORIGIN), (b"host", b"localhost"), (b"cookie", cookie)]
    socket = WebsocketCommunicator(application, path, headers=headers)
    connected, _code = await socket.connect()
    assert connected
    return socket


async def test_replacing_the_app_the_team_requires_ends_sessions_that_used_the_old_one(
    personas, layer
):
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from core import second_factor
    from teams.models import TeamSignInPolicy

    def set_up():
        TeamSignInPolicy.objects.create(team=personas.team, require_second_factor=True)
        device = TOTPDevice.objects.create(user=personas.carer, name="old phone", confirmed=True)
        return _session_with_code(personas.carer, device)

    cookie, _key = await database_sync_to_async(set_up)()
    socket = await _connect_with_cookie(cookie, _page(personas))

    def token(device) -> str:
        code = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
        return f"{code:0{device.digits}d}"

    def replace_the_app():
        old = TOTPDevice.objects.get(user=personas.carer, confirmed=True)
        new = second_factor.device_for_setup(personas.carer)
        assert second_factor.device_replace(actor=personas.carer, proof=token(old), code=token(new))

    await database_sync_to_async(replace_the_app)()
    # At once, through core.second_factor's call to session_changed.
    assert await _closed_with(socket, timeout=1) == CLOSE_SIGNED_OUT
    await socket.disconnect()


async def test_a_session_with_a_code_still_in_use_keeps_its_socket(personas, layer, quick_rounds):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from teams.models import TeamSignInPolicy

    def set_up():
        TeamSignInPolicy.objects.create(team=personas.team, require_second_factor=True)
        device = TOTPDevice.objects.create(user=personas.carer, name="phone", confirmed=True)
        return _session_with_code(personas.carer, device)

    cookie, _key = await database_sync_to_async(set_up)()
    socket = await _connect_with_cookie(cookie, _page(personas))
    await asyncio.sleep(3 * ROUND)
    assert await _still_open(socket, personas.person.pk)
    await socket.disconnect()


async def test_leaving_the_team_closes_the_team_page(personas, layer):
    from teams.models import Membership
    from teams.services import membership_leave

    socket, *_ = await connect(personas.carer, f"/ws/teams/{personas.team.pk}/")
    membership = await database_sync_to_async(Membership.objects.get)(
        team=personas.team, user=personas.carer
    )
    await database_sync_to_async(membership_leave)(membership=membership)
    output = await socket.receive_output(timeout=1)
    assert output["type"] == "websocket.close"
    await socket.disconnect()


# --- Presence ends with the socket, however it ends ----------------------------------------------


def _watching(personas) -> set[int]:
    return watching_live(person_id=personas.person.pk)


async def test_a_socket_whose_task_is_cancelled_stops_watching(personas, layer, quick_rounds):
    # What happens to every socket of a process that is shutting down, or whose task dies.
    socket, *_ = await connect(personas.family, _page(personas))
    assert await database_sync_to_async(_watching)(personas) == {personas.family.pk}
    socket.future.cancel()
    await asyncio.sleep(3 * ROUND)  # were its heartbeat still going, it would have renewed
    assert await database_sync_to_async(_watching)(personas) == set()
    assert not await database_sync_to_async(LiveViewer.objects.exists)()


async def test_a_socket_that_crashes_stops_watching(personas, layer, quick_rounds):
    from channels.layers import get_channel_layer

    from core.realtime.groups import user_group

    socket, *_ = await connect(personas.family, _page(personas))
    assert await database_sync_to_async(_watching)(personas) == {personas.family.pk}
    # A message it has no handler for makes the consumer raise, as a failing reader does:
    # disconnect() is never called.
    layer = get_channel_layer()
    assert layer is not None
    await layer.group_send(user_group(personas.family.pk), {"type": "no.such"})
    with pytest.raises(ValueError, match="No handler"):
        await asyncio.wait_for(socket.future, timeout=SOON)
    await asyncio.sleep(3 * ROUND)
    assert await database_sync_to_async(_watching)(personas) == set()


# --- An open page keeps hearing, however long it stays open ---------------------------------------


async def test_an_open_page_keeps_hearing_past_the_group_expiry(
    personas, layer, quick_rounds, settings
):
    # The expiry shortened to a second, so that a day's worth happens in a few: the socket's
    # rounds re-join its groups well inside it.
    config = settings.CHANNEL_LAYERS["default"]
    settings.CHANNEL_LAYERS = {
        "default": {**config, "CONFIG": {**config.get("CONFIG", {}), "group_expiry": 1}}
    }
    socket, *_ = await connect(personas.family, _page(personas))
    await asyncio.sleep(2.5)
    assert await _still_open(socket, personas.person.pk)
    await socket.disconnect()


@pytest.mark.redis
async def test_an_idle_socket_on_redis_stays_open(personas, settings, redis_url):
    settings.CHANNEL_LAYERS = {
        "default": redis_channel_layer(redis_url, prefix=f"kith-test-{secrets.token_hex(4)}")
    }
    # The redis client's socket timeout once equalled channels_redis's blocking read (5 s):
    # an idle socket's reader timed out and the page was closed every few seconds.
    socket, *_ = await connect(personas.family, _page(personas))
    assert await socket.receive_nothing(timeout=11, interval=0.5)
    assert await _still_open(socket, personas.person.pk)
    await socket.disconnect()

"""The channel layer's limits, each set on purpose (core/channel_layers.py), hold up."""

import asyncio
import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from channels.layers import get_channel_layer
from channels_redis.core import RedisChannelLayer

from core import channel_layers
from core.channel_layers import memory_channel_layer, redis_channel_layer
from core.realtime import consumers, presence

ROOT = Path(__file__).resolve().parents[2]


def test_the_redis_clients_read_outlasts_the_blocking_read():
    # If channels_redis changes how long it blocks, the margin below must be looked at again.
    assert RedisChannelLayer.brpop_timeout == channel_layers.BLOCKING_READ_SECONDS
    [host] = redis_channel_layer("redis://redis.internal:6379/0", prefix="kith")["CONFIG"]["hosts"]
    assert host["socket_timeout"] >= RedisChannelLayer.brpop_timeout + 5
    assert host["socket_keepalive"] is True


def test_sockets_rejoin_their_groups_well_inside_the_group_expiry():
    # Each open socket re-joins every round (consumers.ROUNDS_SECONDS by default): ten
    # rounds may be missed before a membership is forgotten.
    assert channel_layers.GROUP_EXPIRY_SECONDS >= 10 * consumers.ROUNDS_SECONDS
    # And a group of a process that died is forgotten within the hour, not after a day.
    assert channel_layers.GROUP_EXPIRY_SECONDS <= 60 * 60


def test_presence_outlasts_a_late_renewal_and_ends_soon_after_a_process_dies():
    # One late renewal does not silence anyone's phone...
    assert presence.FRESH_FOR.total_seconds() > 2 * presence.RENEW_SECONDS
    # ...and a page on a process that was killed stops silencing its viewer within a minute.
    assert presence.FRESH_FOR.total_seconds() <= 60


def test_a_deployment_on_redis_gets_every_limit(tmp_path):
    clean = {k: v for k, v in os.environ.items() if k != "DJANGO_DEBUG"}
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "import json; from django.conf import settings as s; "
            "print(json.dumps(s.CHANNEL_LAYERS['default']))",
        ],
        cwd=ROOT,
        env={**clean, "KITH_VAR_DIR": str(tmp_path), "REDIS_URL": "redis://redis.internal:6379/3"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    layer = json.loads(result.stdout.strip().splitlines()[-1])
    assert layer == redis_channel_layer("redis://redis.internal:6379/3", prefix="kith")


# --- A burst: 200 notes to 200 viewers on one process --------------------------------------------

NOTES = 200
VIEWERS = 200


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
def deployed_layer(request, settings):
    if request.param == "redis":
        url = request.getfixturevalue("redis_url")
        layer = redis_channel_layer(url, prefix=f"kith-test-{secrets.token_hex(4)}")
    else:
        layer = memory_channel_layer()
    settings.CHANNEL_LAYERS = {"default": layer}
    return request.param


async def test_a_burst_of_notes_reaches_every_viewer_on_a_process_whole(deployed_layer):
    layer = get_channel_layer()
    assert layer is not None
    team, circle = f"burst-team-{secrets.token_hex(4)}", f"burst-circle-{secrets.token_hex(4)}"
    # Half the viewers in the team, half in the circle; every note is sent to both groups,
    # before anyone has read a thing (a process busy with the burst reads nothing meanwhile).
    viewers = [await layer.new_channel() for _ in range(VIEWERS)]
    for i, channel in enumerate(viewers):
        await layer.group_add(team if i % 2 else circle, channel)
    try:
        for note in range(NOTES):
            for group in (team, circle):
                await layer.group_send(group, {"type": "event.message", "id": note})

        async def heard(channel: str) -> list[int]:
            return [(await layer.receive(channel))["id"] for _ in range(NOTES)]

        received = await asyncio.wait_for(
            asyncio.gather(*(heard(channel) for channel in viewers)), timeout=60
        )
        assert all(ids == list(range(NOTES)) for ids in received)
    finally:
        for i, channel in enumerate(viewers):
            await layer.group_discard(team if i % 2 else circle, channel)
        if hasattr(layer, "flush"):
            await layer.flush()


# --- A storm: the pages of a killed process joining the other one at once --------------------

STORM = 300  # more than the pool's connections


async def test_a_storm_of_pages_joining_at_once_waits_for_a_connection_and_loses_nobody(
    deployed_layer,
):
    assert STORM > channel_layers.POOL_CONNECTIONS
    layer = get_channel_layer()
    assert layer is not None
    group = f"storm-{secrets.token_hex(4)}"
    viewers = [await layer.new_channel() for _ in range(STORM)]
    try:
        # As many group_adds in flight at once as pages reconnecting: none may fail.
        await asyncio.gather(*(layer.group_add(group, channel) for channel in viewers))
        await layer.group_send(group, {"type": "event.message", "id": 1})
        heard = await asyncio.wait_for(
            asyncio.gather(*(layer.receive(channel) for channel in viewers)), timeout=30
        )
        assert [message["id"] for message in heard] == [1] * STORM
    finally:
        for channel in viewers:
            await layer.group_discard(group, channel)
        if hasattr(layer, "flush"):
            await layer.flush()

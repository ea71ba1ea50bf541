"""A write's frames, sent to all their groups at once (core.channel_layers.group_send_all),
arrive as channels_redis's own group_send would deliver them, under the same limits."""

import asyncio
import inspect
import secrets
import time
from collections.abc import AsyncIterator

import pytest
import redis
from channels.layers import InMemoryChannelLayer

from core.channel_layers import KithRedisChannelLayer, group_send_all, redis_channel_layer


@pytest.fixture
async def processes(redis_url) -> AsyncIterator[tuple[KithRedisChannelLayer, ...]]:
    """Two processes' layers on one Redis, as two daphne processes share it."""
    config = redis_channel_layer(redis_url, prefix=f"kith-test-{secrets.token_hex(4)}")["CONFIG"]
    layers = (KithRedisChannelLayer(**config), KithRedisChannelLayer(**config))
    yield layers
    await layers[0].flush()
    for layer in layers:
        await layer.close_pools()


async def _heard(layer: KithRedisChannelLayer, channel: str, *, within: float = 2.0) -> list:
    """Everything waiting for ``channel``, until nothing more comes for a moment."""
    messages = []
    while True:
        try:
            messages.append(await asyncio.wait_for(layer.receive(channel), within))
        except TimeoutError:
            return messages
        within = 0.2


def _ids(messages: list) -> list:
    return [message["id"] for message in messages]


@pytest.mark.redis
async def test_every_member_of_every_group_hears_its_message_once(processes):
    a, b = processes
    team_on_a, team_on_b = await a.new_channel(), await b.new_channel()
    circle_on_a, circle_on_b = await a.new_channel(), await b.new_channel()
    both = await b.new_channel()  # a channel in both groups hears both messages
    for channel in (team_on_a, team_on_b, both):
        await a.group_add("team", channel)
    for channel in (circle_on_a, circle_on_b, both):
        await a.group_add("circle", channel)

    await a.group_send_all(
        [
            ("team", {"type": "event.message", "id": "t"}),
            ("circle", {"type": "event.message", "id": "c"}),
        ]
    )

    assert _ids(await _heard(a, team_on_a)) == ["t"]
    assert _ids(await _heard(b, team_on_b)) == ["t"]
    assert _ids(await _heard(a, circle_on_a)) == ["c"]
    assert _ids(await _heard(b, circle_on_b)) == ["c"]
    assert sorted(_ids(await _heard(b, both))) == ["c", "t"]


@pytest.mark.redis
async def test_a_burst_of_writes_reaches_each_viewer_whole_and_in_order(processes):
    a, b = processes
    viewers = [(layer, await layer.new_channel()) for layer in (a, b) for _ in range(5)]
    for number, (_layer, channel) in enumerate(viewers):
        await a.group_add("team" if number % 2 else "circle", channel)
    for note in range(100):
        message = {"type": "event.message", "id": note}
        await a.group_send_all([("team", message), ("circle", message)])
    for layer, channel in viewers:
        assert _ids(await _heard(layer, channel)) == list(range(100))


@pytest.mark.redis
async def test_a_member_not_renewed_within_the_group_expiry_is_forgotten(processes):
    a, _b = processes
    kept, gone = await a.new_channel(), await a.new_channel()
    await a.group_add("team", kept)
    await a.group_add("team", gone)
    # As if ``gone`` last joined longer ago than the group expiry (its process died).
    stale = int(time.time()) - a.group_expiry - 5
    await a.connection(a.consistent_hash("team")).zadd(a._group_key("team"), {gone: stale})

    await a.group_send_all([("team", {"type": "event.message", "id": 1})])

    assert _ids(await _heard(a, kept)) == [1]
    assert await _heard(a, gone, within=0.5) == []
    assert await a.connection(0).zscore(a._group_key("team"), gone) is None


@pytest.mark.redis
async def test_a_full_inbox_takes_no_more_and_the_others_still_hear(processes):
    a, b = processes
    a.capacity = b.capacity = 3
    slow, quick = await a.new_channel(), await b.new_channel()
    await a.group_add("team", slow)
    await a.group_add("team", quick)
    for note in range(5):
        await a.group_send_all([("team", {"type": "event.message", "id": note})])
        assert _ids(await _heard(b, quick, within=1.0)) == [note]
    # The inbox of slow's process held three; channels_redis drops what does not fit.
    assert _ids(await _heard(a, slow)) == [0, 1, 2]


@pytest.mark.redis
async def test_a_group_nobody_is_in_costs_nothing_and_breaks_nothing(processes):
    a, _b = processes
    listening = await a.new_channel()
    await a.group_add("team", listening)
    await a.group_send_all(
        [
            ("empty", {"type": "event.message", "id": 0}),
            ("team", {"type": "event.message", "id": 1}),
        ]
    )
    assert _ids(await _heard(a, listening)) == [1]


@pytest.mark.redis
async def test_a_bad_group_name_sends_nothing(processes):
    a, _b = processes
    listening = await a.new_channel()
    await a.group_add("team", listening)
    with pytest.raises(TypeError):
        await a.group_send_all(
            [("team", {"type": "event.message", "id": 1}), ("no spaces", {"type": "x"})]
        )
    assert await _heard(a, listening, within=0.5) == []


class _RefusingOneGroup(InMemoryChannelLayer):
    async def group_send(self, group: str, message: dict) -> None:
        if group == "refused":
            raise ConnectionError("this group's server is away")
        await super().group_send(group, message)


async def test_on_another_layer_each_group_is_sent_to_and_the_failure_said_after():
    layer = _RefusingOneGroup()
    listening = await layer.new_channel()
    await layer.group_add("team", listening)
    with pytest.raises(ConnectionError):
        await group_send_all(
            layer,
            [("refused", {"type": "event.message"}), ("team", {"type": "event.message", "id": 1})],
        )
    assert (await asyncio.wait_for(layer.receive(listening), 1))["id"] == 1


def test_messages_are_added_by_channels_redis_own_script():
    # Word for word what channels_redis's group_send runs: if an upgrade changes it, this
    # copy must be looked at again.
    from channels_redis.core import RedisChannelLayer

    from core.channel_layers import _ADD_UNLESS_FULL

    theirs = [line.strip() for line in inspect.getsource(RedisChannelLayer.group_send).splitlines()]
    ours = [line.strip() for line in _ADD_UNLESS_FULL.strip().splitlines()]
    start = theirs.index(ours[0])
    assert theirs[start : start + len(ours)] == ours


@pytest.mark.redis
async def test_the_same_group_twice_in_one_call_is_refused_before_anything_is_sent(processes):
    a, _b = processes
    listening = await a.new_channel()
    await a.group_add("team", listening)
    with pytest.raises(ValueError, match="at most once"):
        await a.group_send_all(
            [("team", {"type": "event.message", "id": 1}), ("team", {"type": "event.message"})]
        )
    assert await _heard(a, listening, within=0.5) == []


@pytest.mark.redis
async def test_a_redis_host_that_fails_holds_up_none_of_the_others(redis_url):
    # Two hosts, as a sharded deployment has: the second is not running.
    config = redis_channel_layer(redis_url, prefix=f"kith-test-{secrets.token_hex(4)}")["CONFIG"]
    away = {**config["hosts"][0], "address": "redis://127.0.0.1:9/0"}
    # A process's inbox lives on the host its name hashes to: this one's, on the live host.
    for _attempt in range(64):  # each has a random name, on either host as often
        layer = KithRedisChannelLayer(**{**config, "hosts": [config["hosts"][0], away]})
        if layer.consistent_hash(f"specific.{layer.client_prefix}!") == 0:
            break
    else:
        pytest.fail("no process name landed on the live host in 64 tries")
    try:
        on_the_live_host = [
            f"group-{n}" for n in range(20) if layer.consistent_hash(f"group-{n}") == 0
        ]
        on_the_host_away = [
            f"group-{n}" for n in range(20) if layer.consistent_hash(f"group-{n}") == 1
        ]
        live_group, away_group = on_the_live_host[0], on_the_host_away[0]
        listening = await layer.new_channel()
        assert layer.consistent_hash(layer.non_local_name(listening)) == 0
        await layer.group_add(live_group, listening)

        with pytest.raises(redis.ConnectionError):
            await layer.group_send_all(
                [
                    (away_group, {"type": "event.message", "id": "lost"}),
                    (live_group, {"type": "event.message", "id": "heard"}),
                ]
            )
        assert _ids(await _heard(layer, listening)) == ["heard"]
    finally:
        await layer.close_pools()

"""The Redis channel layer, with every limit that can lose a message set on purpose.

channels_redis and the redis client each have defaults that are fine alone and lose messages
together; each value below says which and why. Settings and the tests build the layer here,
so a test on Redis runs with exactly what a deployment runs.
"""

import asyncio
import logging
import time
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from channels.layers import BaseChannelLayer
from channels_redis.core import RedisChannelLayer
from redis.asyncio import BlockingConnectionPool

logger = logging.getLogger(__name__)

# channels_redis waits for a process's next message with BZPOPMIN for this long, then asks
# again (RedisChannelLayer.brpop_timeout). It is a class attribute, not a setting.
BLOCKING_READ_SECONDS = 5

# The redis client gives up on a reply after socket_timeout. Its default (5 s) equals the
# blocking read, so an idle socket's reader timed out every 5 s, its consumer crashed and the
# page was closed with 1011. The timeout must outlast the blocking read by a wide margin; it
# still ends a read from a Redis that has really gone away.
SOCKET_TIMEOUT_SECONDS = BLOCKING_READ_SECONDS + 10
# Opening a connection is quick or Redis is down: no need to wait as long.
SOCKET_CONNECT_TIMEOUT_SECONDS = 5
# A connection used only now and then (group_send) is pinged first if idle this long, so a
# connection a firewall dropped quietly is noticed before a message is sent into it.
HEALTH_CHECK_SECONDS = 30

# Every socket of one process shares one Redis inbox, and each socket has a local queue of the
# same size; past it, channels_redis drops messages. A burst of 200 notes puts up to 2 messages
# per note in a process's inbox (the team's group and the circle's each send one, whatever the
# number of viewers), so 400; and each viewer's queue gets one per note it hears, so 200.
# The default (100) dropped frames for every viewer on the process. 1000 holds that burst
# with room to spare; a note fragment is a few kB, so a full inbox is a few MB in Redis.
CAPACITY = 1000

# A message nobody read in this long is dropped: a page that far behind has a dead reader
# (its process died), and catch-up gives a page that reconnects what it missed.
EXPIRY_SECONDS = 60

# A group membership not renewed in this long is dropped: that is how the channels of a
# process that died leave the groups. Each open socket re-joins its groups every
# core.realtime.consumers.rounds_seconds (60 s), well inside this, so a page left open all day
# keeps hearing (with the default of a day and no re-join, it went deaf after 24 hours).
GROUP_EXPIRY_SECONDS = 15 * 60


# Each Redis command a process has in flight holds one of its pool's connections. redis-py's
# asyncio pool holds at most 100 and raises MaxConnectionsError past that, without waiting:
# when a process was killed, the 250 pages it held reconnected to the other one within a
# second, their group_adds failed, the sockets ended before being accepted, and nginx, seeing
# them fail, took the surviving process out of service too (bench/restart_bench.py). A blocking
# pool of the same size waits for a free connection instead, for as long as a reply may take.
POOL_CONNECTIONS = 100
POOL_WAIT_SECONDS = SOCKET_TIMEOUT_SECONDS


# What channels_redis's group_send runs last (4.3.0, word for word): each message added to its
# channel's inbox unless that inbox is full, and the inbox kept for ``expiry``.
_ADD_UNLESS_FULL = """
    local over_capacity = 0
    local current_time = ARGV[#ARGV - 1]
    local expiry = ARGV[#ARGV]
    for i=1,#KEYS do
        if redis.call('ZCOUNT', KEYS[i], '-inf', '+inf') < tonumber(ARGV[i + #KEYS]) then
            redis.call('ZADD', KEYS[i], current_time, ARGV[i])
            redis.call('EXPIRE', KEYS[i], expiry)
        else
            over_capacity = over_capacity + 1
        end
    end
    return over_capacity
"""

Send = tuple[str, dict[str, Any]]  # a group, and the message for everyone in it


class KithRedisChannelLayer(RedisChannelLayer):
    """channels_redis's layer on a pool that waits for a free connection rather than failing,
    and sending to several groups at once in two trips to Redis (``group_send_all``)."""

    def create_pool(self, index: int) -> BlockingConnectionPool:
        host: dict[str, Any] = dict(self.hosts[index])
        return BlockingConnectionPool.from_url(
            host.pop("address"),
            max_connections=POOL_CONNECTIONS,
            timeout=POOL_WAIT_SECONDS,
            **host,
        )

    async def group_send_all(self, sends: Sequence[Send]) -> None:
        """Each message to its group, as ``group_send`` sends it, for all of them in two trips.

        ``group_send`` makes four trips to Redis per group, one after the other (forget
        expired members, read the members, drop expired messages, add the message), and every
        live write sends to two groups or more: each trip held up the writer's frames. Here the
        first trip forgets and reads the members of every group, the second drops and adds
        every message; each member still gets the message once, under the same limits.

        The groups must differ: one call's messages share a moment, so no order is kept among
        them (a write sends one frame per stream and language, and a page hears one of them).
        A Redis host that fails holds up none of the others; the first failure is raised after.
        """
        groups = [group for group, _message in sends]
        for group in groups:
            self.require_valid_group_name(group)  # raises TypeError, before anything is sent
        if len(set(groups)) != len(groups):
            raise ValueError("each group at most once in one call: their order is not kept")
        members, failures = await self._members_of(groups)
        # By connection: (inbox key, the message for the members there, the inbox's capacity).
        to_add: dict[int, list[tuple[str, bytes, int]]] = defaultdict(list)
        for (_group, message), channels in zip(sends, members, strict=True):
            if channels is None:
                continue  # its host did not answer
            by_connection, messages, capacities = self._map_channel_keys_to_connection(
                channels, message
            )
            for index, keys in by_connection.items():
                to_add[index].extend((key, messages[key], capacities[key]) for key in keys)
        outcomes = await asyncio.gather(
            *(self._add_unless_full(i, each) for i, each in to_add.items()), return_exceptions=True
        )
        _raise_first([*failures, *outcomes])

    async def _members_of(
        self, groups: list[str]
    ) -> tuple[list[list[str] | None], list[BaseException | None]]:
        """Every group's channels now (None where its host failed), those not renewed within
        group_expiry forgotten first; and each host's failure."""
        found: list[list[str] | None] = [None for _group in groups]
        by_connection: dict[int, list[int]] = defaultdict(list)
        for position, group in enumerate(groups):
            by_connection[self.consistent_hash(group)].append(position)
        oldest_kept = int(time.time()) - self.group_expiry

        async def read(index: int, positions: list[int]) -> None:
            pipe = self.connection(index).pipeline(transaction=False)
            for position in positions:
                key = self._group_key(groups[position])
                pipe.zremrangebyscore(key, min=0, max=oldest_kept)
                pipe.zrange(key, 0, -1)
            replies = await pipe.execute()
            for position, names in zip(positions, replies[1::2], strict=True):
                found[position] = [name.decode("utf8") for name in names]

        failures = await asyncio.gather(
            *(read(i, positions) for i, positions in by_connection.items()),
            return_exceptions=True,
        )
        return found, failures

    async def _add_unless_full(self, index: int, entries: list[tuple[str, bytes, int]]) -> None:
        keys = [key for key, _message, _capacity in entries]
        pipe = self.connection(index).pipeline(transaction=False)
        oldest_kept = int(time.time()) - int(self.expiry)
        for key in dict.fromkeys(keys):
            pipe.zremrangebyscore(key, min=0, max=oldest_kept)
        pipe.eval(
            _ADD_UNLESS_FULL,
            len(keys),
            *keys,
            *[message for _key, message, _capacity in entries],
            *[capacity for _key, _message, capacity in entries],
            time.time(),
            self.expiry,
        )
        over_capacity = (await pipe.execute())[-1]
        if over_capacity:
            logger.info("%s of %s inboxes were full", over_capacity, len(keys))


async def group_send_all(layer: BaseChannelLayer, sends: Sequence[Send]) -> None:
    """Each message to its group: in two trips on Redis, side by side on any other layer.

    Every group is sent to even when another cannot be; the first failure is raised after.
    """
    if isinstance(layer, KithRedisChannelLayer):
        await layer.group_send_all(sends)
        return
    outcomes = await asyncio.gather(
        *(layer.group_send(group, message) for group, message in sends), return_exceptions=True
    )
    _raise_first(outcomes)


def _raise_first(outcomes: Sequence[object]) -> None:
    for outcome in outcomes:
        if isinstance(outcome, BaseException):
            raise outcome


def redis_channel_layer(url: str, *, prefix: str) -> dict:
    """The CHANNEL_LAYERS["default"] entry for the Redis at ``url``."""
    return {
        "BACKEND": "core.channel_layers.KithRedisChannelLayer",
        "CONFIG": {
            "hosts": [
                {
                    "address": url,
                    "socket_timeout": SOCKET_TIMEOUT_SECONDS,
                    "socket_connect_timeout": SOCKET_CONNECT_TIMEOUT_SECONDS,
                    # The operating system notices a peer that vanished without a word.
                    "socket_keepalive": True,
                    "health_check_interval": HEALTH_CHECK_SECONDS,
                }
            ],
            # Every daphne process must share the prefix, or they cannot hear each other.
            "prefix": prefix,
            "capacity": CAPACITY,
            "expiry": EXPIRY_SECONDS,
            "group_expiry": GROUP_EXPIRY_SECONDS,
        },
    }


def memory_channel_layer() -> dict:
    """The embedded layer (one process): the same capacity and expiries, nothing to time out."""
    return {
        "BACKEND": "channels.layers.InMemoryChannelLayer",
        "CONFIG": {
            "capacity": CAPACITY,
            "expiry": EXPIRY_SECONDS,
            "group_expiry": GROUP_EXPIRY_SECONDS,
        },
    }

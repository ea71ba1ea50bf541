"""The Redis channel layer, with every limit that can lose a message set on purpose.

channels_redis and the redis client each have defaults that are fine alone and lose messages
together; each value below says which and why. Settings and the tests build the layer here,
so a test on Redis runs with exactly what a deployment runs.
"""

from typing import Any

from channels_redis.core import RedisChannelLayer
from redis.asyncio import BlockingConnectionPool

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


class KithRedisChannelLayer(RedisChannelLayer):
    """channels_redis's layer on a pool that waits for a free connection rather than failing."""

    def create_pool(self, index: int) -> BlockingConnectionPool:
        host: dict[str, Any] = dict(self.hosts[index])
        return BlockingConnectionPool.from_url(
            host.pop("address"),
            max_connections=POOL_CONNECTIONS,
            timeout=POOL_WAIT_SECONDS,
            **host,
        )


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

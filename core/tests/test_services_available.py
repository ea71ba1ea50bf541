"""The services a run is pointed at are the ones it really uses: a CI pass meant for
PostgreSQL and Redis must not quietly fall back to SQLite or the in-memory channel layer."""

import asyncio
import os
import secrets

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from channels_redis.core import RedisChannelLayer
from django.conf import settings
from django.db import connection

IN_CI = os.environ.get("CI", "").lower() == "true"


def _expected_vendor() -> str:
    database_url = os.environ.get("DATABASE_URL", "")
    if IN_CI and database_url:
        return "postgresql"  # CI names a database only for its PostgreSQL pass
    if database_url.startswith(("postgres://", "postgresql://")):
        return "postgresql"
    if database_url and not database_url.startswith("sqlite:"):
        pytest.skip(f"no expectation for the database at {database_url.split(':', 1)[0]}")
    return "sqlite"


@pytest.mark.django_db
def test_it_uses_the_database_the_environment_names() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)
    assert connection.vendor == _expected_vendor()


def _channel_layer(redis_url: str) -> RedisChannelLayer:
    if settings.REDIS_URL:
        layer = get_channel_layer()
        assert isinstance(layer, RedisChannelLayer), (
            f"REDIS_URL is set but the channel layer is {type(layer).__name__}"
        )
        return layer
    # CI's embedded pass still checks that Redis answers, with a layer of its own.
    return RedisChannelLayer(hosts=[redis_url], prefix="kith-test")


@pytest.mark.redis
def test_a_group_message_goes_through_redis_and_back(redis_url: str) -> None:
    layer = _channel_layer(redis_url)
    # Others may share this Redis: a group and a text of this run's own.
    group, text = f"services-check-{secrets.token_hex(4)}", secrets.token_hex(8)

    async def round_trip() -> dict:
        channel = await layer.new_channel()
        await layer.group_add(group, channel)
        try:
            await layer.group_send(group, {"type": "services.check", "text": text})
            return await asyncio.wait_for(layer.receive(channel), timeout=5)
        finally:
            await layer.group_discard(group, channel)
            await layer.close_pools()

    assert async_to_sync(round_trip)() == {"type": "services.check", "text": text}

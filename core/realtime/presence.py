"""Who has a person's page open right now, across every server process.

Used so that someone watching a note arrive on their screen is not also pushed it, and so
that nobody whose page is closed goes without one.

A page's row is written when its socket opens and deleted when it ends. Between the two,
each process renews the rows of the sockets it holds right now, all in one UPDATE every
RENEW_SECONDS; a row not renewed for FRESH_FOR no longer counts. Which sockets a process
holds is kept in memory (``hold`` / ``release``), released without waiting for anything the
moment a socket ends, however it ends: closed by either side, crashed, or cancelled by daphne
because it took too long to shut down. So a socket whose row could not be deleted (its
delete was cut short, the database failed, the process was killed) stops counting within
FRESH_FOR by itself, and nothing renews a row for a socket that is gone.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone

from core.models import LiveViewer, User
from core.realtime.db import database_call
from core.sql import quoted_field, quoted_table

logger = logging.getLogger(__name__)

# How often each process renews the rows of the pages it holds (one UPDATE for them all).
RENEW_SECONDS = 10
# Three renewals: one late round (a slow database, a busy process) silences nobody's phone,
# and a process that died stops silencing anyone within half a minute.
FRESH_FOR = timedelta(seconds=3 * RENEW_SECONDS)


def renew_seconds() -> float:
    """Tests shorten it with the PRESENCE_RENEW_SECONDS setting."""
    return float(getattr(settings, "PRESENCE_RENEW_SECONDS", RENEW_SECONDS))


# Rows: written by each socket, read by push and publish ------------------------------------


def viewer_joined(*, channel_name: str, user_id: int, person_id: int) -> None:
    LiveViewer.objects.update_or_create(
        channel_name=channel_name,
        defaults={"user_id": user_id, "person_id": person_id, "seen_at": timezone.now()},
    )


def viewers_still_here(*, channel_names: list[str]) -> int:
    """Renew the rows of these open sockets; returns how many rows there were."""
    return LiveViewer.objects.filter(channel_name__in=channel_names).update(seen_at=timezone.now())


def viewer_left(*, channel_name: str) -> None:
    LiveViewer.objects.filter(channel_name=channel_name).delete()


def watching_live(*, person_id: int) -> set[int]:
    """The users with a page about this person open right now."""
    return set(
        LiveViewer.objects.filter(
            person_id=person_id, seen_at__gte=timezone.now() - FRESH_FOR
        ).values_list("user_id", flat=True)
    )


def _languages_sql() -> str:
    return (
        f"SELECT DISTINCT u.{quoted_field(User, 'language')}"  # noqa: S608
        f" FROM {quoted_table(LiveViewer)} v INNER JOIN {quoted_table(User)} u"
        f" ON u.{quoted_field(User, 'id')} = v.{quoted_field(LiveViewer, 'user')}"
        f" WHERE v.{quoted_field(LiveViewer, 'person')} = %s"
        f" AND v.{quoted_field(LiveViewer, 'seen_at')} >= %s"
    )


# Read on every live write, as plain SQL: building it through the ORM each time cost eight
# times what running it does (the same on SQLite and PostgreSQL).
_LANGUAGES_SQL = _languages_sql()


def languages_listening(*, person_id: int) -> set[str]:
    """The languages of the pages about this person open right now: one query, however many.

    A live note is rendered in each of these (and the site's own language) and in no other.
    """
    fresh_since = connection.ops.adapt_datetimefield_value(timezone.now() - FRESH_FOR)
    with connection.cursor() as cursor:
        cursor.execute(_LANGUAGES_SQL, [person_id, fresh_since])
        return {language for (language,) in cursor.fetchall()}


# The sockets this process holds, renewed together ----------------------------------------------


class _Held:
    """This process's open person pages, and the one task that renews their rows."""

    def __init__(self) -> None:
        self.channels: set[str] = set()
        self.renewing: asyncio.Task[None] | None = None

    def hold(self, channel_name: str) -> None:
        self.channels.add(channel_name)
        loop = asyncio.get_running_loop()
        if self.renewing is None or self.renewing.done() or self.renewing.get_loop() is not loop:
            self.renewing = loop.create_task(self.renew_while_held())

    def release(self, channel_name: str) -> None:
        self.channels.discard(channel_name)
        if not self.channels and self.renewing is not None:
            # Nothing left to renew: no task is left waiting (a test's loop may be closing).
            self.renewing.cancel()
            self.renewing = None

    async def renew_while_held(self) -> None:
        renew = database_call(viewers_still_here)
        while self.channels:
            await asyncio.sleep(renew_seconds())
            held = sorted(self.channels)
            if not held:
                return
            try:
                await renew(channel_names=held)
            except Exception:
                # Tried again next round; meanwhile the rows still count for FRESH_FOR.
                logger.warning("could not renew the open pages' presence", exc_info=True)


_held = _Held()


def hold(channel_name: str) -> None:
    """This socket is open in this process: renew its row until it is released.

    Call from the event loop, before its row is written.
    """
    _held.hold(channel_name)


def release(channel_name: str) -> None:
    """This socket has ended: never renew its row again. Synchronous, so nothing cuts it short."""
    _held.release(channel_name)


def held() -> frozenset[str]:
    """The sockets this process renews (for tests and the metrics)."""
    return frozenset(_held.channels)

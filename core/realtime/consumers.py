"""One socket per open page: the plumbing every page's socket shares.

What a socket may hear is the access layer's to say: each page's consumer (frontend.sockets)
answers ``allowed_groups`` and ``missed_frames``; this base class joins those groups, keeps
them joined, checks the session, catches the page up and ends cleanly.
"""

import asyncio
import json
import logging
from typing import TYPE_CHECKING, cast
from urllib.parse import parse_qs

from asgiref.typing import ASGIReceiveCallable, ASGISendCallable
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.utils import translation

from core.metrics import FANOUT
from core.realtime import catch_up
from core.realtime.db import catch_up_call
from core.realtime.db import database_call as _db
from core.realtime.groups import language_group, session_group, user_group, without_language
from core.realtime.sessions import session_user as session_user  # tests replace it here

if TYPE_CHECKING:
    from channels.consumer import _ChannelScope
    from django.contrib.auth.models import AnonymousUser

    from core.models import Event, User

CATCH_UP_LIMIT = catch_up.CATCH_UP_LIMIT
# Close codes the page understands (4000-4999 are ours).
CLOSE_NO_ACCESS = 4403
CLOSE_SIGNED_OUT = 4401
CLOSE_RELOAD = 4409
# Not ours: the page's socket library reconnects after it, and the new socket starts afresh.
CLOSE_TRY_AGAIN = 1011

logger = logging.getLogger(__name__)

# How often each open socket does its rounds (see PageConsumer.do_rounds). One minute: an
# ended session is noticed within it, and it sits well inside the layer's group expiry
# (core.channel_layers.GROUP_EXPIRY_SECONDS). Presence is renewed apart, by each process for
# all its sockets at once (core.realtime.presence).
ROUNDS_SECONDS = 60
# A round that failed is tried again this many times sooner, up to ROUNDS_TRIED times in all.
ROUND_RETRY_SOONER = 6
ROUNDS_TRIED = 3

# Each socket's leaving (its presence, its groups) runs as a task of its own, held here until
# it is done: daphne cancels a socket that takes too long to shut down, again every second,
# and leaving must not be cut short by that.
_leaving: set[asyncio.Task[None]] = set()


def rounds_seconds() -> float:
    """Tests shorten the rounds with the SOCKET_ROUNDS_SECONDS setting."""
    return getattr(settings, "SOCKET_ROUNDS_SECONDS", ROUNDS_SECONDS)


def _language_of(user: object) -> str:
    chosen = getattr(user, "language", "")
    return chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


class PageConsumer(AsyncWebsocketConsumer):
    groups_joined: list[str]
    rounds: asyncio.Task | None = None
    leaving: asyncio.Task[None] | None = None

    async def __call__(
        self, scope: "_ChannelScope", receive: ASGIReceiveCallable, send: ASGISendCallable
    ) -> None:
        # However the socket ends (closed by either side, its reader crashed when Redis
        # failed, its task cancelled), its rounds and its presence end with it. disconnect()
        # alone is not enough: a crashed consumer never runs it, and its heartbeat went on
        # saying "still watching" with no page open.
        try:
            await super().__call__(scope, receive, send)
        finally:
            await self.ended()

    language: str = settings.LANGUAGE_CODE

    @property
    def user(self) -> "User":
        # connect() closes a socket that is not signed in before anything else runs, so from
        # then on this is the session's User, behind AuthMiddlewareStack's lazy stand-in
        # (which the stubs type as a bare AbstractBaseUser).
        return cast("User", self.scope["user"])

    async def connect(self) -> None:
        self.groups_joined = []
        user = cast("User | AnonymousUser | None", self.scope.get("user"))
        if user is None or not user.is_authenticated or not await self.session_accepted():
            await self.close(code=CLOSE_SIGNED_OUT)
            return
        groups = await self.allowed_groups()
        if groups is None:
            # Refused exactly as if the page did not exist.
            await self.close(code=CLOSE_NO_ACCESS)
            return
        # Frames come rendered in each language: this page hears its user's only.
        self.language = _language_of(user)
        groups = [language_group(group, self.language) for group in groups]
        groups.append(user_group(user.pk))
        if session_key := self.scope["session"].session_key:
            groups.append(session_group(session_key))
        for group in groups:
            await self.channel_layer.group_add(group, self.channel_name)
        self.groups_joined = groups
        await self.started_watching()
        await self.accept()
        self.rounds = asyncio.ensure_future(self.do_rounds())
        # Joined first, replayed second: nothing falls between; repeats are harmless by id.
        await self.catch_up()

    async def disconnect(self, code: int) -> None:
        await self.ended()

    async def ended(self) -> None:
        """Stop the rounds and leave everything joined. Runs once, however the socket ended.

        What needs no waiting is done at once (no cancellation can come between); the rest
        runs as a task of its own that a cancellation of this socket does not stop.
        """
        if self.leaving is None:
            if self.rounds is not None:
                self.rounds.cancel()
                self.rounds = None
            self.stop_watching_now()
            self.leaving = asyncio.ensure_future(self.leave())
            _leaving.add(self.leaving)
            self.leaving.add_done_callback(_leaving.discard)
        await asyncio.shield(self.leaving)

    async def leave(self) -> None:
        await self.stopped_watching()
        groups, self.groups_joined = getattr(self, "groups_joined", []), []
        for group in groups:
            try:
                await self.channel_layer.group_discard(group, self.channel_name)
            except Exception:
                # Redis is what failed: the membership expires by itself (group_expiry).
                logger.warning("socket could not leave its groups", exc_info=True)
                break

    # Rounds: the session and the groups ----------------------------------------------------

    async def do_rounds(self) -> None:
        """Every minute while the socket is open, until it ends.

        The session is checked again (an idle session expires on its own, with no event to
        hear) and the groups are joined again (channels_redis forgets a membership after
        group_expiry). A round that fails (the database's pool or Redis busy for a moment, as
        under a reconnect storm) is tried again soon; only ROUNDS_TRIED failures in a row ask
        the page to reconnect, so a busy moment closes no socket.
        """
        failures = 0
        while True:
            await asyncio.sleep(rounds_seconds() / (ROUND_RETRY_SOONER if failures else 1))
            try:
                if not await self.session_accepted():
                    await self.close(code=CLOSE_SIGNED_OUT)
                    return
                for group in self.groups_joined:
                    await self.channel_layer.group_add(group, self.channel_name)
            except Exception:
                failures += 1
                if failures < ROUNDS_TRIED:
                    logger.warning("socket rounds failed; trying again soon", exc_info=True)
                    continue
                # Still failing: a fresh socket sets everything up again.
                logger.warning("socket rounds failed; asking the page to reconnect", exc_info=True)
                await self.close(code=CLOSE_TRY_AGAIN)
                return
            failures = 0

    async def session_accepted(self) -> bool:
        """Would a page request still accept this socket's session, for the same person?"""
        user = await _db(session_user)(self.scope["session"].session_key)
        return user is not None and user.pk == self.user.pk

    async def started_watching(self) -> None:
        """A person's page records its presence here, before it is accepted."""

    def stop_watching_now(self) -> None:
        """A person's page stops renewing its presence here, at once."""

    async def stopped_watching(self) -> None:
        """A person's page deletes its presence here."""

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        """A page asks only about what it missed; anything else it sends is ignored.

        ``{"catch_up": <event id>}``: it noticed a gap, so send what it missed since then.
        ``{"check": true}``: the last event of each stream, so it can tell if it missed one.
        """
        try:
            asked = json.loads(text_data or "")
        except ValueError:
            return
        if not isinstance(asked, dict):
            return
        after = asked.get("catch_up")
        if isinstance(after, int) and not isinstance(after, bool) and after >= 0:
            await self.catch_up(after)
        elif asked.get("check") is True:
            heads = await _db(catch_up.stream_heads)(self.content_groups())
            await self.send(text_data=catch_up.streams_html(heads))

    async def event_message(self, event: dict) -> None:
        await self.send(text_data=event["html"])
        if "committed_at" in event:
            FANOUT.frame_written(event["change"], event["committed_at"])

    async def access_changed(self, event: dict) -> None:
        allowed = await self.allowed_groups()
        if allowed is None:
            await self.close(code=CLOSE_NO_ACCESS)
        elif allowed != self.content_groups():
            # Still allowed, but shown more or less than before (a sharing choice changed):
            # the page reloads, shows exactly what it may now see and joins those groups.
            await self.close(code=CLOSE_RELOAD)

    async def session_ended(self, event: dict) -> None:
        await self.close(code=CLOSE_SIGNED_OUT)

    async def session_changed(self, event: dict) -> None:
        """Something that can end sessions happened to this user: check this one now."""
        if not await self.session_accepted():
            await self.close(code=CLOSE_SIGNED_OUT)

    def content_groups(self) -> list[str]:
        """The streams this page hears (each joined in its user's language)."""
        return [
            without_language(g) for g in self.groups_joined if g.startswith(("person-", "team-"))
        ]

    def after(self) -> int | None:
        query = parse_qs(self.scope.get("query_string", b"").decode())
        try:
            return int(query.get("after", [""])[0])
        except ValueError:
            return None

    async def catch_up(self, after: int | None = None) -> None:
        """Send what the page missed after event ``after`` (on connect: ``?after=``)."""
        after = self.after() if after is None else after
        if after is None:
            return
        caught_up = await catch_up_call(self.missed)(after)
        if caught_up is None:
            await self.close(code=CLOSE_RELOAD)
            return
        frames, heads = caught_up
        for frame in frames:
            await self.send(text_data=frame)
        await self.send(
            text_data=catch_up.streams_html(heads, covered=max([after, *heads.values()]))
        )

    def missed(self, after: int) -> tuple[list[str], dict[str, int]] | None:
        """Frames for what was missed, rendered afresh, and where each stream got to."""
        # Heads read first: anything sent after this arrives as its own frame.
        streams = self.content_groups()
        heads = catch_up.stream_heads(streams)
        events = catch_up.missed_events(streams=streams, after=after)
        if events is None:
            return None
        with translation.override(self.language):
            return self.missed_frames(events), heads

    async def allowed_groups(self) -> list[str] | None:
        raise NotImplementedError

    def missed_frames(self, events: list["Event"]) -> list[str]:
        raise NotImplementedError


class NoSuchSocket(AsyncWebsocketConsumer):
    """Any other socket address: refused like a page one may not see, with nothing logged.

    Without it the router raises for an address it does not know (``/ws/people/jean/``, an id
    past 64 bits), and the server logs a traceback for what is only a wrong address.
    """

    async def connect(self) -> None:
        await self.close(code=CLOSE_NO_ACCESS)

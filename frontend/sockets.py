"""The sockets of Kith's pages: one per open page, hearing only what the access layer allows.

A person's page (their timeline, their page) hears the person's groups for the viewer's
audience, and for the circle only the kinds of note the person shows them; a team-wide page
(the rota grid) hears the team's group, for current members only. The plumbing they share
(joining, rounds, sessions, catch-up) is core.realtime.consumers.PageConsumer's.
"""

import asyncio

from django.urls import path, re_path

from core.realtime import catch_up, presence
from core.realtime.consumers import CLOSE_NO_ACCESS, NoSuchSocket, PageConsumer, logger
from core.realtime.db import database_call as _db
from core.realtime.groups import person_group, person_topic_group, team_group
from families.access import Audience, person_access, team_access

__all__ = ["CLOSE_NO_ACCESS", "PersonConsumer", "TeamConsumer", "websocket_urlpatterns"]


class PersonConsumer(PageConsumer):
    """A page about one person: the team hears the team's group, the circle the circle's.

    Shared items are published to both groups, team-only items to the team's alone.
    """

    watching = False
    joining: asyncio.Future[None] | None = None

    async def started_watching(self) -> None:
        # Held before the row is written: from here on, however the socket ends, its
        # presence is released at once and its row deleted after the write has landed.
        self.watching = True
        presence.hold(self.channel_name)
        self.joining = asyncio.ensure_future(
            _db(presence.viewer_joined)(
                channel_name=self.channel_name,
                user_id=self.user.pk,
                person_id=self.person_id,
            )
        )
        try:
            await asyncio.shield(self.joining)
        except Exception:
            # Say, the account was deleted meanwhile: the rounds end the socket soon.
            logger.warning("socket could not record its presence", exc_info=True)

    def stop_watching_now(self) -> None:
        if self.watching:
            presence.release(self.channel_name)

    async def stopped_watching(self) -> None:
        if not self.watching:
            return
        self.watching = False
        try:
            if self.joining is not None:
                # A delete that overtook the write (on another thread) would leave the row.
                await self.joining
            await _db(presence.viewer_left)(channel_name=self.channel_name)
        except Exception:
            # Not renewed any more, the row stops counting by itself (presence.FRESH_FOR).
            logger.warning("socket could not end its presence", exc_info=True)

    @property
    def person_id(self) -> int:
        return self.scope["url_route"]["kwargs"]["person_id"]

    async def allowed_groups(self) -> list[str] | None:
        return await _db(self.person_groups)()

    def person_groups(self) -> list[str] | None:
        access = person_access(self.user, self.person_id)
        if access is None:
            return None
        groups = [person_group(self.person_id, access.live_audience)]
        if access.live_audience is Audience.CIRCLE:
            # One group per kind of note the person shows this viewer, and no others.
            groups += [
                person_topic_group(self.person_id, kind)
                for kind in sorted(access.note_kinds_visible)
            ]
        return groups

    def missed_frames(self, events: list) -> list[str]:
        access = person_access(self.user, self.person_id)
        if access is None:
            return []
        return catch_up.frames_for(
            user=self.user,
            audience=access.live_audience,
            person_id=self.person_id,
            team_id=None,
            events=events,
            access=access,
        )


class TeamConsumer(PageConsumer):
    """A team-wide page such as the rota grid: current team members only."""

    @property
    def team_id(self) -> int:
        return self.scope["url_route"]["kwargs"]["team_id"]

    async def allowed_groups(self) -> list[str] | None:
        return await _db(self.team_groups)()

    def team_groups(self) -> list[str] | None:
        if team_access(self.user, self.team_id) is None:
            return None
        return [team_group(self.team_id)]

    def missed_frames(self, events: list) -> list[str]:
        if team_access(self.user, self.team_id) is None:
            return []
        return catch_up.frames_for(
            user=self.user,
            audience=Audience.TEAM,
            person_id=None,
            team_id=self.team_id,
            events=events,
        )


websocket_urlpatterns = [
    # Channels routes consumers' ASGI apps with Django's path(), whose stubs expect a view.
    path("ws/people/<id:person_id>/", PersonConsumer.as_asgi()),  # type: ignore[arg-type]
    path("ws/teams/<id:team_id>/", TeamConsumer.as_asgi()),  # type: ignore[arg-type]
    re_path(r"", NoSuchSocket.as_asgi()),  # type: ignore[arg-type]
]

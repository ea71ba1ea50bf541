"""WebSocket routes. Each consumer joins only the groups core.access allows."""

from channels.generic.websocket import AsyncWebsocketConsumer
from django.urls import path, re_path

from core.realtime.consumers import CLOSE_NO_ACCESS, PersonConsumer, TeamConsumer


class NoSuchSocket(AsyncWebsocketConsumer):
    """Any other socket address: refused like a page one may not see, with nothing logged.

    Without it the router raises for an address it does not know (``/ws/people/jean/``, an id
    past 64 bits), and the server logs a traceback for what is only a wrong address.
    """

    async def connect(self) -> None:
        await self.close(code=CLOSE_NO_ACCESS)


# django-stubs types path() for Django views only; channels routes a consumer's ASGI app with
# the same path(), which the stubs cannot say (hence the ignores here and in core/asgi.py).
websocket_urlpatterns = [
    path("ws/people/<id:person_id>/", PersonConsumer.as_asgi()),  # type: ignore[arg-type]
    path("ws/teams/<id:team_id>/", TeamConsumer.as_asgi()),  # type: ignore[arg-type]
    re_path(r"", NoSuchSocket.as_asgi()),  # type: ignore[arg-type]
]

"""WebSocket routes. Each consumer joins only the groups core.access allows."""

from django.urls import path

from core.realtime.consumers import PersonConsumer, TeamConsumer

websocket_urlpatterns = [
    path("ws/people/<int:person_id>/", PersonConsumer.as_asgi()),
    path("ws/teams/<int:team_id>/", TeamConsumer.as_asgi()),
]

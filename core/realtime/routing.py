"""WebSocket routes. Each consumer joins only the groups core.access allows at connect time."""

websocket_urlpatterns: list = []

import gc
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "core.settings")
# Django must be set up before anything imports models.
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.conf import settings  # noqa: E402
from django.urls import get_resolver  # noqa: E402

from core.metrics import SocketMetrics  # noqa: E402
from core.realtime.origin import SameOriginValidator  # noqa: E402
from core.request_threads import RequestThreads  # noqa: E402
from frontend.sockets import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": RequestThreads(django_asgi_app, threads=settings.REQUEST_THREADS),
        # Outermost, so it counts every socket this process holds (core/metrics.py); the whole
        # origin (scheme, host, port) must be the site's own, not just the host.
        "websocket": SocketMetrics(
            # The routes are URLPatterns of ASGI apps; see core/realtime/routing.py.
            SameOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns)))  # type: ignore[arg-type]
        ),
    }
)

# What is loaded at start lives as long as the process: about 180,000 objects, which a full
# garbage collection walks in about 100 ms, holding up the event loop and every socket's
# frames with it. Frozen once loaded (the URL conf too, which Django otherwise loads on the
# first request), collections look only at what was made since.
get_resolver().url_patterns  # noqa: B018
gc.freeze()

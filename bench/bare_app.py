"""The baselines for bench/fanout_bench.py: Channels over Redis with nothing of Kith's own.

Two ASGI applications share these settings and one WebSocket consumer, Viewer, which joins a
group and forwards what the group hears. Viewers choose a group with ?audience=team or
?audience=circle, so the groups are split as on a Kith page, and each send costs two
group_sends, as a note shared with the circle does. Both make the fragment with fragment().

`application`, the bare app: a raw ASGI endpoint, POST /send?marker=<text>&size=<bytes>,
group_sends a fragment of that size to both groups and answers 204. No middleware, no
database, no session: the least Channels itself costs.

`floor_application`, the floor: the least a Django app can do for the same job. The same
request goes through Django's ASGI handler with sessions and authentication only, to a sync
view that refuses anyone not signed in, stores the fragment in one row inside a transaction
and, once committed, group_sends it to both groups (answering 201). It is tuned as Kith is
(long-lived request threads keeping their connections, a connection pool on PostgreSQL, a
sync-only innermost middleware), so what it costs over the bare app is what any
authenticated Django write costs on this stack, and Kith's cost over it is Kith's own.

Served by daphne: `daphne -b 127.0.0.1 -p <port> bench.bare_app:application` (or
`:floor_application`), with REDIS_URL and BARE_CHANNELS_PREFIX (a prefix of its own, so it
never hears Kith's groups or the other baseline's) in the environment. The floor also reads
FLOOR_SECRET_KEY (shared by its processes, so they accept each other's sessions) and its
database: FLOOR_DATABASE_URL (PostgreSQL) or else FLOOR_SQLITE_PATH. Before it is served,
`python -m bench.bare_app --setup` (same environment) creates its tables and one user, and
prints that user's signed-in session as JSON.
"""

from __future__ import annotations

import gc
import json
import os
import secrets
import sys
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs

import dj_database_url
import django
from django.conf import settings


def _floor_database() -> Mapping[str, Any]:
    """The floor's database, set up as Kith sets up the same engine in core/settings.py."""
    if url := os.environ.get("FLOOR_DATABASE_URL"):
        database = dj_database_url.parse(url)
        # Kith's PostgreSQL connections come from a pool; without one the floor would pay a
        # connect and sign-in on every request that Kith does not.
        database.setdefault("OPTIONS", {})["pool"] = {"min_size": 1, "max_size": 10, "timeout": 10}
        return database
    return {
        "ENGINE": "django.db.backends.sqlite3",
        # As in Kith: each of the long-lived request threads keeps its connection.
        "CONN_MAX_AGE": 600,
        # The bare app never opens a database, so it runs with neither variable set.
        "NAME": os.environ.get("FLOOR_SQLITE_PATH", ":memory:"),
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
    }


settings.configure(
    DEBUG=False,
    SECRET_KEY=os.environ.get("FLOOR_SECRET_KEY") or secrets.token_urlsafe(50),
    ALLOWED_HOSTS=["127.0.0.1"],
    INSTALLED_APPS=[
        "django.contrib.contenttypes",
        "django.contrib.auth",
        "django.contrib.sessions",
        "channels",
    ],
    # Only the floor's Django handler runs these; the bare app's raw ASGI endpoint never does.
    MIDDLEWARE=[
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        # As in Kith: a sync-only middleware innermost keeps the chain in one thread.
        f"{__name__}.kept_in_one_thread",
    ],
    # __name__ rather than "bench.bare_app", so --setup (run as __main__) does not import this
    # module a second time and configure the settings twice.
    ROOT_URLCONF=__name__,
    DATABASES={"default": _floor_database()},
    DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
    USE_TZ=True,
    CHANNEL_LAYERS={
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")],
                "prefix": os.environ.get("BARE_CHANNELS_PREFIX", "bare-bench"),
            },
        }
    },
)
django.setup()


def kept_in_one_thread(get_response: Any) -> Any:
    """A function middleware is sync only: Django then runs every middleware above it, and the
    view, in the request's one thread instead of hopping to the event loop around each."""
    return get_response


from asgiref.sync import async_to_sync  # noqa: E402
from channels.generic.websocket import AsyncWebsocketConsumer  # noqa: E402
from channels.layers import get_channel_layer  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.core.asgi import get_asgi_application  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.http import HttpRequest, HttpResponse  # noqa: E402
from django.urls import path  # noqa: E402
from django.views.decorators.csrf import csrf_exempt  # noqa: E402
from django.views.decorators.http import require_POST  # noqa: E402

from core.request_threads import RequestThreads  # noqa: E402

GROUPS = ("bare-circle", "bare-team")
MAX_SIZE = 64 * 1024
FLOOR_TABLE = "floor_fragment"


def _query(scope: Mapping[str, Any]) -> dict[str, str]:
    parsed = parse_qs(scope.get("query_string", b"").decode())
    return {key: values[0] for key, values in parsed.items()}


class Viewer(AsyncWebsocketConsumer):
    group: str = ""

    async def connect(self) -> None:
        audience = _query(self.scope).get("audience", "team")
        self.group = "bare-circle" if audience == "circle" else "bare-team"
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        if self.group:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def event_message(self, event: dict[str, Any]) -> None:
        await self.send(text_data=event["html"])


def fragment(marker: str, size: int) -> str:
    """An HTML fragment of about size characters carrying the marker."""
    head = f'<article id="bare-{marker}" hx-swap-oob="outerHTML"><p>{marker}</p>'
    tail = "</article>"
    padding = max(0, min(size, MAX_SIZE) - len(head) - len(tail))
    return head + "<p>" + "x" * max(0, padding - 7) + "</p>" + tail


def _size(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        return 0


# The bare app ---------------------------------------------------------------------------------


async def _answer(send: Any, status: int) -> None:
    await send({"type": "http.response.start", "status": status, "headers": []})
    await send({"type": "http.response.body", "body": b""})


async def http_app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    more = True
    while more:  # the body is not used, but must be read
        message = await receive()
        more = message.get("more_body", False)
    if scope["method"] != "POST" or scope["path"] != "/send":
        await _answer(send, 404)
        return
    query = _query(scope)
    marker = query.get("marker", "")
    size = _size(query.get("size", "0"))
    html = fragment(marker, size)
    layer = get_channel_layer()
    assert layer is not None  # configured above
    for group in GROUPS:
        await layer.group_send(group, {"type": "event.message", "html": html})
    await _answer(send, 204)


# A consumer's ASGI app routed with path(), which django-stubs types for views only (as in
# core/realtime/routing.py).
application = ProtocolTypeRouter(
    {"http": http_app, "websocket": URLRouter([path("ws/", Viewer.as_asgi())])}  # type: ignore[arg-type, list-item]
)


# The floor ------------------------------------------------------------------------------------


def _broadcast(html: str) -> None:
    layer = get_channel_layer()
    assert layer is not None  # configured above
    send = async_to_sync(layer.group_send)
    for group in GROUPS:
        send(group, {"type": "event.message", "html": html})


# Without CsrfViewMiddleware nothing checks a token anyway; exempt all the same, because the
# bench's client signs in with a session cookie but sends no CSRF token, and the floor measures
# the write, not that check.
@csrf_exempt
@require_POST
def send_view(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return HttpResponse(status=403)
    html = fragment(request.GET.get("marker", ""), _size(request.GET.get("size", "0")))
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {FLOOR_TABLE} (html) VALUES (%s)", [html])  # noqa: S608
        transaction.on_commit(lambda: _broadcast(html))
    return HttpResponse(status=201)


urlpatterns = [path("send", send_view)]

floor_application = ProtocolTypeRouter(
    {
        # As in Kith: requests run on a fixed set of threads that keep their connections.
        "http": RequestThreads(get_asgi_application(), threads=8),
        "websocket": URLRouter([path("ws/", Viewer.as_asgi())]),  # type: ignore[arg-type, list-item]
    }
)


# Tuned as Kith is (core/asgi.py): what is loaded at start is frozen out of garbage collection.
gc.freeze()


def setup_floor() -> None:
    """Create the floor's tables and one user; print that user's signed-in session as JSON."""
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", interactive=False, verbosity=0)
    # A model needs an installed app of its own; one table made here is all the view needs,
    # with the primary key Django itself would give a model on each engine.
    key = {
        "sqlite": "integer PRIMARY KEY AUTOINCREMENT",
        "postgresql": "bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
    }[connection.vendor]
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {FLOOR_TABLE} (id {key}, html text NOT NULL)")
    user = User.objects.create_user(username="floor")
    client = Client()
    # The floor's user model is Django's own; the type checker knows only Kith's (core.User).
    client.force_login(user)  # type: ignore[arg-type]
    cookie_name = settings.SESSION_COOKIE_NAME
    print(json.dumps({"cookie_name": cookie_name, "session": client.cookies[cookie_name].value}))


if __name__ == "__main__":
    if sys.argv[1:] != ["--setup"]:
        raise SystemExit("usage: python -m bench.bare_app --setup")
    setup_floor()

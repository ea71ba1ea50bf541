"""What makes Kith an installable app: the manifest, the service worker and the offline page."""

import hashlib
import json
import re

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from django.views.i18n import JavaScriptCatalog

from core.requests import SignedInRequest
from frontend.offline import pages_to_save

# The app shell: every static file a page uses, so a page saved for offline works as it did
# when it opens with no network (a saved timeline without timeline.js would show a note twice
# when its socket came back). frontend/tests/test_pwa.py checks the templates name no other.
SHELL_STATIC = (
    "kith/kith.css",
    "kith/app.js",
    "kith/outbox-core.js",
    "kith/outbox.js",
    "kith/live.js",
    "kith/timeline.js",
    "kith/rota.js",
    "kith/push.js",
    "kith/photo-preview.js",
    "vendor/htmx-2.0.11.min.js",
    "vendor/htmx-ext-ws-2.0.4.js",
    "kith/icons/kith-192.png",
    "kith/icons/apple-touch-icon.png",
)


@require_GET
@cache_control(max_age=86400, public=True)
def manifest(request: HttpRequest) -> JsonResponse:
    icon = {"type": "image/png"}
    data = {
        "name": "Kith",
        "short_name": "Kith",
        "description": _("Notes, rotas and updates shared between a care team and the family."),
        "lang": request.LANGUAGE_CODE,
        "start_url": reverse("home") + "?source=installed",
        "scope": "/",
        "id": "/",
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#fbfaf7",
        "theme_color": "#1f5f5b",
        "icons": [
            {**icon, "src": static("kith/icons/kith-192.png"), "sizes": "192x192"},
            {**icon, "src": static("kith/icons/kith-512.png"), "sizes": "512x512"},
            {
                **icon,
                "src": static("kith/icons/kith-maskable-192.png"),
                "sizes": "192x192",
                "purpose": "maskable",
            },
            {
                **icon,
                "src": static("kith/icons/kith-maskable-512.png"),
                "sizes": "512x512",
                "purpose": "maskable",
            },
        ],
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response


# The pages that answer with a photo: the service worker keeps those a saved page shows.
PHOTO_PAGES = ("user_photo", "person_photo", "circle_photo", "note_photo")


def photo_pattern(names: tuple[str, ...] = PHOTO_PAGES) -> str:
    """These photos' paths, as one pattern the service worker can test a path against."""
    paths = (re.escape(reverse(name, args=[0])).replace("/0/", r"/\d+/") for name in names)
    return f"^(?:{'|'.join(paths)})$"


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    # The scripts' words too, in this device's language: pages opened offline need them.
    shell = [static(path) for path in SHELL_STATIC] + [
        reverse("offline"),
        reverse("javascript_catalog"),
    ]
    language = translation.get_language()
    config = {
        # A new version whenever a shell file changes (static URLs carry content hashes) or
        # the device's language does: the offline page is then saved again in that language.
        "version": hashlib.sha256("\n".join([language, *shell]).encode()).hexdigest()[:12],
        "language": language,
        "shell": shell,
        "offline": reverse("offline"),
        "catalogue": reverse("javascript_catalog"),
        "savedList": reverse("offline_pages"),
        "photoPattern": photo_pattern(),
        "notePhotoPattern": photo_pattern(("note_photo",)),
        "icon": static("kith/icons/kith-192.png"),
        "outboxScript": static("kith/outbox-core.js"),
    }
    response = render(
        request,
        "frontend/pwa/sw.js",
        {"config": json.dumps(config)},
        content_type="text/javascript; charset=utf-8",
    )
    # Browsers check for a new worker on every visit; never let a cache answer for it.
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
@cache_control(max_age=0, public=True)
def offline(request: HttpRequest) -> HttpResponse:
    # Rendered without the user: the service worker keeps one copy for everyone on the device.
    return render(request, "frontend/pwa/offline.html")


@require_GET
@login_required
def offline_pages(request: SignedInRequest) -> JsonResponse:
    """Which pages this device should keep readable without a signal."""
    return JsonResponse({"urls": pages_to_save(request.user)})


class KithJavaScriptCatalog(JavaScriptCatalog):
    """The words Kith's own scripts say (gettext, ngettext), from locale/ in LOCALE_PATHS.

    A script file from our own origin, so the Content Security Policy needs no inline script.
    """

    def get_paths(self, packages: list[str]) -> list[str]:
        return [str(path) for path in settings.LOCALE_PATHS]

import json
import re
from pathlib import Path

from django.urls import reverse

from core.tests.http import CheckedClient as Client


def test_the_manifest_makes_kith_installable(db):
    response = Client().get(reverse("manifest"))
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["display"] == "standalone"
    assert manifest["start_url"].startswith("/")
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    assert any(icon.get("purpose") == "maskable" for icon in manifest["icons"])


def test_the_service_worker_is_served_from_the_root_and_never_cached(db):
    response = Client().get(reverse("service_worker"))
    assert reverse("service_worker") == "/sw.js"
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Cache-Control"] == "no-cache"
    body = response.content.decode()
    assert "/offline/" in body
    assert "kith/outbox-core" in body


def test_the_service_worker_keeps_exactly_the_photos_pages_show(db):
    """Photos a saved page shows are kept with it; no other page is taken for a photo."""
    body = Client().get(reverse("service_worker")).content.decode()
    found = re.search(r"const CONFIG = (\{.*\});", body)
    assert found is not None
    config = json.loads(found.group(1))
    photo = re.compile(config["photoPattern"])
    for name in ("user_photo", "person_photo", "circle_photo", "note_photo"):
        assert photo.match(reverse(name, args=[42])), name
    for name in ("note_photo_view", "person", "timeline"):
        assert not photo.match(reverse(name, args=[42])), name
    assert not photo.match(reverse("user_photo", args=[42]) + "elsewhere/")
    note_photo = re.compile(config["notePhotoPattern"])
    assert note_photo.match(reverse("note_photo", args=[42]))
    assert not note_photo.match(reverse("user_photo", args=[42]))


def test_the_offline_page_holds_nothing_about_anyone(personas):
    client = Client()
    client.force_login(personas.carer)
    page = client.get(reverse("offline")).content.decode()
    assert "Angela" not in page
    assert "csrfmiddlewaretoken" not in page


def test_a_carer_keeps_her_peoples_pages(personas):
    client = Client()
    client.force_login(personas.carer)
    urls = json.loads(client.get(reverse("offline_pages")).content)["urls"]
    assert reverse("person", args=[personas.person.pk]) in urls
    assert reverse("timeline", args=[personas.person.pk]) in urls


def test_a_daughter_keeps_only_her_mums_pages(personas):
    client = Client()
    client.force_login(personas.family)
    urls = json.loads(client.get(reverse("offline_pages")).content)["urls"]
    assert reverse("person", args=[personas.neighbour.pk]) not in urls
    assert reverse("person", args=[personas.person.pk]) in urls


def test_signing_out_clears_the_phone(personas):
    client = Client()
    client.force_login(personas.carer)
    response = client.post(reverse("logout"), expect=302)
    assert response["Clear-Site-Data"] == '"cache", "storage"'


def test_pages_carry_the_outbox_for_signed_in_people_only(personas):
    assert 'id="outbox"' not in Client().get(reverse("login")).content.decode()
    client = Client()
    client.force_login(personas.carer)
    page = client.get(reverse("timeline", args=[personas.person.pk])).content.decode()
    assert 'id="outbox"' in page
    assert "data-outbox=" in page


def test_every_static_file_a_page_uses_is_kept_for_offline(db):
    """A saved page opens with no network only with the scripts and pictures it names: one it
    lacked (timeline.js) once showed a note twice when the page's socket came back."""
    from django.conf import settings
    from django.templatetags.static import static

    named: set[str] = set()
    for folder in sorted(Path(settings.BASE_DIR).glob("*/templates")):
        # Not makemessages' passing .py copies (another worker may be making them now).
        for template in (t for t in folder.rglob("*.*") if t.suffix != ".py"):
            named |= set(re.findall(r"""\{%\s*static\s+['"]([^'"]+)['"]""", template.read_text()))
    assert "kith/timeline.js" in named  # the pattern finds what the templates name
    body = Client().get(reverse("service_worker")).content.decode()
    found = re.search(r"^const CONFIG = (\{.*\});$", body, re.MULTILINE)
    assert found, "the service worker's CONFIG"
    shell = json.loads(found.group(1))["shell"]
    missing = sorted(path for path in named if static(path) not in shell)
    assert not missing, f"not kept for offline: {missing}"

"""The profile page's "Notifications on this device" section, as the server renders it."""

import re
from datetime import time
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from core.push.services import push_preferences_update

PUSH_JS = Path(settings.BASE_DIR) / "frontend" / "static" / "kith" / "push.js"


def profile_page(user) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(reverse("profile"))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("who", ["carer", "family", "person_user", "outsider"])
def test_everyone_gets_the_section_with_what_the_script_needs(personas, who):
    page = profile_page(personas.all_users()[who])
    assert "Notifications on this device" in page
    assert f'data-public-key="{settings.VAPID_PUBLIC_KEY}"' in page
    assert 'data-subscriptions-url="/api/v1/push/subscriptions"' in page
    assert 'data-preferences-url="/api/v1/push/preferences"' in page
    assert re.search(r'<script src="[^"]*kith/push\.js" defer></script>', page)


def test_the_page_says_plainly_what_it_needs_without_the_app(personas):
    page = profile_page(personas.family)
    assert "Notifications need the app installed" in page
    # Until the script runs, the page says why nothing works rather than showing dead buttons.
    assert "Notifications need JavaScript turned on." in page
    assert re.search(r"<button[^>]*data-push-on hidden", page)


def test_the_form_shows_the_saved_choices(personas):
    push_preferences_update(
        user=personas.family,
        concerns=True,
        notes=False,
        rota=True,
        family_updates=False,
        quiet_hours_start=time(21, 30),
        quiet_hours_end=time(7, 0),
        include_content=True,
    )
    page = profile_page(personas.family)
    # Concerns and rota are not hers to receive: kept as they were, but not offered.
    assert 'type="hidden" name="concerns" value="true"' in page
    assert not re.search(r'name="notes" checked', page)
    assert not re.search(r'name="family_updates" checked', page)
    assert re.search(r'name="include_content" checked', page)
    assert 'name="quiet_hours_start" value="21:30"' in page
    assert 'name="quiet_hours_end" value="07:00"' in page


def test_the_defaults_leave_the_note_off_the_lock_screen(personas):
    page = profile_page(personas.carer)
    assert not re.search(r'name="include_content" checked', page)
    assert 'name="quiet_hours_start" value=""' in page


def test_there_is_no_inline_script(personas):
    page = profile_page(personas.carer)
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", page) == []
    assert " on" + "click=" not in page


def test_the_script_registers_no_service_worker():
    # The service worker belongs to the installed app; this page only looks for it.
    source = PUSH_JS.read_text()
    assert "serviceWorker.register" not in source
    assert "getRegistration()" in source


@pytest.mark.parametrize("who", ["family", "professional", "person_user", "outsider"])
def test_nobody_outside_the_team_is_offered_concerns_or_rota_changes(personas, who):
    page = profile_page(personas.all_users()[who])
    assert "New notes" in page
    assert "Family updates" in page
    assert "Concerns" not in page
    assert "Rota changes that affect me" not in page
    assert re.search(r'type="hidden" name="concerns"', page)
    assert re.search(r'type="hidden" name="rota"', page)


def test_the_team_is_offered_every_choice(personas):
    page = profile_page(personas.carer)
    for label in ("Concerns", "New notes", "Rota changes that affect me", "Family updates"):
        assert label in page
    assert re.search(r'type="checkbox" id="push-rota" name="rota"', page)


def test_a_hidden_button_stays_hidden_whatever_its_style():
    # .button sets display, which beats the hidden attribute unless the sheet says otherwise:
    # "Turn off notifications" showed while they were off.
    css = (Path(settings.BASE_DIR) / "frontend" / "static" / "kith" / "kith.css").read_text()
    assert ".button[hidden] { display: none; }" in css


def test_running_late_is_offered_to_the_circle_and_on_for_the_first_contact_in_the_family(
    personas,
):
    late = r'<input type="checkbox" id="push-late" name="running_late"( checked)?>'
    sarah = re.search(late, profile_page(personas.family))
    assert sarah and sarah.group(1) == " checked"  # Jean's daughter, her first contact
    nina = re.search(late, profile_page(personas.professional))
    assert nina and nina.group(1) is None
    # The team sees lateness on the rota itself: not offered, and nothing sent from the page.
    assert not re.search(late, profile_page(personas.carer))
    assert "When a carer is running late" in profile_page(personas.person_user)


def test_a_running_late_choice_once_made_is_shown_as_made(personas):
    push_preferences_update(
        user=personas.family,
        concerns=True,
        notes=True,
        rota=True,
        family_updates=True,
        quiet_hours_start=None,
        quiet_hours_end=None,
        include_content=False,
        running_late=False,
    )
    assert 'name="running_late">' in profile_page(personas.family)

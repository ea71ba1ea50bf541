"""Choosing Welsh or English: before signing in, on the profile, and from every page."""

import re

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse

from core.tests.factories import UserFactory
from families.services import invitations

COOKIE = settings.LANGUAGE_COOKIE_NAME


def _switch(client, language, next_url):
    return client.post(reverse("set_language"), {"language": language, "next": next_url})


def test_kith_speaks_english_and_welsh_each_named_in_its_own_words():
    assert settings.LANGUAGES == [("en-gb", "English"), ("cy", "Cymraeg")]


def test_the_sign_in_page_offers_welsh_with_a_plain_form(db):
    page = Client().get(reverse("login")).text
    assert '<html lang="en-gb">' in page
    form = re.search(r'<form class="language-switch" method="post" action="([^"]+)">', page)
    assert form and form.group(1) == reverse("set_language")
    assert '<input type="hidden" name="next" value="/accounts/login/">' in page
    assert '<button type="submit" class="button button-quiet" lang="cy">Cymraeg</button>' in page


def test_choosing_welsh_before_signing_in_is_remembered_on_the_device(db):
    client = Client()
    response = _switch(client, "cy", reverse("login"))
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert client.cookies[COOKIE].value == "cy"
    page = client.get(reverse("login")).text
    assert '<html lang="cy">' in page
    assert "<h1>Mewngofnodi</h1>" in page
    assert 'lang="en-gb">English</button>' in page


def test_a_made_up_language_changes_nothing(personas):
    client = Client()
    client.force_login(personas.carer)
    _switch(client, "xx", reverse("home"))
    personas.carer.refresh_from_db()
    assert personas.carer.language == "en-gb"
    assert '<html lang="en-gb">' in client.get(reverse("home")).text


def test_switching_when_signed_in_saves_it_on_the_account(personas):
    client = Client()
    client.force_login(personas.carer)
    response = _switch(client, "cy", reverse("profile"))
    assert response["Location"] == reverse("profile")
    personas.carer.refresh_from_db()
    assert personas.carer.language == "cy"
    page = client.get(reverse("profile")).text
    assert '<html lang="cy">' in page
    assert '<option value="cy" selected>Cymraeg</option>' in page


def test_the_saved_language_wins_over_the_devices_and_the_device_learns_it(personas):
    personas.carer.language = "cy"
    personas.carer.save()
    client = Client()
    client.cookies[COOKIE] = "en-gb"
    client.force_login(personas.carer)
    response = client.get(reverse("home"))
    assert '<html lang="cy">' in response.text
    assert response.cookies[COOKIE].value == "cy"


def test_the_profile_offers_every_language(personas):
    client = Client()
    client.force_login(personas.carer)
    page = client.get(reverse("profile")).text
    assert '<option value="en-gb" selected>English</option>' in page
    assert '<option value="cy">Cymraeg</option>' in page


def test_a_password_reset_email_is_in_the_readers_language(personas):
    personas.family.language = "cy"
    personas.family.save()
    Client().post(reverse("password_reset"), {"email": personas.family.email})
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Dewiswch gyfrinair newydd ar gyfer Kith"
    assert mail.outbox[0].body.startswith("Helo Sarah Daughter,\n\nGofynnodd rhywun am gael")


@pytest.mark.django_db
def test_an_invitation_to_a_welsh_speaker_reads_in_welsh(
    personas, django_capture_on_commit_callbacks
):
    UserFactory(email="gwen@example.org", display_name="Gwen", language="cy")
    with django_capture_on_commit_callbacks(execute=True):
        invitations.invitation_create_for_team(
            actor=personas.carer,
            team_id=personas.team.pk,
            name="Gwen",
            email="gwen@example.org",
            site_url="http://testserver",
        )
    message = mail.outbox[-1]
    assert message.subject == "Mae Angela Carer wedi'ch gwahodd chi i Kith"
    assert message.body.startswith("Helo Gwen,\n\nMae Angela Carer wedi'ch gwahodd chi i ymuno")
    month = re.search(r"tan \d+ (\w+) \d{4}:", str(message.body))
    assert month and month.group(1) in {
        "Ionawr", "Chwefror", "Mawrth", "Ebrill", "Mai", "Mehefin",
        "Gorffennaf", "Awst", "Medi", "Hydref", "Tachwedd", "Rhagfyr",
    }  # fmt: skip


def test_the_scripts_words_come_from_a_catalogue_file_in_the_pages_language(personas):
    client = Client()
    client.force_login(personas.carer)
    page = client.get(reverse("home")).text
    assert f'<script src="{reverse("javascript_catalog")}" defer></script>' in page
    _switch(client, "cy", reverse("home"))
    catalogue = client.get(reverse("javascript_catalog"))
    assert catalogue["Content-Type"].startswith("text/javascript")
    assert "Mae dau nodyn yn aros i'w hanfon." in catalogue.text
    assert "(n==6) ? 4 : 5" in catalogue.text


@pytest.mark.parametrize(
    ("n", "words"),
    [
        (0, "Does dim nodyn yn aros i'w anfon."),
        (1, "Mae un nodyn yn aros i'w anfon."),
        (2, "Mae dau nodyn yn aros i'w hanfon."),
        (3, "Mae tri nodyn yn aros i'w hanfon."),
        (6, "Mae chwe nodyn yn aros i'w hanfon."),
        (7, "Mae %s nodyn yn aros i'w hanfon."),
    ],
)
def test_welsh_plurals_take_all_six_forms(n, words):
    import gettext

    catalogue = gettext.translation("djangojs", settings.LOCALE_PATHS[0], languages=["cy"])
    said = catalogue.ngettext("%s note is waiting to send.", "%s notes are waiting to send.", n)
    assert said == words

"""About Me on the person's page, its editing page and its history, for each persona."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.tests.http import signed_in
from families.about_me_models import ABOUT_ME_MAX_CHARS, SECTION_KEYS
from families.services import about_me_write
from families.services.sharing import circle_member_sharing_update

MORNING = dt.datetime(2026, 3, 10, 9, 30, tzinfo=dt.UTC)


def page(personas, who, *, expect=200):
    return signed_in(personas.all_users()[who]).get(
        reverse("person", args=[personas.person.pk]), expect=expect
    )


def edit_url(personas):
    return reverse("about_me_edit", args=[personas.person.pk])


def history_url(personas):
    return reverse("about_me_history", args=[personas.person.pk])


def full_form(**overrides):
    return {key: "" for key in SECTION_KEYS} | {"written_with": ""} | overrides


def test_the_team_reads_about_me_first_with_who_changed_it(personas):
    with time_machine.travel(MORNING, tick=False):
        about_me_write(
            actor=personas.carer,
            person_id=personas.person.pk,
            sections={"called": "Jean, never Mrs Person", "worries": "Strangers in the house."},
            written_with="Jean and her daughter",
        )
    text = page(personas, "carer").text
    assert "About Jean" in text
    assert "What they like to be called" in text
    assert "Jean, never Mrs Person" in text
    assert "Changed by Angela Carer on 10 March 2026, written with Jean and her daughter" in text
    # First: before who is coming and the way to the notes.
    assert text.index("About Jean") < text.index('class="panel whos-coming"')
    assert text.index("About Jean") < text.index("Notes and news")
    assert f'href="{edit_url(personas)}"' in text
    assert f'href="{history_url(personas)}"' in text


def test_the_person_reads_it_spoken_to_them(personas):
    text = page(personas, "person_user").text
    assert "About you" in text
    assert "A little about you" in text
    assert "Loves the garden and a good crossword." in text
    assert f'href="{edit_url(personas)}"' in text


def test_the_family_reads_it_after_the_news_and_cannot_change_it(personas):
    text = page(personas, "family").text
    assert "About Jean" in text
    assert "Seeing my grandchildren on Sundays." in text
    assert text.index("Latest news") < text.index("About Jean")
    assert edit_url(personas) not in text
    assert history_url(personas) not in text


def test_a_visiting_professional_reads_it_only_when_the_person_chooses(personas):
    text = page(personas, "professional").text
    assert "Seeing my grandchildren on Sundays." not in text
    assert "About Jean" not in text
    circle_member_sharing_update(
        actor=personas.person_user,
        circle_member_id=personas.professional_place.pk,
        kinds=None,
        sees_about_me=True,
    )
    assert "Seeing my grandchildren on Sundays." in page(personas, "professional").text


@pytest.mark.parametrize("who", ["other_carer", "outsider"])
def test_anyone_else_finds_nothing(personas, who):
    client = signed_in(personas.all_users()[who])
    client.get(edit_url(personas), expect=404)
    client.get(history_url(personas), expect=404)
    client.post(edit_url(personas), full_form(called="x"), expect=404)


@pytest.mark.parametrize("who", ["family", "professional"])
def test_the_circle_cannot_open_the_editing_page_or_the_history(personas, who):
    client = signed_in(personas.all_users()[who])
    client.get(edit_url(personas), expect=404)
    client.post(edit_url(personas), full_form(called="x"), expect=404)
    client.get(history_url(personas), expect=404)
    assert personas.person.about_me_versions.count() == 1


def test_the_editing_page_speaks_to_the_person_on_their_own_page(personas):
    text = signed_in(personas.person_user).get(edit_url(personas)).text
    assert "<h1>About you</h1>" in text
    assert "What you like to be called" in text
    assert "Did anyone help you write this?" in text
    assert "Who in your circle is important to you?" in text
    # What is there now is in the boxes, to change rather than retype.
    assert "Loves the garden and a good crossword." in text


def test_the_team_writes_it_with_the_person_in_a_real_form(personas):
    client = signed_in(personas.carer)
    text = client.get(edit_url(personas)).text
    assert "About Jean" in text and "What they like to be called" in text
    client.post(
        edit_url(personas),
        full_form(
            called="Jean",
            hopes="To stay at home.",
            important_members=[str(personas.family_place.pk)],
            written_with="Jean, at a visit",
        ),
        expect=302,
    )
    current = personas.person.about_me_versions.first()
    assert (current.number, current.hopes, current.written_by) == (
        2,
        "To stay at home.",
        personas.carer,
    )
    assert list(current.important_members.all()) == [personas.family_place]
    text = page(personas, "carer").text
    assert "To stay at home." in text
    assert personas.family_place.name in text


def test_a_section_too_long_is_named_and_nothing_is_saved(personas):
    response = signed_in(personas.person_user).post(
        edit_url(personas),
        full_form(called="Jean", worries="w" * (ABOUT_ME_MAX_CHARS + 5)),
        expect=422,
    )
    assert "Nothing was saved" in response.text
    assert "“What worries you” is 2,005 characters long" in response.text
    # What was typed stays in the box, to shorten rather than retype.
    assert "w" * 50 in response.text
    assert personas.person.about_me_versions.count() == 1


def test_the_history_shows_each_version_with_who_changed_it(personas):
    with time_machine.travel(MORNING, tick=False):
        about_me_write(
            actor=personas.carer, person_id=personas.person.pk, sections={"called": "Jean"}
        )
    with time_machine.travel(MORNING + dt.timedelta(days=1), tick=False):
        about_me_write(
            actor=personas.person_user, person_id=personas.person.pk, sections={"called": "Jeannie"}
        )
    text = signed_in(personas.carer).get(history_url(personas)).text
    assert "Changed by Jean Person on 11 March 2026" in text
    assert "Changed by Angela Carer on 10 March 2026" in text
    assert "Brought over from the earlier page" in text
    assert text.index("Jeannie") < text.index("Changed by Angela Carer")
    assert signed_in(personas.person_user).get(history_url(personas)).status_code == 200


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return len(queries)


def test_the_history_costs_the_same_however_many_versions(personas):
    client = signed_in(personas.carer)
    client.get(history_url(personas))  # the session and the read log, once
    few = _queries(client, history_url(personas))
    for n in range(6):
        about_me_write(
            actor=personas.carer,
            person_id=personas.person.pk,
            sections={"called": f"Jean {n}"},
            important_member_ids=[personas.family_place.pk],
        )
    assert _queries(client, history_url(personas)) == few, "one query per version would crawl"


def test_the_sharing_page_lets_the_person_choose_who_reads_it(personas):
    client = signed_in(personas.person_user)
    url = reverse("member_sharing", args=[personas.professional_place.pk])
    assert "May they read About Me?" in client.get(url).text
    client.post(url, {"which": "same", "about_me": "yes"}, expect=302)
    personas.professional_place.refresh_from_db()
    assert personas.professional_place.sees_about_me is True
    overview = client.get(reverse("note_sharing", args=[personas.person.pk])).text
    assert "Does not read About Me." not in overview
    assert "Reads About Me." in overview

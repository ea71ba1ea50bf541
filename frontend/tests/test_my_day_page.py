"""The person's own home is My day, and every page about them speaks to them."""

import datetime as dt
import re
import uuid
from html import unescape

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.tests.http import signed_in
from families import services as family_services
from families.models import Note
from teams.models import Visit

WEDNESDAY_MORNING = dt.datetime(2026, 12, 2, 9, 30, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def wednesday_morning():
    with time_machine.travel(WEDNESDAY_MORNING, tick=False):
        yield


@pytest.fixture
def george(personas):
    """The person, as George: his own account, a visit at lunchtime, a goal and a note."""
    person = personas.person
    person.full_name, person.preferred_name = "George Kwame Mensah", "George"
    person.save()
    personas.carer.display_name = "Priya Shah"
    personas.carer.save()
    Visit.objects.create(
        team=personas.team,
        person=person,
        date=WEDNESDAY_MORNING.date(),
        window_start=dt.time(12),
        window_end=dt.time(13, 30),
        minutes=30,
        purpose="Lunch",
        carer=personas.carer,
        status=Visit.Status.ASSIGNED,
    )
    family_services.outcome_create(
        actor=personas.carer, person_id=person.pk, title="Walk to church with my stick"
    )
    family_services.note_create(
        actor=personas.carer,
        person_id=person.pk,
        kind="visit",
        body="Physio exercises done.",
        wellbeing=4,
        audience="circle",
    )
    return personas


def visible_text(html: str) -> str:
    """The words a reader sees: no tags, no scripts."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def test_the_person_lands_on_my_day_with_who_is_coming_in_the_first_person(george):
    page = signed_in(george.person_user).get(reverse("home")).text
    text = visible_text(page)
    assert "Good morning, George." in text
    assert "Priya is coming to see you this afternoon, between 12 and 1.30." in text
    assert "Walk to church with my stick" in text
    assert "How are you feeling today?" in text
    assert "Your goals" in text
    # Who is coming comes before anything else on the page.
    assert text.index("Priya is coming") < text.index("How are you feeling today?")


def test_signing_in_brings_the_person_to_my_day(george):
    client = signed_in(george.person_user)
    response = client.get(reverse("home"))
    assert 'aria-current="page">My day' in response.text


def test_my_day_costs_the_same_queries_however_many_visits(george):
    client = signed_in(george.person_user)
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as before:
        client.get(reverse("home"))
    for offset in range(1, 5):
        Visit.objects.create(
            team=george.team,
            person=george.person,
            date=WEDNESDAY_MORNING.date() + dt.timedelta(days=offset),
            window_start=dt.time(12),
            window_end=dt.time(13),
            minutes=30,
            purpose="Lunch",
            carer=george.carer,
            status=Visit.Status.ASSIGNED,
        )
    with CaptureQueriesContext(connection) as after:
        client.get(reverse("home"))
    assert len(after) == len(before), "the page must not read once per visit"


def test_a_face_posts_a_note_of_their_own_and_comes_back_to_my_day(george):
    client = signed_in(george.person_user)
    key = str(uuid.uuid4())
    response = client.post(
        reverse("my_day_feeling"), {"wellbeing": "5", "client_key": key}, expect=302
    )
    assert response["Location"] == reverse("home")
    again = {"wellbeing": "5", "client_key": key}
    client.post(reverse("my_day_feeling"), again, expect=302)
    note = Note.objects.get(author=george.person_user)
    assert (note.wellbeing, note.body) == (5, "I feel very good today.")
    page = client.get(reverse("home")).text
    assert "Thank you for telling us." in page
    assert "You said: Very good." in page
    timeline = client.get(reverse("timeline", args=[george.person.pk])).text
    assert "I feel very good today." in timeline
    # His own note says how he felt, not how he "seemed".
    assert "Feeling: Very good" in timeline


def test_with_htmx_only_the_faces_are_swapped(george):
    client = signed_in(george.person_user)
    response = client.post(
        reverse("my_day_feeling"), {"wellbeing": "2"}, HTTP_HX_REQUEST="true", expect=200
    )
    assert response.text.lstrip().startswith('<section id="feeling"')
    assert "You said: Low." in response.text
    assert 'aria-pressed="true"' in response.text


def test_no_face_chosen_is_said_plainly(george):
    client = signed_in(george.person_user)
    client.post(reverse("my_day_feeling"), {"wellbeing": "9"}, expect=302)
    assert "Please choose one of the five faces." in client.get(reverse("home")).text
    assert not Note.objects.filter(author=george.person_user).exists()


@pytest.mark.parametrize("who", ["carer", "family", "professional", "outsider"])
def test_nobody_else_can_say_how_the_person_feels(george, who):
    client = signed_in(george.all_users()[who])
    client.post(reverse("my_day_feeling"), {"wellbeing": "4"}, expect=404)


def test_larger_text_is_a_switch_saved_on_the_account(george):
    client = signed_in(george.person_user)
    page = client.get(reverse("home")).text
    assert 'class="text-larger"' not in page
    client.post(reverse("text_size"), {"larger": "on", "next": reverse("home")}, expect=302)
    george.person_user.refresh_from_db()
    assert george.person_user.larger_text
    page = client.get(reverse("home")).text
    assert 'class="text-larger"' in page
    assert 'aria-pressed="true">Larger text' in page
    response = client.post(
        reverse("text_size"), {"larger": "off", "next": "https://evil.example/"}, expect=302
    )
    assert response["Location"] == reverse("home")
    george.person_user.refresh_from_db()
    assert not george.person_user.larger_text


def _pages_george_reaches(george) -> list[str]:
    person_id = george.person.pk
    goal = george.person.outcomes.get()
    note = Note.objects.get(person=george.person)
    return [
        reverse("home"),
        reverse("person", args=[person_id]),
        reverse("person_edit", args=[person_id]),
        reverse("timeline", args=[person_id]),
        reverse("note_detail", args=[note.pk]),
        reverse("outcome_list", args=[person_id]),
        reverse("outcome_detail", args=[goal.pk]),
        reverse("note_sharing", args=[person_id]),
        reverse("audit_trail", args=[person_id]),
        reverse("record_export", args=[person_id]),
        reverse("people_directory"),
        reverse("profile"),
    ]


def test_every_page_about_george_speaks_to_him(george):
    client = signed_in(george.person_user)
    for url in _pages_george_reaches(george):
        text = visible_text(client.get(url).text)
        for words in ("George's", "they seem", "Back to George", "their own words", "They "):
            assert words not in text, f"{url} says {words!r}"


def test_his_pages_say_your(george):
    client = signed_in(george.person_user)
    person_id = george.person.pk
    assert "Your page" in visible_text(client.get(reverse("person", args=[person_id])).text)
    timeline = visible_text(client.get(reverse("timeline", args=[person_id])).text)
    assert "Your notes" in timeline
    assert "How are you feeling?" in timeline
    goals = visible_text(client.get(reverse("outcome_list", args=[person_id])).text)
    assert "Your goals" in goals
    sharing = visible_text(client.get(reverse("note_sharing", args=[person_id])).text)
    assert "Who can see your notes" in sharing
    edit = visible_text(client.get(reverse("person_edit", args=[person_id])).text)
    assert "What you like to be called." in edit


def test_the_team_still_reads_about_george(george):
    client = signed_in(george.carer)
    timeline = visible_text(client.get(reverse("timeline", args=[george.person.pk])).text)
    assert "George's timeline" in timeline
    assert "How did they seem?" in timeline


def test_my_day_and_the_persons_page_read_in_welsh_for_a_welsh_speaker(george):
    george.person_user.language = "cy"
    george.person_user.save()
    client = signed_in(george.person_user)
    text = visible_text(client.get(reverse("home")).text)
    assert "Bore da, George." in text
    assert "Mae Priya yn dod i'ch gweld chi y prynhawn 'ma, rhwng 12 ac 1.30." in text
    assert "Sut ydych chi'n teimlo heddiw?" in text
    for english in ("Good morning", "coming to see you", "How are you feeling", "Your goals"):
        assert english not in text
    page = visible_text(client.get(reverse("person", args=[george.person.pk])).text)
    assert "Eich tudalen" in page and "Your page" not in page


def test_a_face_chosen_after_the_session_ended_brings_them_back_to_my_day(george):
    from django.test import Client

    response = Client().post(reverse("my_day_feeling"), {"wellbeing": "4"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    # Signing in sends them to the address they were on, which now shows My day again.
    again = signed_in(george.person_user).get(reverse("my_day_feeling"), expect=302)
    assert again["Location"] == reverse("home")
    signed_in(george.person_user).get(reverse("text_size"), expect=302)

"""People's words carry their own language on every page: Welsh words on an English page are
marked lang="cy", English words on a Welsh page lang="en", so a screen reader says them right.
"""

import io
import re
import zipfile
from types import SimpleNamespace

import pytest
from channels.db import database_sync_to_async
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import translation

from core.models import AuditEntry, User
from core.tests.sockets import connect
from families import services
from families.access import person_access
from families.models import Note
from families.record_export import build_zip
from families.services.sharing import sharing_update

pytestmark = pytest.mark.django_db

WELSH_WORDS = "Roedd Jean mewn hwyliau da heno."
ENGLISH_WORDS = "Jean was in good spirits tonight."


def _speaks(user: User, language: str) -> User:
    user.language = language
    user.save(update_fields=["language"])
    return user


def _page(user: User, url: str) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.text


def _note(personas, body: str, language: str, **extra) -> Note:
    values = {"kind": "visit", "audience": "circle", **extra}
    return services.note_create(
        actor=personas.carer,
        person_id=personas.person.pk,
        body=body,
        language=language,
        **values,
    )


def _body_of(page: str, note: Note) -> str:
    found = re.search(rf'<article id="note-{note.pk}".*?<div class="note-body"([^>]*)>', page, re.S)
    assert found is not None, "no note body on the page"
    return found.group(1)


def test_a_welsh_note_on_an_english_readers_timeline_is_marked_welsh(personas):
    note = _note(personas, WELSH_WORDS, "cy")
    page = _page(personas.family, reverse("timeline", args=[personas.person.pk]))
    assert '<html lang="en-gb"' in page
    assert _body_of(page, note) == ' lang="cy"'


def test_an_english_note_on_a_welsh_readers_timeline_is_marked_english(personas):
    note = _note(personas, ENGLISH_WORDS, "en")
    page = _page(_speaks(personas.family, "cy"), reverse("timeline", args=[personas.person.pk]))
    assert '<html lang="cy"' in page
    assert _body_of(page, note) == ' lang="en"'


def test_a_note_whose_language_is_not_known_is_left_to_the_page(personas):
    note = _note(personas, ENGLISH_WORDS, "en")
    Note.objects.filter(pk=note.pk).update(language="")
    page = _page(personas.family, reverse("timeline", args=[personas.person.pk]))
    assert _body_of(page, note) == ""


def test_a_note_written_on_a_welsh_page_is_welsh(personas):
    client = Client()
    client.force_login(_speaks(personas.carer, "cy"))
    response = client.post(
        reverse("note_create", args=[personas.person.pk]),
        {"kind": "visit", "body": WELSH_WORDS, "audience": "circle"},
    )
    assert response.status_code in (200, 302)
    assert Note.objects.get().language == "cy"


def test_replies_goals_and_the_note_page_carry_their_language(personas):
    goal = services.outcome_create(
        actor=personas.carer,
        person_id=personas.person.pk,
        title="Mynd i'r côr bob nos Fercher",
        language="cy",
    )
    note = _note(personas, WELSH_WORDS, "cy", outcome_ids=[goal.pk])
    services.reply_create(actor=personas.family, note_id=note.pk, body="Lovely!", language="en")
    page = _page(personas.family, reverse("note_detail", args=[note.pk]))
    assert '<p lang="en">Lovely!</p>' in page
    assert f'"{reverse("outcome_detail", args=[goal.pk])}" lang="cy">' in page
    goals = _page(personas.family, reverse("outcome_list", args=[personas.person.pk]))
    assert '<span class="person-card-name" lang="cy">Mynd i' in goals
    detail = _page(personas.family, reverse("outcome_detail", args=[goal.pk]))
    assert '<h1 lang="cy">Mynd i' in detail


def test_my_day_marks_goals_in_the_persons_words(personas):
    services.outcome_create(
        actor=personas.carer,
        person_id=personas.person.pk,
        title="Ffonio Bron fy hun bob dydd Sul",
        language="cy",
    )
    page = _page(personas.person_user, reverse("home"))
    assert 'lang="cy">Ffonio Bron' in page


def test_about_me_sections_carry_their_language(personas):
    services.about_me_write(
        actor=personas.carer,
        person_id=personas.person.pk,
        sections={"story": "Fe ges i fy magu yn Abertawe."},
        language="cy",
    )
    page = _page(personas.family, reverse("person", args=[personas.person.pk]))
    assert '<p class="prose" lang="cy">Fe ges i fy magu yn Abertawe.</p>' in page


def test_the_readable_copy_of_the_record_marks_each_language(personas):
    goal = services.outcome_create(
        actor=personas.carer, person_id=personas.person.pk, title="Canu", language="cy"
    )
    note = _note(personas, WELSH_WORDS, "cy")
    services.reply_create(actor=personas.family, note_id=note.pk, body="Thank you", language="en")
    services.about_me_write(
        actor=personas.carer,
        person_id=personas.person.pk,
        sections={"story": "O Abertawe."},
        language="cy",
    )
    access = person_access(personas.person_user, personas.person.pk)
    assert access is not None and goal.pk
    archive = zipfile.ZipFile(io.BytesIO(build_zip(personas.person, access)))
    html = archive.read("record.html").decode()
    assert f'<p lang="cy">{WELSH_WORDS}</p>' in html
    assert '<span lang="en">Thank you</span>' in html
    assert '<span lang="cy">Canu</span>' in html
    assert '<p lang="cy">O Abertawe.</p>' in html


@pytest.mark.django_db(transaction=True)
async def test_a_welsh_note_arrives_live_marked_welsh_on_an_english_page(personas):
    family, connected, *_ = await connect(personas.family, f"/ws/people/{personas.person.pk}/")
    assert connected
    note = await database_sync_to_async(_note)(personas, WELSH_WORDS, "cy")
    frame = await family.receive_from()
    await family.disconnect()
    assert f'<article id="note-{note.pk}"' in frame
    assert f'<div class="note-body" lang="cy">{WELSH_WORDS}</div>' in frame


@pytest.mark.django_db(transaction=True)
async def test_an_english_note_arrives_live_marked_english_on_a_welsh_page(personas):
    await database_sync_to_async(_speaks)(personas.family, "cy")
    family, connected, *_ = await connect(personas.family, f"/ws/people/{personas.person.pk}/")
    assert connected
    await database_sync_to_async(_note)(personas, ENGLISH_WORDS, "en")
    frame = await family.receive_from()
    await family.disconnect()
    # Kith's own words in Welsh around the note, the note's words marked English.
    assert "Nodyn ymweliad" in frame
    assert f'<div class="note-body" lang="en">{ENGLISH_WORDS}</div>' in frame


# "chose it themself in Kith": said in the reader's language, whoever made the change ----------


def _choose_themself(personas) -> None:
    sharing_update(
        actor=personas.person_user,
        person_id=personas.person.pk,
        shared_with_circle=False,
        circle_kinds=["moment"],
        share_check_ins=False,
    )


def test_a_welsh_reader_of_the_log_reads_the_persons_own_choice_in_welsh(personas):
    with translation.override("en-gb"):
        _choose_themself(personas)
    entry = AuditEntry.objects.get(action=AuditEntry.Action.SHARING_CHANGED)
    assert entry.detail["agreed_how"] == "chose_it_themself"
    welsh = _page(_speaks(personas.carer, "cy"), reverse("audit_trail", args=[personas.person.pk]))
    assert "wedi dewis hyn eu hunain yn Kith" in welsh
    assert "chose it themself" not in welsh
    english = _page(personas.person_user, reverse("audit_trail", args=[personas.person.pk]))
    assert "chose it themself in Kith" in english


@pytest.mark.parametrize(
    "stored", ["chose it themself in Kith", "wedi dewis hyn eu hunain yn Kith"]
)
def test_entries_written_before_read_in_the_readers_language_too(personas, stored):
    AuditEntry.objects.create(
        actor=personas.person_user,
        actor_name=personas.person_user.display_name,
        action=AuditEntry.Action.SHARING_CHANGED,
        person_id=personas.person.pk,
        target=f"person:{personas.person.pk}",
        detail={"agreed_by": "Jean", "agreed_how": stored},
    )
    welsh = _page(_speaks(personas.carer, "cy"), reverse("audit_trail", args=[personas.person.pk]))
    assert "wedi dewis hyn eu hunain yn Kith" in welsh
    english = _page(personas.person_user, reverse("audit_trail", args=[personas.person.pk]))
    assert "chose it themself in Kith" in english
    assert "wedi dewis" not in english


def test_what_the_team_wrote_down_is_shown_as_they_wrote_it(personas):
    from core.audit import agreed_how_words

    assert agreed_how_words("at her review, with Sarah there") == "at her review, with Sarah there"


# Rota day headings: a day inside a sentence as My day says it -------------------------------


def _day_list(day, today) -> str:
    context = {"day_list": SimpleNamespace(day=day, places=[]), "today": today}
    return render_to_string("frontend/rota/_day_list.html", context)


def test_rota_day_headings_in_welsh_read_as_my_day_does():
    import datetime as dt

    wednesday, thursday = dt.date(2026, 12, 2), dt.date(2026, 12, 3)
    with translation.override("cy"):
        today = _day_list(wednesday, wednesday)
        later = _day_list(thursday, wednesday)
    assert ">Heddiw, dydd Mercher 2 Rhagfyr</h2>" in today
    # A heading on its own starts with a capital, as a line of My day does.
    assert ">Dydd Iau 3 Rhagfyr</h2>" in later
    with translation.override("en-gb"):
        assert ">Today, Wednesday 2 December</h2>" in _day_list(wednesday, wednesday)
        assert ">Thursday 3 December</h2>" in _day_list(thursday, wednesday)

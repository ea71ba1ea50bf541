"""The language people's words are written in: recorded where they are written, kept.

A Welsh-speaking carer writes in Welsh and an English-speaking niece reads it: the note says
it is Welsh, so her page can mark it for her screen reader.
"""

import json
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.utils import translation

from core.languages import clean_words_language, words_language
from core.models import User
from families import services
from families.about_me_models import AboutMe
from families.models import Note, Outcome, Reply

pytestmark = pytest.mark.django_db

BAD_LANGUAGE = "Please say which language the words are written in, as one of: en, cy."


def _welsh(user: User) -> User:
    user.language = "cy"
    user.save(update_fields=["language"])
    return user


def _send(user: User, method: str, url: str, body: dict):
    client = Client()
    client.force_login(user)
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")


def _notes_url(personas, *rest: object) -> str:
    return "/".join([f"/api/v1/people/{personas.person.pk}/notes", *map(str, rest)])


# The rule --------------------------------------------------------------------------------------


def test_any_code_for_a_language_kith_speaks_names_the_language_alone():
    assert [words_language(code) for code in ("en-gb", "EN", "en", " cy ", "cy-GB")] == [
        "en",
        "en",
        "en",
        "cy",
        "cy",
    ]
    assert [words_language(code) for code in ("", None, "fr", "english", "\ud800")] == [None] * 5


def test_left_out_it_is_the_writers_own_language_not_the_one_active_where_it_is_saved(personas):
    welsh = _welsh(personas.carer)
    with translation.override("en-gb"):
        assert clean_words_language(None, writer=welsh) == "cy"
        assert clean_words_language("", writer=welsh) == "cy"
    assert clean_words_language(None, writer=personas.family) == "en"
    personas.family.language = "xx"
    assert clean_words_language(None, writer=personas.family) == "en"


# Services --------------------------------------------------------------------------------------


def test_a_note_a_reply_a_goal_and_about_me_keep_the_language_they_were_written_in(personas):
    _welsh(personas.carer)
    note = services.note_create(
        actor=personas.carer,
        person_id=personas.person.pk,
        kind="visit",
        body="Roedd Jean yn hapus.",
    )
    reply = services.reply_create(actor=personas.family, note_id=note.pk, body="Lovely")
    goal = services.outcome_create(
        actor=personas.carer, person_id=personas.person.pk, title="Canu yn y côr"
    )
    about = services.about_me_write(
        actor=personas.person_user,
        person_id=personas.person.pk,
        sections={"story": "I grew up in Swansea."},
        language="en",
    )
    assert Note.objects.get(pk=note.pk).language == "cy"
    assert Reply.objects.get(pk=reply.pk).language == "en"
    assert Outcome.objects.get(pk=goal.pk).language == "cy"
    assert AboutMe.objects.get(pk=about.pk).language == "en"


def test_a_goal_keeps_its_language_until_its_words_change(personas):
    goal = services.outcome_create(
        actor=personas.carer, person_id=personas.person.pk, title="Canu yn y côr", language="cy"
    )
    services.outcome_update(actor=personas.carer, outcome_id=goal.pk, status="achieved")
    assert Outcome.objects.get(pk=goal.pk).language == "cy"
    services.outcome_update(actor=personas.carer, outcome_id=goal.pk, title="Sing in the choir")
    assert Outcome.objects.get(pk=goal.pk).language == "en"


def test_a_bad_language_saves_nothing_and_says_why(personas):
    with pytest.raises(ValidationError) as refused:
        services.note_create(
            actor=personas.carer,
            person_id=personas.person.pk,
            kind="visit",
            body="Jean was well.",
            language="klingon",
        )
    assert refused.value.message_dict == {"language": [BAD_LANGUAGE]}
    assert not Note.objects.exists()


# The API ---------------------------------------------------------------------------------------


def test_the_api_takes_the_language_the_device_says(personas):
    response = _send(
        personas.carer,
        "post",
        _notes_url(personas),
        {"kind": "visit", "body": "Roedd Jean yn hapus.", "language": "cy"},
    )
    assert response.status_code == 201
    assert response.json()["language"] == "cy"
    assert Note.objects.get().language == "cy"


def test_an_outbox_note_without_a_language_is_in_the_writers_own(personas):
    _welsh(personas.carer)
    key = str(uuid.uuid4())
    body = {"kind": "visit", "body": "Roedd Jean yn hapus.", "client_key": key}
    first = _send(personas.carer, "post", _notes_url(personas), body)
    again = _send(personas.carer, "post", _notes_url(personas), body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["language"] == again.json()["language"] == "cy"
    assert Note.objects.get().language == "cy"


def test_a_page_language_code_from_the_outbox_is_taken_as_the_language(personas):
    note = services.note_create(
        actor=personas.carer, person_id=personas.person.pk, kind="visit", body="Jean was well."
    )
    response = _send(
        personas.family,
        "post",
        _notes_url(personas, note.pk, "replies"),
        {"body": "Diolch", "language": "cy", "client_key": str(uuid.uuid4())},
    )
    assert response.status_code == 201
    assert response.json()["language"] == "cy"
    english = _send(
        personas.family,
        "post",
        _notes_url(personas, note.pk, "replies"),
        {"body": "Thanks", "language": "en-gb"},
    )
    assert english.json()["language"] == "en"


@pytest.mark.parametrize("language", ["fr", "Welsh", "", " ", "\u0000"])
def test_a_language_kith_does_not_speak_is_422_naming_the_field(personas, language):
    response = _send(
        personas.carer,
        "post",
        _notes_url(personas),
        {"kind": "visit", "body": "Jean was well.", "language": language},
    )
    if language == "":
        # Nothing said is the writer's own, as when it is left out.
        assert response.status_code == 201
        return
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    assert "language" in body["fields"]
    assert not Note.objects.exists()


def test_a_bad_language_is_explained_in_words(personas):
    response = _send(
        personas.carer,
        "post",
        _notes_url(personas),
        {"kind": "visit", "body": "Jean was well.", "language": "fr"},
    )
    assert response.json()["fields"] == {"language": [BAD_LANGUAGE]}


def test_goals_and_about_me_through_the_api_say_their_language(personas):
    goal = _send(
        personas.carer,
        "post",
        f"/api/v1/people/{personas.person.pk}/outcomes",
        {"title": "Canu yn y côr", "language": "cy"},
    )
    assert goal.status_code == 201
    assert goal.json()["language"] == "cy"
    about = _send(
        personas.carer,
        "put",
        f"/api/v1/people/{personas.person.pk}/about-me",
        {"sections": {"story": "Fe ges i fy magu yn Abertawe."}, "language": "cy"},
    )
    assert about.status_code == 200
    assert about.json()["language"] == "cy"
    bad = _send(
        personas.carer,
        "put",
        f"/api/v1/people/{personas.person.pk}/about-me",
        {"sections": {"story": "Something else"}, "language": "xx"},
    )
    assert bad.status_code == 422
    assert bad.json()["fields"]["language"] == [BAD_LANGUAGE]


# The migration ---------------------------------------------------------------------------------

BEFORE = [("families", "0007_about_me")]
AFTER = [("families", "0008_words_written_in_a_language")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    # Every other app as it is now: only families steps back.
    others = [node for node in executor.loader.graph.leaf_nodes() if node[0] != "families"]
    targets = [*targets, *others] if targets[0][0] == "families" else targets
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_words_written_before_take_their_writers_language_else_the_sites():
    try:
        old = _migrate(BEFORE)
        users = old.get_model("core", "User").objects
        mei = users.create(email="mei@example.org", display_name="Mei", language="cy")
        lowri = users.create(email="lowri@example.org", display_name="Lowri", language="en-gb")
        odd = users.create(email="odd@example.org", display_name="Odd", language="xx")
        team = old.get_model("teams", "Team").objects.create(name="Riverside")
        gwen = old.get_model("families", "Person").objects.create(team=team, full_name="Gwen")
        notes = old.get_model("families", "Note").objects
        welsh = notes.create(person=gwen, author=mei, kind="visit", body="Bore da", audience="team")
        english = notes.create(
            person=gwen, author=lowri, kind="family_update", body="Hi", audience="circle"
        )
        unknown = notes.create(person=gwen, author=odd, kind="visit", body="?", audience="team")
        reply = old.get_model("families", "Reply").objects.create(
            note=english, author=mei, body="Diolch"
        )
        goal = old.get_model("families", "Outcome").objects.create(
            person=gwen, title="Côr", created_by=mei
        )
        about = old.get_model("families", "AboutMe").objects
        kept = about.create(person=gwen, number=1, story="From Swansea", written_by=None)
        by_mei = about.create(person=gwen, number=2, story="O Abertawe", written_by=mei)

        new = _migrate(AFTER)

        def language(model, pk):
            return new.get_model("families", model).objects.get(pk=pk).language

        assert [language("Note", n.pk) for n in (welsh, english, unknown)] == ["cy", "en", "en"]
        assert language("Reply", reply.pk) == "cy"
        assert language("Outcome", goal.pk) == "cy"
        assert [language("AboutMe", a.pk) for a in (kept, by_mei)] == ["en", "cy"]
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

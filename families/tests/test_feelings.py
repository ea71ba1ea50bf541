"""The person says how they feel today with one of five faces: a note of their own."""

import datetime as dt
import uuid

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import translation

from families import services
from families.access import person_access_or_404
from families.models import Note
from families.timeline import visible_notes
from teams.rota.my_day import my_day_for

MORNING = dt.datetime(2026, 12, 2, 9, 30, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def wednesday_morning():
    with time_machine.travel(MORNING, tick=False):
        yield


def test_it_writes_the_persons_own_note_with_the_face_they_chose(personas):
    note = services.person_share_feeling(actor=personas.person_user, wellbeing=4)
    assert note.person == personas.person
    assert note.author == personas.person_user
    assert note.kind == Note.Kind.FAMILY_UPDATE
    assert note.audience == Note.Audience.CIRCLE
    assert note.wellbeing == 4
    assert note.body == "I feel good today."
    assert my_day_for(personas.person).feeling == note


def test_it_is_saved_once_when_sent_twice_with_the_same_key(personas):
    key = uuid.uuid4()
    first = services.person_share_feeling(actor=personas.person_user, wellbeing=5, client_key=key)
    again = services.person_share_feeling(actor=personas.person_user, wellbeing=5, client_key=key)
    assert first == again
    assert Note.objects.filter(author=personas.person_user).count() == 1


def test_the_team_and_the_circle_see_it_on_the_timeline(personas):
    note = services.person_share_feeling(actor=personas.person_user, wellbeing=2)
    for user in (personas.carer, personas.family, personas.person_user):
        access = person_access_or_404(user, personas.person.pk)
        assert note in visible_notes(access)


def test_it_is_written_in_the_persons_language(personas):
    with translation.override("cy"):
        note = services.person_share_feeling(actor=personas.person_user, wellbeing=3)
    assert note.body == "Rwy'n teimlo'n iawn heddiw."


@pytest.mark.parametrize("who", ["carer", "family", "professional", "outsider"])
def test_only_the_person_themself_may(personas, who):
    with pytest.raises(Http404):
        services.person_share_feeling(actor=personas.all_users()[who], wellbeing=4)
    assert not Note.objects.exists()


@pytest.mark.parametrize("wellbeing", [None, 0, 6, -1])
def test_it_refuses_anything_but_the_five_faces(personas, wellbeing):
    with pytest.raises(ValidationError):
        services.person_share_feeling(actor=personas.person_user, wellbeing=wellbeing)
    assert not Note.objects.exists()


def test_yesterdays_feeling_is_not_todays(personas):
    services.person_share_feeling(actor=personas.person_user, wellbeing=1)
    with time_machine.travel(MORNING + dt.timedelta(days=1), tick=False):
        assert my_day_for(personas.person).feeling is None

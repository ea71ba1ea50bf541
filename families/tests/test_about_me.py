"""About Me: every change a new version, with who wrote it, with whom and when; each
section's length; who reads it, as the person chooses."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.http import Http404

from core.models import AuditEntry
from families.about_me import about_me_current, about_me_history
from families.about_me_models import ABOUT_ME_MAX_CHARS, SECTION_KEYS, AboutMe
from families.access import person_access, person_access_or_404
from families.services import about_me_write
from families.services.sharing import Agreement, circle_member_sharing_update

MORNING = dt.datetime(2026, 3, 10, 9, 30, tzinfo=dt.UTC)


def write(personas, actor=None, **sections):
    return about_me_write(
        actor=actor or personas.carer,
        person_id=personas.person.pk,
        sections=sections,
        written_with="Jean, at her kitchen table",
    )


def test_each_change_is_a_new_version_and_the_one_before_is_kept(personas):
    with time_machine.travel(MORNING, tick=False):
        first = write(personas, called="Jean", what_matters="My garden.")
    with time_machine.travel(MORNING + dt.timedelta(days=2), tick=False):
        second = write(personas, personas.person_user, called="Jean", what_matters="My roses.")
    # The factory's carried-over words are version 1.
    assert (first.number, second.number) == (2, 3)
    personas.person.refresh_from_db()
    assert personas.person.about_me == second
    kept = AboutMe.objects.get(pk=first.pk)
    assert kept.what_matters == "My garden."
    assert (kept.written_by, kept.written_at) == (personas.carer, MORNING)
    assert kept.written_with == "Jean, at her kitchen table"
    assert second.written_by == personas.person_user
    assert second.written_at == MORNING + dt.timedelta(days=2)


def test_every_section_of_the_standard_is_kept(personas):
    words = {key: f"Words for {key}." for key in SECTION_KEYS}
    version = about_me_write(actor=personas.carer, person_id=personas.person.pk, sections=words)
    assert version.texts() == words
    access = person_access(personas.carer, personas.person.pk)
    assert access is not None
    view = about_me_current(access)
    assert view is not None
    assert [s.key for s in view.sections] == list(SECTION_KEYS)
    assert [s.text for s in view.sections] == list(words.values())


def test_saving_the_same_words_again_makes_no_new_version(personas):
    first = write(personas, called="Jean")
    again = write(personas, called="Jean")
    assert again.pk == first.pk
    assert personas.person.about_me_versions.count() == 2


def test_the_change_is_in_the_record_log_with_the_sections_that_changed(personas):
    write(personas, called="Jean", worries="Being moved to a home.")
    entry = AuditEntry.objects.get(target__startswith="about_me:")
    assert entry.actor == personas.carer
    assert entry.detail["about_me_version"] == 2
    # The factory's words were dropped from the sections not sent.
    assert {"called", "worries", "story", "what_matters", "routines"} == set(entry.detail["fields"])


def test_a_section_past_its_length_is_named_and_nothing_is_saved(personas):
    before = personas.person.about_me
    with pytest.raises(ValidationError) as refused:
        write(personas, called="Jean", worries="x" * (ABOUT_ME_MAX_CHARS + 1))
    assert set(refused.value.message_dict) == {"worries"}
    message = refused.value.message_dict["worries"][0]
    assert "“What worries them”" in message
    assert "2,001" in message and "2,000" in message
    personas.person.refresh_from_db()
    assert personas.person.about_me == before
    assert personas.person.about_me_versions.count() == 1


def test_the_person_is_told_in_their_own_words_which_section_is_too_long(personas):
    with pytest.raises(ValidationError) as refused:
        write(personas, personas.person_user, called="J" * 201)
    assert "“What you like to be called”" in refused.value.message_dict["called"][0]


def test_exactly_the_limit_is_kept(personas):
    version = write(personas, hopes="h" * ABOUT_ME_MAX_CHARS)
    assert len(version.hopes) == ABOUT_ME_MAX_CHARS


def test_an_unknown_section_and_text_that_cannot_be_stored_are_refused(personas):
    with pytest.raises(ValidationError):
        write(personas, shoe_size="7")
    with pytest.raises(ValidationError):
        write(personas, called="Jean\x00")
    assert personas.person.about_me_versions.count() == 1


def test_important_people_are_chosen_from_the_circle_now(personas):
    version = about_me_write(
        actor=personas.carer,
        person_id=personas.person.pk,
        sections={"important_people": "Sarah rings every evening."},
        important_member_ids=[personas.family_place.pk],
    )
    assert list(version.important_members.all()) == [personas.family_place]
    someone_elses = personas.neighbour.circle.get()
    with pytest.raises(ValidationError) as refused:
        about_me_write(
            actor=personas.carer,
            person_id=personas.person.pk,
            sections={},
            important_member_ids=[someone_elses.pk],
        )
    assert "important_members" in refused.value.message_dict


@pytest.mark.parametrize("who", ["family", "professional", "other_carer", "outsider"])
def test_only_the_team_and_the_person_write_it(personas, who):
    with pytest.raises(Http404):
        write(personas, personas.all_users()[who], called="Someone else's words")
    assert personas.person.about_me_versions.count() == 1


# Who reads it --------------------------------------------------------------------------------


def _reads(personas, who) -> bool:
    access = person_access(personas.all_users()[who], personas.person.pk)
    return access is not None and about_me_current(access) is not None


@pytest.mark.parametrize(
    ("who", "reads"),
    [
        ("carer", True),
        ("person_user", True),
        ("family", True),
        # A visiting professional reads it only when the person chooses so.
        ("professional", False),
        ("other_carer", False),
        ("outsider", False),
    ],
)
def test_who_reads_it_as_usual(personas, who, reads):
    assert _reads(personas, who) is reads


def _choose(personas, place, sees_about_me):
    circle_member_sharing_update(
        actor=personas.person_user,
        circle_member_id=place.pk,
        kinds=place.note_kinds,
        sees_about_me=sees_about_me,
    )


def test_the_person_lets_their_district_nurse_read_it_and_stops_their_daughter(personas):
    _choose(personas, personas.professional_place, True)
    _choose(personas, personas.family_place, False)
    assert _reads(personas, "professional") is True
    assert _reads(personas, "family") is False
    _choose(personas, personas.family_place, None)
    assert _reads(personas, "family") is True


def test_the_team_records_how_the_person_agreed_when_it_chooses_for_them(personas):
    with pytest.raises(ValidationError):
        circle_member_sharing_update(
            actor=personas.carer,
            circle_member_id=personas.professional_place.pk,
            kinds=None,
            sees_about_me=True,
        )
    assert _reads(personas, "professional") is False
    circle_member_sharing_update(
        actor=personas.carer,
        circle_member_id=personas.professional_place.pk,
        kinds=None,
        sees_about_me=True,
        agreement=Agreement(by="Jean", how="said so at a visit", at=MORNING),
    )
    assert _reads(personas, "professional") is True
    change = personas.person.sharing_changes.first()
    assert change.choices["sees_about_me"] is True


def test_leaving_the_about_me_choice_out_keeps_it(personas):
    _choose(personas, personas.professional_place, True)
    circle_member_sharing_update(
        actor=personas.person_user, circle_member_id=personas.professional_place.pk, kinds=["visit"]
    )
    personas.professional_place.refresh_from_db()
    assert personas.professional_place.sees_about_me is True


@pytest.mark.parametrize("who", ["carer", "person_user"])
def test_the_team_and_the_person_read_every_version_newest_first(personas, who):
    write(personas, called="Jean")
    write(personas, called="Jeannie")
    history = about_me_history(person_access_or_404(personas.all_users()[who], personas.person.pk))
    assert [v.number for v in history] == [3, 2, 1]
    assert history[0].sections[0].text == "Jeannie"
    assert history[0].written_by_name == "Angela Carer"
    assert history[-1].carried_over


def test_the_circle_reads_the_current_version_only(personas):
    _choose(personas, personas.professional_place, True)
    for who in ("family", "professional"):
        with pytest.raises(Http404):
            about_me_history(person_access_or_404(personas.all_users()[who], personas.person.pk))


def test_the_person_reads_headings_spoken_to_them(personas):
    own_access = person_access(personas.person_user, personas.person.pk)
    their_access = person_access(personas.family, personas.person.pk)
    assert own_access is not None and their_access is not None
    own = about_me_current(own_access)
    theirs = about_me_current(their_access)
    assert own is not None and theirs is not None
    assert own.sections[0].heading == "What you like to be called"
    assert theirs.sections[0].heading == "What they like to be called"

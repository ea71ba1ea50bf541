import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.http import Http404

from families import services as family_services
from families.models import NoteOutcome
from families.services.about_me import about_me_write
from teams.directory import selectors, services
from teams.directory.access import entry_access
from teams.models import Connection, ConnectionMoment, DirectoryEntry, EntryChange, ProviderCheck
from teams.tests.directory_helpers import entry, same_organisation

pytestmark = pytest.mark.django_db


def test_a_team_member_adds_an_entry_with_its_history(personas):
    choir = entry(personas)
    assert choir.team == personas.team
    assert choir.is_confirmed
    assert choir.postcode == "LS6 2AB"
    assert list(choir.changes.values_list("action", flat=True)) == [EntryChange.Action.ADDED]


def test_postcodes_are_kept_in_one_form_and_nonsense_is_refused(personas):
    assert entry(personas, name="A", postcode=" ls6   2ab").postcode == "LS6 2AB"
    assert entry(personas, name="B", postcode="ls6").postcode == "LS6"
    with pytest.raises(ValidationError) as caught:
        entry(personas, name="C", postcode="not a postcode")
    assert "postcode" in caught.value.message_dict


def test_someone_outside_the_team_cannot_add(personas):
    for who in (personas.other_carer, personas.family, personas.outsider):
        with pytest.raises(Http404):
            services.entry_create(actor=who, team_id=personas.team.pk, kind="group", name="X")


def test_a_duplicate_name_is_warned_about_unless_agreed(personas):
    entry(personas, name="Riverside memory café")
    with pytest.raises(ValidationError) as caught:
        entry(personas, name="  the riverside MEMORY café ")
    assert caught.value.error_dict["name"][0].code == "duplicate"
    second = services.entry_create(
        actor=personas.carer,
        team_id=personas.team.pk,
        kind="group",
        name="Riverside Memory Café",
        duplicate_ok=True,
    )
    assert second.pk


def test_an_edit_keeps_each_field_before_and_after(personas):
    choir = entry(personas)
    services.entry_update(
        actor=personas.carer, entry_id=choir.pk, when_text="Fridays, 2 pm", cost="£2"
    )
    change = choir.changes.first()
    assert change is not None
    assert change.action == EntryChange.Action.EDITED
    assert change.fields == {
        "when_text": ["Thursdays, 2 to 4 pm", "Fridays, 2 pm"],
        "cost": ["", "£2"],
    }
    assert change.actor == personas.carer


def test_another_team_cannot_edit_even_a_shared_entry(personas):
    same_organisation(personas)
    choir = entry(personas, shared=True)
    with pytest.raises(Http404):
        services.entry_update(actor=personas.other_carer, entry_id=choir.pk, cost="£5")


def test_a_circle_suggestion_is_seen_by_the_team_only_until_confirmed(personas):
    suggestion = services.entry_suggest(
        actor=personas.family, person_id=personas.person.pk, kind="group", name="Knit and natter"
    )
    assert suggestion.status == DirectoryEntry.Status.SUGGESTED
    assert entry_access(personas.family, suggestion.pk) is None
    assert entry_access(personas.person_user, suggestion.pk) is None
    carer_access = entry_access(personas.carer, suggestion.pk)
    assert carer_access is not None and carer_access.is_team
    services.entry_confirm(actor=personas.carer, entry_id=suggestion.pk)
    # Confirmed, it is linked to Jean, so her family sees it now.
    assert Connection.objects.filter(person=personas.person, entry=suggestion).exists()
    assert entry_access(personas.family, suggestion.pk) is not None


def test_only_the_team_confirms(personas):
    suggestion = services.entry_suggest(
        actor=personas.family, person_id=personas.person.pk, kind="group", name="Knit and natter"
    )
    for who in (personas.family, personas.other_carer):
        with pytest.raises(Http404):
            services.entry_confirm(actor=who, entry_id=suggestion.pk)


@time_machine.travel(dt.datetime(2027, 3, 10, 12, tzinfo=dt.UTC), tick=False)
def test_a_check_over_12_months_old_needs_a_check(personas):
    provider = entry(personas, name="Dave's gardening round", kind="micro_provider")
    assert selectors.needs_a_check(provider)  # nothing written down yet
    services.check_confirm(
        actor=personas.carer, entry_id=provider.pk, kind="dbs", last_confirmed=dt.date(2026, 3, 9)
    )
    services.check_confirm(
        actor=personas.carer,
        entry_id=provider.pk,
        kind="insurance",
        last_confirmed=dt.date(2026, 3, 10),
    )
    provider = DirectoryEntry.objects.get(pk=provider.pk)
    assert selectors.checks_due(provider) == ["dbs"]
    assert selectors.needs_a_check(provider)
    services.check_confirm(
        actor=personas.carer, entry_id=provider.pk, kind="dbs", last_confirmed=dt.date(2027, 3, 1)
    )
    provider = DirectoryEntry.objects.get(pk=provider.pk)
    assert not selectors.needs_a_check(provider)
    assert ProviderCheck.objects.filter(entry=provider).count() == 2


@time_machine.travel(dt.datetime(2027, 3, 10, 12, tzinfo=dt.UTC), tick=False)
def test_a_check_cannot_be_confirmed_in_the_future_or_for_a_group(personas):
    provider = entry(personas, name="Dave's gardening round", kind="micro_provider")
    with pytest.raises(ValidationError):
        services.check_confirm(
            actor=personas.carer,
            entry_id=provider.pk,
            kind="dbs",
            last_confirmed=dt.date(2027, 3, 11),
        )
    with pytest.raises(ValidationError):
        services.check_confirm(
            actor=personas.carer,
            entry_id=entry(personas).pk,
            kind="dbs",
            last_confirmed=dt.date(2027, 3, 1),
        )


def test_a_connection_ties_an_entry_to_an_interest_and_a_goal(personas):
    choir = entry(personas)
    goal = family_services.outcome_create(
        actor=personas.carer, person_id=personas.person.pk, title="Go back to the choir"
    )
    connection = services.connection_create(
        actor=personas.carer,
        person_id=personas.person.pk,
        entry_id=choir.pk,
        interest="singing",
        outcome_id=goal.pk,
    )
    assert (connection.interest, connection.outcome) == ("singing", goal)
    with pytest.raises(ValidationError):
        services.connection_create(
            actor=personas.carer, person_id=personas.person.pk, entry_id=choir.pk
        )


def test_a_connection_refuses_another_persons_goal_and_a_suggestion(personas):
    neighbours_goal = family_services.outcome_create(
        actor=personas.carer, person_id=personas.neighbour.pk, title="Walk"
    )
    with pytest.raises(ValidationError):
        services.connection_create(
            actor=personas.carer,
            person_id=personas.person.pk,
            entry_id=entry(personas).pk,
            outcome_id=neighbours_goal.pk,
        )
    suggestion = services.entry_suggest(
        actor=personas.family, person_id=personas.person.pk, kind="group", name="Knit"
    )
    with pytest.raises(ValidationError):
        services.connection_create(
            actor=personas.carer, person_id=personas.person.pk, entry_id=suggestion.pk
        )


def test_only_the_persons_team_links_them(personas):
    choir = entry(personas)
    for who in (personas.family, personas.person_user, personas.other_carer):
        with pytest.raises(Http404):
            services.connection_create(actor=who, person_id=personas.person.pk, entry_id=choir.pk)


def test_a_shared_entry_can_be_linked_by_the_organisations_other_team(personas):
    same_organisation(personas)
    choir = entry(personas, shared=True)
    olive = personas.other_team.people.get()
    connection = services.connection_create(
        actor=personas.other_carer, person_id=olive.pk, entry_id=choir.pk
    )
    assert connection.person == olive
    # Riverside never sees Hilltop's person on its own entry.
    riverside = entry_access(personas.carer, choir.pk)
    assert riverside is not None
    assert selectors.entry_people(riverside) == []


def test_a_moment_says_which_connection_and_marks_the_goal(personas):
    choir = entry(personas)
    goal = family_services.outcome_create(
        actor=personas.carer, person_id=personas.person.pk, title="Go back to the choir"
    )
    connection = services.connection_create(
        actor=personas.carer, person_id=personas.person.pk, entry_id=choir.pk, outcome_id=goal.pk
    )
    note = services.moment_create(
        actor=personas.family, connection_id=connection.pk, body="Mum sang at the choir today."
    )
    assert ConnectionMoment.objects.get(note=note).connection == connection
    assert NoteOutcome.objects.filter(note=note, outcome=goal).exists()
    assert note.kind == "moment"


def test_nobody_outside_writes_a_moment(personas):
    choir = entry(personas)
    connection = services.connection_create(
        actor=personas.carer, person_id=personas.person.pk, entry_id=choir.pk
    )
    for who in (personas.other_carer, personas.outsider):
        with pytest.raises(Http404):
            services.moment_create(actor=who, connection_id=connection.pk, body="Hello")


def test_suggestions_say_why_and_never_offer_an_unconfirmed_entry(personas):
    from families.access import person_access

    about_me_write(
        actor=personas.carer,
        person_id=personas.person.pk,
        sections={"what_matters": "Singing with friends."},
    )
    family_services.outcome_create(
        actor=personas.carer, person_id=personas.person.pk, title="Get out into the garden"
    )
    already = entry(personas, name="Bowls", keywords="bowls", what="", postcode="LS6 1AA")
    services.connection_create(
        actor=personas.carer, person_id=personas.person.pk, entry_id=already.pk
    )
    entry(personas)  # the choir: singing, LS6
    entry(personas, name="Garden club", what="", keywords="garden", postcode="BD1 1AA")
    entry(personas, name="Chess", what="", keywords="chess", postcode="LS6 2AA")
    services.entry_suggest(
        actor=personas.family, person_id=personas.person.pk, name="Singing for the brain"
    )
    team_access = person_access(personas.carer, personas.person.pk)
    family_access = person_access(personas.family, personas.person.pk)
    assert team_access is not None and family_access is not None
    found = selectors.person_suggestions(team_access)
    assert [s.entry.name for s in found] == ["St Mary's community choir", "Garden club"]
    choir, garden = found
    assert (choir.interests, choir.goals, choir.near) == (["singing"], [], "LS6")
    assert (garden.interests, garden.goals, garden.near) == ([], ["Get out into the garden"], "")
    # Suggestions are for the team to think with; the family sees the connections themselves.
    assert selectors.person_suggestions(family_access) == []

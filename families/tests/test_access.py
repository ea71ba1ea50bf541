import pytest
from django.http import Http404

from families import access
from families.access import Audience, Role


def test_a_carer_sees_everyone_their_team_supports(personas):
    names = set(access.visible_people(personas.carer).values_list("full_name", flat=True))
    assert names == {"Jean Margaret Person", "Neville Neighbour"}


def test_a_family_member_sees_only_the_person_whose_circle_they_are_in(personas):
    assert list(access.visible_people(personas.family)) == [personas.person]


def test_the_person_sees_their_own_record(personas):
    assert list(access.visible_people(personas.person_user)) == [personas.person]


@pytest.mark.parametrize("who", ["other_carer", "outsider"])
def test_strangers_see_nobody(personas, who):
    user = personas.all_users()[who]
    assert access.person_access(user, personas.person.pk) is None
    assert personas.person not in access.visible_people(user)


def test_signed_out_sees_nobody(personas):
    from django.contrib.auth.models import AnonymousUser

    assert access.person_access(AnonymousUser(), personas.person.pk) is None
    assert not access.visible_people(AnonymousUser()).exists()


def test_a_deactivated_account_sees_nobody(personas):
    personas.carer.is_active = False
    assert access.person_access(personas.carer, personas.person.pk) is None


@pytest.mark.parametrize(
    ("who", "role", "audiences"),
    [
        ("carer", Role.TEAM, {Audience.TEAM, Audience.CIRCLE}),
        ("person_user", Role.SELF, {Audience.CIRCLE}),
        ("family", Role.CIRCLE, {Audience.CIRCLE}),
        ("professional", Role.CIRCLE, {Audience.CIRCLE}),
    ],
)
def test_each_role_gets_its_audiences(personas, who, role, audiences):
    found = access.person_access(personas.all_users()[who], personas.person.pk)
    assert found is not None
    assert found.role is role
    assert found.audiences == audiences


def test_team_only_items_never_reach_the_circle(personas):
    for who in ("family", "professional", "person_user"):
        found = access.person_access(personas.all_users()[who], personas.person.pk)
        assert found is not None
        assert Audience.TEAM not in found.audiences


def test_leaving_the_team_ends_access_at_once(personas):
    from teams.services import membership_leave

    membership_leave(membership=personas.carer.memberships.get())
    assert access.person_access(personas.carer, personas.person.pk) is None


def test_removal_from_the_circle_ends_access_at_once(personas):
    from families.services import circle_member_remove

    circle_member_remove(actor=personas.carer, circle_member_id=personas.family_place.pk)
    assert access.person_access(personas.family, personas.person.pk) is None


def test_forbidden_and_missing_look_the_same(personas):
    with pytest.raises(Http404) as forbidden:
        access.person_access_or_404(personas.outsider, personas.person.pk)
    with pytest.raises(Http404) as missing:
        access.person_access_or_404(personas.outsider, 999_999)
    assert str(forbidden.value) == str(missing.value)


@pytest.mark.parametrize("bad_id", ["abc", "", None, "1; drop table"])
def test_nonsense_ids_are_simply_not_found(personas, bad_id):
    assert access.person_access(personas.carer, bad_id) is None


def test_person_access_costs_one_query(personas, django_assert_num_queries):
    with django_assert_num_queries(1):
        found = access.person_access(personas.carer, personas.person.pk)
        assert found is not None
        assert found.person.team.name
        assert found.person.coordinator is not None
        assert found.person.coordinator.display_name


def test_team_pages_are_for_current_members_only(personas):
    assert access.team_access_or_404(personas.carer, personas.team.pk) == personas.team
    for who in ("other_carer", "family", "professional", "person_user", "outsider"):
        with pytest.raises(Http404):
            access.team_access_or_404(personas.all_users()[who], personas.team.pk)


def test_visible_users_are_the_people_around_those_you_see(personas):
    family_sees = set(access.visible_users(personas.family))
    assert {
        personas.carer,
        personas.family,
        personas.professional,
        personas.person_user,
    } <= family_sees
    assert personas.other_carer not in family_sees
    assert personas.outsider not in family_sees
    assert set(access.visible_users(personas.outsider)) == {personas.outsider}

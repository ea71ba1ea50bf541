"""Shared fixtures: the personas every access test walks through."""

import os
from dataclasses import dataclass

import pytest

from core.models import User
from core.tests.factories import (
    CircleMemberFactory,
    MembershipFactory,
    PersonFactory,
    TeamFactory,
    UserFactory,
)
from families.models import CircleMember, Person
from teams.models import Team

IN_CI = os.environ.get("CI", "").lower() == "true"


@pytest.fixture(autouse=True)
def _fast_passwords_and_private_media(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"


@dataclass
class Personas:
    team: Team
    other_team: Team
    person: Person  # supported by `team`; everyone below is defined relative to them
    neighbour: Person  # also supported by `team`, with a circle of their own
    carer: User
    other_carer: User  # a carer in another team
    family: User  # in the person's circle
    professional: User  # a district nurse in the person's circle
    person_user: User  # the person themself
    outsider: User  # signed in, connected to nobody
    family_place: CircleMember
    professional_place: CircleMember

    def all_users(self) -> dict[str, User]:
        return {
            "carer": self.carer,
            "other_carer": self.other_carer,
            "family": self.family,
            "professional": self.professional,
            "person_user": self.person_user,
            "outsider": self.outsider,
        }


@pytest.fixture
def personas(db) -> Personas:
    team = TeamFactory(name="Riverside neighbourhood team")
    other_team = TeamFactory(name="Hilltop neighbourhood team")
    carer = UserFactory(email="angela@example.org", display_name="Angela Carer")
    MembershipFactory(team=team, user=carer)
    other_carer = UserFactory(email="omar@example.org", display_name="Omar Othercarer")
    MembershipFactory(team=other_team, user=other_carer)
    person_user = UserFactory(email="jean@example.org", display_name="Jean Person")
    person = PersonFactory(
        team=team,
        full_name="Jean Margaret Person",
        preferred_name="Jean",
        user=person_user,
        coordinator=carer,
    )
    neighbour = PersonFactory(team=team, full_name="Neville Neighbour")
    family = UserFactory(email="sarah@example.org", display_name="Sarah Daughter")
    family_place = CircleMemberFactory(person=person, user=family, relationship="daughter")
    professional = UserFactory(email="nina@example.org", display_name="Nina Nurse")
    professional_place = CircleMemberFactory(
        person=person,
        user=professional,
        kind=CircleMember.Kind.PROFESSIONAL,
        relationship="district nurse",
    )
    CircleMemberFactory(person=neighbour, relationship="son")
    PersonFactory(team=other_team, full_name="Olive Otherteam")
    outsider = UserFactory(email="olly@example.org", display_name="Olly Outsider")
    return Personas(
        team=team,
        other_team=other_team,
        person=person,
        neighbour=neighbour,
        carer=carer,
        other_carer=other_carer,
        family=family,
        professional=professional,
        person_user=person_user,
        outsider=outsider,
        family_place=family_place,
        professional_place=professional_place,
    )

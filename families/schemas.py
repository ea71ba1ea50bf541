"""What the API says about people and their circles.

Objects are built field by field from what the selectors hand over: nothing reaches a
response because a model happens to have it.
"""

from datetime import datetime

from ninja import Schema

from core import links
from core.schemas import TeamBriefOut, UserBriefOut, photo_url, user_brief
from families.access import PersonAccess, Role
from families.models import CircleMember, Person
from families.selectors import circle_member_view


def person_photo_url(person: Person) -> str | None:
    return photo_url(links.PERSON_PHOTO, person.pk, person.photo)


def circle_photo_url(member: CircleMember) -> str | None:
    return photo_url(links.CIRCLE_PHOTO, member.pk, member.photo)


class PersonListItemOut(Schema):
    id: int
    name: str
    full_name: str
    pronouns: str
    photo_url: str | None
    team: TeamBriefOut
    my_role: Role
    coordinator: UserBriefOut | None


class PersonOut(Schema):
    id: int
    name: str
    full_name: str
    preferred_name: str
    pronouns: str
    photo_url: str | None
    # Kept for apps written before About Me (GET .../about-me has every section): a little
    # about them, what matters, their routines and how best to support them. Empty for a
    # reader the person has not shared About Me with.
    about_me: str
    what_matters: str
    how_to_support: str
    team: TeamBriefOut
    coordinator: UserBriefOut | None
    support_ended_at: datetime | None
    my_role: Role
    can_edit: bool
    can_manage_circle: bool


class CircleMemberOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    relationship: str
    photo_url: str | None
    has_account: bool
    # The team's working data: null for everyone else.
    phone: str | None
    email: str | None


class CircleOut(Schema):
    person_id: int
    coordinator: UserBriefOut | None
    carers: list[UserBriefOut]
    family_and_friends: list[CircleMemberOut]
    professionals: list[CircleMemberOut]


def person_list_item(person: Person, role: Role) -> PersonListItemOut:
    return PersonListItemOut(
        id=person.pk,
        name=person.name,
        full_name=person.full_name,
        pronouns=person.pronouns,
        photo_url=person_photo_url(person),
        team=TeamBriefOut(id=person.team_id, name=person.team.name),
        my_role=role,
        coordinator=user_brief(person.coordinator) if person.coordinator else None,
    )


def person_profile(access: PersonAccess) -> PersonOut:
    person = access.person
    words = person.about_me if access.may_see_about_me else None
    return PersonOut(
        id=person.pk,
        name=person.name,
        full_name=person.full_name,
        preferred_name=person.preferred_name,
        pronouns=person.pronouns,
        photo_url=person_photo_url(person),
        about_me=words.story if words else "",
        what_matters=words.what_matters if words else "",
        how_to_support=words.routines if words else "",
        team=TeamBriefOut(id=person.team_id, name=person.team.name),
        coordinator=user_brief(person.coordinator) if person.coordinator else None,
        support_ended_at=person.support_ended_at,
        my_role=access.role,
        can_edit=access.can_edit_profile,
        can_manage_circle=access.can_manage_circle,
    )


def circle_member(member: CircleMember, access: PersonAccess) -> CircleMemberOut:
    # Built from the one projection the page and the copy of the record use too.
    return CircleMemberOut(**circle_member_view(member, access), photo_url=circle_photo_url(member))

"""What the API says about teams: who is in them and whom they support."""

from ninja import Schema

from core.schemas import user_photo_url
from teams.models import Membership


class MemberOut(Schema):
    id: int
    display_name: str
    role_label: str
    photo_url: str | None


class TeamOut(Schema):
    id: int
    name: str
    area: str
    members: list[MemberOut]


class SupportedPersonOut(Schema):
    id: int
    name: str


class TeamDetailOut(TeamOut):
    people: list[SupportedPersonOut]


def member(membership: Membership) -> MemberOut:
    user = membership.user
    return MemberOut(
        id=user.pk,
        display_name=user.display_name,
        role_label=membership.role_label,
        photo_url=user_photo_url(user),
    )

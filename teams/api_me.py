"""/api/v1/me: the signed-in account, as the people around them see it (with their teams)."""

from ninja import Field, Router, Schema

from core.models import User
from core.requests import SignedInRequest
from core.schemas import ERRORS, PartialUpdateSchema, user_photo_url
from core.services import user_update_profile
from teams.selectors import memberships_for_user

router = Router(tags=["me"])


class MyTeamOut(Schema):
    id: int
    name: str
    role_label: str


class MeOut(Schema):
    id: int
    email: str
    display_name: str
    phone: str
    language: str
    photo_url: str | None
    teams: list[MyTeamOut]


class MeUpdateIn(PartialUpdateSchema):
    # Lengths and allowed languages are the service's to check, so they are said once.
    display_name: str | None = None
    phone: str | None = None
    language: str | None = Field(default=None, min_length=1)


def _me(user: User) -> MeOut:
    return MeOut(
        id=user.pk,
        email=user.email,
        display_name=user.display_name,
        phone=user.phone,
        language=user.language,
        photo_url=user_photo_url(user),
        teams=[
            MyTeamOut(id=m.team_id, name=m.team.name, role_label=m.role_label)
            for m in memberships_for_user(user)
        ],
    )


@router.get("", response={200: MeOut, **ERRORS}, summary="My account")
def me(request: SignedInRequest) -> MeOut:
    return _me(request.user)


@router.patch("", response={200: MeOut, **ERRORS}, summary="Change my name, phone or language")
def me_update(request: SignedInRequest, payload: MeUpdateIn) -> MeOut:
    user = request.user
    given = payload.model_fields_set
    user_update_profile(
        user=user,
        # A key that was sent is never null (PartialUpdateSchema refuses nulls).
        display_name=user.display_name if payload.display_name is None else payload.display_name,
        phone=user.phone if payload.phone is None else payload.phone,
        language=payload.language if "language" in given else None,
    )
    return _me(user)

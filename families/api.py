"""/api/v1/people: the people a user may see, their profiles and who is around them."""

from ninja import Router

from core.audit import ReadChannel, record_read
from core.requests import SignedInRequest
from core.schemas import ERRORS, user_brief
from families.access import Role, person_access_or_404
from families.schemas import (
    CircleOut,
    PersonListItemOut,
    PersonOut,
    circle_member,
    person_list_item,
    person_profile,
)
from families.selectors import people_for_user, whos_who

router = Router(tags=["people"])


@router.get("", response={200: list[PersonListItemOut], **ERRORS}, summary="People I may see")
def people_list(request: SignedInRequest) -> list[PersonListItemOut]:
    mine = people_for_user(request.user)
    found = [person_list_item(p, Role.TEAM) for p in mine.supported_by_my_team]
    if mine.my_own_record is not None:
        found.append(person_list_item(mine.my_own_record, Role.SELF))
    found += [person_list_item(p, Role.CIRCLE) for p in mine.in_my_circles]
    return sorted(found, key=lambda p: (p.name.casefold(), p.id))


@router.get("/{id:person_id}", response={200: PersonOut, **ERRORS}, summary="One person")
def person_detail(request: SignedInRequest, person_id: int) -> PersonOut:
    access = person_access_or_404(request.user, person_id)
    record_read(reader=request.user, access=access, channel=ReadChannel.API)
    return person_profile(access)


@router.get(
    "/{id:person_id}/circle",
    response={200: CircleOut, **ERRORS},
    summary="Who is around a person",
)
def person_circle(request: SignedInRequest, person_id: int) -> CircleOut:
    access = person_access_or_404(request.user, person_id)
    record_read(reader=request.user, access=access, channel=ReadChannel.API)
    found = whos_who(access)
    return CircleOut(
        person_id=access.person.pk,
        coordinator=user_brief(found.coordinator) if found.coordinator else None,
        carers=[user_brief(u) for u in found.carers],
        family_and_friends=[circle_member(m, access) for m in found.family_and_friends],
        professionals=[circle_member(m, access) for m in found.professionals],
    )

"""/api/v1/people/{person_id}/about-me: the person's About Me for apps.

The same access layer, reads and service as the pages: someone the person has not shared it
with is answered 404, exactly like a person who does not exist.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import Router, Schema

from core.audit import ReadChannel, record_read
from core.requests import SignedInRequest
from core.schemas import ERRORS, Id, InputSchema
from families.about_me import AboutMeView, about_me_current, about_me_history
from families.about_me_models import SECTIONS
from families.access import PersonAccess, Role, person_access_or_404
from families.services.about_me import about_me_write

router = Router(tags=["about me"])


class AboutMeSectionOut(Schema):
    key: str
    heading: str
    text: str


class ImportantPersonOut(Schema):
    circle_member_id: int
    name: str
    relationship: str


class AboutMeOut(Schema):
    person_id: int
    # None until someone writes it.
    version: int | None
    sections: list[AboutMeSectionOut]
    important_people: list[ImportantPersonOut]
    written_by: str
    written_with: str
    # The language the sections are written in ("en", "cy"); "" until someone writes them.
    language: str
    written_at: datetime | None
    carried_over: bool
    can_edit: bool


class AboutMeIn(InputSchema):
    """The whole About Me: a section left out is written empty."""

    sections: dict[str, str]
    important_member_ids: list[Id] = []
    written_with: str = ""
    # The language the sections are written in ("en" or "cy"); left out, the writer's own.
    language: str | None = None


def _out(access: PersonAccess, view: AboutMeView | None) -> AboutMeOut:
    if view is None:
        own = access.role is Role.SELF
        pairs = [(s.key, str(s.about_you if own else s.about_them), "") for s in SECTIONS]
    else:
        pairs = [(s.key, s.heading, s.text) for s in view.sections]
    sections = [AboutMeSectionOut(key=k, heading=h, text=t) for k, h, t in pairs]
    return AboutMeOut(
        person_id=access.person.pk,
        version=view.number if view else None,
        sections=sections,
        important_people=[
            ImportantPersonOut(circle_member_id=m.pk, name=m.name, relationship=m.relationship)
            for m in (view.important_members if view else [])
        ],
        written_by=view.written_by_name if view else "",
        written_with=view.written_with if view else "",
        language=view.language if view else "",
        written_at=view.written_at if view else None,
        carried_over=view.carried_over if view else False,
        can_edit=access.can_edit_profile,
    )


def _readable(request: SignedInRequest, person_id: int) -> PersonAccess:
    access = person_access_or_404(request.user, person_id)
    if not access.may_see_about_me:
        raise Http404
    record_read(reader=request.user, access=access, channel=ReadChannel.API)
    return access


@router.get(
    "/{id:person_id}/about-me",
    response={200: AboutMeOut, **ERRORS},
    summary="A person's About Me, in their own words",
)
def about_me_get(request: SignedInRequest, person_id: int) -> AboutMeOut:
    access = _readable(request, person_id)
    return _out(access, about_me_current(access))


@router.put(
    "/{id:person_id}/about-me",
    response={200: AboutMeOut, **ERRORS},
    summary="Write a new version of About Me (the one before is kept)",
)
def about_me_put(request: SignedInRequest, person_id: int, payload: AboutMeIn) -> AboutMeOut:
    try:
        about_me_write(
            actor=request.user,
            person_id=person_id,
            sections=payload.sections,
            important_member_ids=payload.important_member_ids,
            written_with=payload.written_with,
            language=payload.language,
        )
    except ValidationError as error:
        # The first problem, which names its section, is the answer's message too.
        found = error.message_dict if hasattr(error, "error_dict") else {}
        first = next(iter(found.values()), error.messages)[0]
        raise ValidationError({**found, "__all__": [first]}) from error
    access = person_access_or_404(request.user, person_id)
    return _out(access, about_me_current(access))


@router.get(
    "/{id:person_id}/about-me/versions",
    response={200: list[AboutMeOut], **ERRORS},
    summary="Every version of About Me, newest first (the team and the person)",
)
def about_me_versions(request: SignedInRequest, person_id: int) -> list[AboutMeOut]:
    access = _readable(request, person_id)
    return [_out(access, view) for view in about_me_history(access)]

"""/api/v1/rota: visits, claims, offers and swaps, availability. For current team members only.

Thin: every read is a teams.rota selector, every write a teams.rota service, so the API and
the pages refuse exactly the same things with the same words. A claim that lost a race
answers 409 ``taken`` saying who got the visit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.http import Http404
from ninja import Field, Router, Schema, Status

from core.requests import SignedInRequest
from core.schemas import ERRORS, Day, ErrorOut, Id, InputSchema, UserBriefOut, user_brief
from families.access import team_access_or_404
from teams.models import Availability, Offer, Visit
from teams.rota import selectors, services
from teams.rota.clock import local_today
from teams.rota.warnings import visit_warnings

router = Router(tags=["rota"])
CLAIM_ANSWERS = {**ERRORS, 409: ErrorOut}


class WarningOut(Schema):
    code: str
    message: str


class VisitOut(Schema):
    id: int
    team_id: int
    person_id: int
    person_name: str
    date: dt.date
    window_label: str
    window_start: dt.time
    window_end: dt.time
    exact_time: dt.time | None
    minutes: int
    purpose: str
    status: str
    carers: list[UserBriefOut]
    pattern_id: int | None
    checked_in_at: dt.datetime | None
    warnings: list[WarningOut] = Field(default_factory=list)


class VisitIn(InputSchema):
    person_id: Id
    date: Day
    window_label: str = Field("", max_length=60)
    window_start: dt.time
    window_end: dt.time
    exact_time: dt.time | None = None
    minutes: int
    purpose: str = Field(..., max_length=2000)
    carer_ids: list[Id] = Field(default_factory=list, max_length=2)


class PatternIn(InputSchema):
    person_id: Id
    rule: str = Field(..., max_length=200, description='An RRULE, e.g. "FREQ=WEEKLY;BYDAY=MO,WE"')
    starts_on: Day
    ends_on: Day | None = None
    window_label: str = Field("", max_length=60)
    window_start: dt.time
    window_end: dt.time
    exact_time: dt.time | None = None
    minutes: int
    purpose: str = Field(..., max_length=2000)
    carer_id: Id | None = None


class PatternOut(Schema):
    id: int
    person_id: int
    rule: str
    starts_on: dt.date
    ends_on: dt.date | None


class MoveIn(InputSchema):
    date: Day
    window_label: str | None = Field(None, max_length=60)
    window_start: dt.time
    window_end: dt.time
    exact_time: dt.time | None = None


class OfferIn(InputSchema):
    to_user_id: Id | None = None
    note: str = Field("", max_length=200)


class OfferOut(Schema):
    id: int
    visit_id: int
    from_user: UserBriefOut
    to_user: UserBriefOut | None
    note: str
    status: str


class AvailabilityIn(InputSchema):
    kind: str = Field(..., description='"can" or "cannot"')
    date: Day | None = None
    weekday: int | None = Field(None, description="0 is Monday")
    start_time: dt.time | None = None
    end_time: dt.time | None = None
    starts_on: Day | None = None
    ends_on: Day | None = None
    reason: str = Field("", max_length=200)


class AvailabilityOut(Schema):
    id: int
    user: UserBriefOut
    kind: str
    date: dt.date | None
    weekday: int | None
    start_time: dt.time | None
    end_time: dt.time | None
    reason: str


def visit_out(visit: Visit, *, warnings: list | None = None) -> VisitOut:
    return VisitOut(
        id=visit.pk,
        team_id=visit.team_id,
        person_id=visit.person_id,
        person_name=visit.person.name,
        date=visit.date,
        window_label=visit.window_label,
        window_start=visit.window_start,
        window_end=visit.window_end,
        exact_time=visit.exact_time,
        minutes=visit.minutes,
        purpose=visit.purpose,
        status=visit.status,
        carers=[user_brief(u) for u in (visit.carer, visit.second_carer) if u is not None],
        pattern_id=visit.pattern_id,
        checked_in_at=visit.checked_in_at,
        warnings=[WarningOut(code=w.code, message=w.message) for w in warnings or []],
    )


def offer_out(offer: Offer) -> OfferOut:
    return OfferOut(
        id=offer.pk,
        visit_id=offer.visit_id,
        from_user=user_brief(offer.from_user),
        to_user=user_brief(offer.to_user) if offer.to_user else None,
        note=offer.note,
        status=offer.status,
    )


def _taken(error: services.AlreadyTaken) -> Status[dict]:
    return Status(409, {"code": "taken", "message": error.messages[0], "fields": {}})


def _take(request: SignedInRequest, take: Callable[[], Visit]) -> VisitOut | Status[dict]:
    """A visit this carer just took, with what they should know; or who got there first."""
    try:
        visit = take()
    except services.AlreadyTaken as error:
        return _taken(error)
    visit = _visit(request, visit.pk)
    return visit_out(visit, warnings=visit_warnings(visit, carer=request.user))


def _visit(request: SignedInRequest, visit_id: int) -> Visit:
    visit = selectors.visit_for_member(request.user, visit_id)
    if visit is None:
        raise Http404
    return visit


# Reads ------------------------------------------------------------------------------------------


@router.get("/mine", response={200: list[VisitOut], **ERRORS}, summary="My visits")
def my_visits(request: SignedInRequest, start: Day | None = None, days: int = 7) -> list[VisitOut]:
    days = max(1, min(days, 62))
    visits = selectors.my_week(request.user, start=start or local_today(), days=days)
    return [visit_out(v) for v in visits]


@router.get(
    "/teams/{id:team_id}/visits",
    response={200: list[VisitOut], **ERRORS},
    summary="A team's visits for a week",
)
def team_visits(request: SignedInRequest, team_id: int, start: Day | None = None) -> list[VisitOut]:
    team = team_access_or_404(request.user, team_id)
    grid = selectors.team_week(team, start=start or local_today())
    people = {row.person.pk: row.person for row in grid.rows}
    found = []
    for row in grid.rows:
        for _day, cell in row.cells:
            for visit in cell:
                visit.person = people[visit.person_id]
                found.append(visit_out(visit))
    return sorted(found, key=lambda v: (v.date, v.window_start, v.id))


@router.get(
    "/teams/{id:team_id}/open",
    response={200: list[VisitOut], **ERRORS},
    summary="Visits nobody has taken yet",
)
def team_open_visits(request: SignedInRequest, team_id: int) -> list[VisitOut]:
    team = team_access_or_404(request.user, team_id)
    return [visit_out(v) for v in selectors.open_visits(team, today=local_today())]


@router.get(
    "/teams/{id:team_id}/offers",
    response={200: list[OfferOut], **ERRORS},
    summary="Visits colleagues are offering",
)
def team_offers(request: SignedInRequest, team_id: int) -> list[OfferOut]:
    team = team_access_or_404(request.user, team_id)
    return [offer_out(o) for o in selectors.open_offers(team, today=local_today())]


@router.get("/visits/{id:visit_id}", response={200: VisitOut, **ERRORS}, summary="One visit")
def visit_detail(request: SignedInRequest, visit_id: int) -> VisitOut:
    visit = _visit(request, visit_id)
    going = request.user.pk in visit.carer_ids
    return visit_out(visit, warnings=[] if going else visit_warnings(visit, carer=request.user))


# Writes -----------------------------------------------------------------------------------------


@router.post("/visits", response={201: VisitOut, **ERRORS}, summary="Add a visit")
def visit_create(request: SignedInRequest, payload: VisitIn) -> Status[VisitOut]:
    visit = services.visit_create(actor=request.user, **payload.dict())
    return Status(201, visit_out(visit))


@router.post("/patterns", response={201: PatternOut, **ERRORS}, summary="Add repeating visits")
def pattern_create(request: SignedInRequest, payload: PatternIn) -> Status[PatternOut]:
    pattern = services.pattern_create(actor=request.user, **payload.dict())
    return Status(
        201,
        PatternOut(
            id=pattern.pk,
            person_id=pattern.person_id,
            rule=pattern.rule,
            starts_on=pattern.starts_on,
            ends_on=pattern.ends_on,
        ),
    )


@router.post(
    "/visits/{id:visit_id}/claim", response={200: VisitOut, **CLAIM_ANSWERS}, summary="Take it"
)
def visit_claim(request: SignedInRequest, visit_id: int) -> VisitOut | Status[dict]:
    return _take(request, lambda: services.visit_claim(actor=request.user, visit_id=visit_id))


@router.post(
    "/visits/{id:visit_id}/here",
    response={200: VisitOut, **ERRORS},
    summary="I'm with the person now",
)
def visit_check_in(request: SignedInRequest, visit_id: int) -> VisitOut:
    services.visit_check_in(actor=request.user, visit_id=visit_id)
    return visit_out(_visit(request, visit_id))


@router.post("/visits/{id:visit_id}/cancel", response={200: VisitOut, **ERRORS})
def visit_skip(request: SignedInRequest, visit_id: int) -> VisitOut:
    services.visit_skip(actor=request.user, visit_id=visit_id)
    return visit_out(_visit(request, visit_id))


@router.post("/visits/{id:visit_id}/move", response={200: VisitOut, **ERRORS})
def visit_move(request: SignedInRequest, visit_id: int, payload: MoveIn) -> VisitOut:
    services.visit_move(actor=request.user, visit_id=visit_id, **payload.dict())
    return visit_out(_visit(request, visit_id))


@router.post(
    "/visits/{id:visit_id}/offers",
    response={201: OfferOut, **ERRORS},
    summary="Offer my visit to the team or to one colleague",
)
def visit_offer(request: SignedInRequest, visit_id: int, payload: OfferIn) -> Status[OfferOut]:
    offer = services.visit_offer(actor=request.user, visit_id=visit_id, **payload.dict())
    return Status(201, offer_out(offer))


@router.post(
    "/offers/{id:offer_id}/accept",
    response={200: VisitOut, **CLAIM_ANSWERS},
    summary="Take an offered visit",
)
def offer_accept(request: SignedInRequest, offer_id: int) -> VisitOut | Status[dict]:
    return _take(request, lambda: services.offer_accept(actor=request.user, offer_id=offer_id))


@router.post(
    "/offers/{id:offer_id}/withdraw",
    response={200: OfferOut, **CLAIM_ANSWERS},
    summary="Take back my offer",
)
def offer_withdraw(request: SignedInRequest, offer_id: int) -> OfferOut | Status[dict]:
    try:
        offer = services.offer_withdraw(actor=request.user, offer_id=offer_id)
    except services.AlreadyTaken as error:
        return _taken(error)
    return offer_out(offer)


@router.get("/teams/{id:team_id}/availability", response={200: list[AvailabilityOut], **ERRORS})
def availability_list(request: SignedInRequest, team_id: int) -> list[AvailabilityOut]:
    team = team_access_or_404(request.user, team_id)
    entries = Availability.objects.filter(team=team).select_related("user")
    return [_availability_out(e) for e in entries]


@router.post(
    "/teams/{id:team_id}/availability",
    response={201: AvailabilityOut, **ERRORS},
    summary="Say when I can or cannot work",
)
def availability_set(
    request: SignedInRequest, team_id: int, payload: AvailabilityIn
) -> Status[AvailabilityOut]:
    entry = services.availability_set(actor=request.user, team_id=team_id, **payload.dict())
    return Status(201, _availability_out(entry))


def _availability_out(entry: Availability) -> AvailabilityOut:
    return AvailabilityOut(
        id=entry.pk,
        user=user_brief(entry.user),
        kind=entry.kind,
        date=entry.date,
        weekday=entry.weekday,
        start_time=entry.start_time,
        end_time=entry.end_time,
        reason=entry.reason,
    )

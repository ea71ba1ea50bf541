"""/api/v1/rota/visits/<id>/late, /cant-make-it, /done: a visit as it happens, for phones.

The same services as the pages (teams.rota.lateness); a refusal is the API's usual 422 with
the message, and a visit the caller may not see is a 404 like a missing one.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema

from core.models import User
from core.schemas import ERRORS, InputSchema
from teams.models import Visit
from teams.rota import lateness, visit_words

router = Router(tags=["rota"])


class LateIn(InputSchema):
    minutes: int  # about 10, 20 or 30


class VisitStatusOut(Schema):
    id: int
    status: str
    urgent: bool
    late_minutes: int | None
    expected_at: dt.datetime | None
    cant_make_it_at: dt.datetime | None
    checked_in_at: dt.datetime | None
    done_at: dt.datetime | None


def _out(visit: Visit) -> VisitStatusOut:
    return VisitStatusOut(
        id=visit.pk,
        status=visit.status,
        urgent=visit.urgent,
        late_minutes=visit.late_minutes,
        expected_at=visit_words.expected_at(visit),
        cant_make_it_at=visit.cant_make_it_at,
        checked_in_at=visit.checked_in_at,
        done_at=visit.done_at,
    )


def _carer(request: HttpRequest) -> User:
    # The API lets only signed-in accounts this far; anyone else had a 401 already.
    assert isinstance(request.user, User)
    return request.user


@router.post(
    "/visits/{id:visit_id}/late",
    response={200: VisitStatusOut, **ERRORS},
    url_name="visit_running_late",
    summary="I'm running late",
)
def visit_running_late(request: HttpRequest, visit_id: int, payload: LateIn) -> VisitStatusOut:
    visit = lateness.visit_running_late(
        actor=_carer(request), visit_id=visit_id, minutes=payload.minutes
    )
    return _out(visit)


@router.post(
    "/visits/{id:visit_id}/cant-make-it",
    response={200: VisitStatusOut, **ERRORS},
    url_name="visit_cant_make_it",
    summary="I can't make it: the team is asked, marked urgent",
)
def visit_cant_make_it(request: HttpRequest, visit_id: int) -> VisitStatusOut:
    return _out(lateness.visit_cant_make_it(actor=_carer(request), visit_id=visit_id))


@router.post(
    "/visits/{id:visit_id}/done",
    response={200: VisitStatusOut, **ERRORS},
    url_name="visit_mark_done",
    summary="The visit is done",
)
def visit_mark_done(request: HttpRequest, visit_id: int) -> VisitStatusOut:
    return _out(lateness.visit_mark_done(actor=_carer(request), visit_id=visit_id))

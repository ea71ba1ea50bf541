"""/api/v1/directory: a team's neighbourhood directory and a person's connections.

The same services and access rules as the pages: anything you may not see is 404.
Who goes somewhere is only ever told to the person's own team and circle.
"""

from __future__ import annotations

import datetime as dt

from ninja import Query, Router, Schema, Status

from core.audit import ReadChannel, record_read
from core.requests import SignedInRequest
from core.schemas import ERRORS, InputSchema, PartialUpdateSchema
from families.access import person_access_or_404
from teams.directory import selectors, services
from teams.directory.access import directory_team_or_404, entry_access_or_404
from teams.models import DirectoryEntry

router = Router(tags=["directory"])


class CheckOut(Schema):
    kind: str
    last_confirmed: dt.date
    needs_a_check: bool


class EntryOut(Schema):
    id: int
    team_id: int
    kind: str
    name: str
    what: str
    when_text: str
    weekday: int | None
    starts_at: dt.time | None
    ends_at: dt.time | None
    where: str
    postcode: str
    getting_there: str
    step_free: bool
    hearing_loop: bool
    transport: str
    cost: str
    contact: str
    keywords: str
    shared: bool
    confirmed: bool
    needs_a_check: bool
    checks: list[CheckOut]


class EntryIn(InputSchema):
    kind: str
    name: str
    what: str = ""
    when_text: str = ""
    weekday: int | None = None
    starts_at: dt.time | None = None
    ends_at: dt.time | None = None
    where: str = ""
    postcode: str = ""
    getting_there: str = ""
    step_free: bool = False
    hearing_loop: bool = False
    transport: str = ""
    cost: str = ""
    contact: str = ""
    keywords: str = ""
    shared: bool = False
    duplicate_ok: bool = False


class EntryUpdateIn(PartialUpdateSchema):
    kind: str | None = None
    name: str | None = None
    what: str | None = None
    when_text: str | None = None
    where: str | None = None
    postcode: str | None = None
    getting_there: str | None = None
    step_free: bool | None = None
    hearing_loop: bool | None = None
    transport: str | None = None
    cost: str | None = None
    contact: str | None = None
    keywords: str | None = None
    shared: bool | None = None


class SearchIn(Schema):
    words: str = ""
    postcode_area: str = ""
    kind: str = ""


class ConnectionOut(Schema):
    id: int
    entry_id: int
    entry_name: str
    when_text: str
    interest: str
    outcome_id: int | None
    moments_last_4_weeks: int
    moments_last_12_weeks: int


def _entry(entry: DirectoryEntry) -> EntryOut:
    due = set(selectors.checks_due(entry))
    return EntryOut(
        id=entry.pk,
        team_id=entry.team_id,
        confirmed=entry.is_confirmed,
        needs_a_check=selectors.needs_a_check(entry),
        checks=[
            CheckOut(kind=c.kind, last_confirmed=c.last_confirmed, needs_a_check=c.kind in due)
            for c in entry.checks.all()
        ],
        **{name: getattr(entry, name) for name in services.ENTRY_FIELDS},
    )


@router.get(
    "/teams/{id:team_id}/entries",
    response={200: list[EntryOut], **ERRORS},
    summary="A team's directory, with what its organisation shares",
)
def directory_list(
    request: SignedInRequest, team_id: int, search: Query[SearchIn]
) -> list[EntryOut]:
    team = directory_team_or_404(request.user, team_id)
    page = selectors.directory_for_team(team=team, **search.dict())
    return [_entry(e) for e in page.entries + page.suggestions]


@router.post(
    "/teams/{id:team_id}/entries",
    response={201: EntryOut, **ERRORS},
    summary="Add to a team's directory",
)
def directory_create(request: SignedInRequest, team_id: int, payload: EntryIn) -> Status[EntryOut]:
    values = payload.dict()
    duplicate_ok = values.pop("duplicate_ok")
    entry = services.entry_create(
        actor=request.user, team_id=team_id, duplicate_ok=duplicate_ok, **values
    )
    return Status(201, _entry(entry))


@router.get(
    "/entries/{id:entry_id}", response={200: EntryOut, **ERRORS}, summary="One directory entry"
)
def directory_entry(request: SignedInRequest, entry_id: int) -> EntryOut:
    return _entry(entry_access_or_404(request.user, entry_id).entry)


@router.patch(
    "/entries/{id:entry_id}",
    response={200: EntryOut, **ERRORS},
    summary="Change a directory entry (its history is kept)",
)
def directory_update(request: SignedInRequest, entry_id: int, payload: EntryUpdateIn) -> EntryOut:
    values = {name: getattr(payload, name) for name in payload.model_fields_set}
    entry = services.entry_update(actor=request.user, entry_id=entry_id, **values)
    return _entry(entry)


@router.get(
    "/people/{id:person_id}/connections",
    response={200: list[ConnectionOut], **ERRORS},
    summary="A person's community connections",
)
def person_connections(request: SignedInRequest, person_id: int) -> list[ConnectionOut]:
    access = person_access_or_404(request.user, person_id)
    record_read(reader=request.user, access=access, channel=ReadChannel.API)
    return [
        ConnectionOut(
            id=view.connection.pk,
            entry_id=view.connection.entry_id,
            entry_name=view.connection.entry.name,
            when_text=view.connection.entry.when_text,
            interest=view.connection.interest,
            outcome_id=view.connection.outcome_id,
            moments_last_4_weeks=view.last_4_weeks,
            moments_last_12_weeks=view.last_12_weeks,
        )
        for view in selectors.person_connections(access)
    ]

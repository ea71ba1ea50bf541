"""The audit trail: record who did what, and read it back for the people allowed to.

Services call ``audit_record`` inside their transaction, so an entry exists exactly when the
change does. Where the request came from (address, device) is picked up from the request
being served, via AuditContextMiddleware, so services never handle requests themselves.
"""

import functools
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Protocol

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.models import AuditEntry, User


class Reading(Protocol):
    """Someone's way into a person's record, as the access layer answers it (PersonAccess).

    The trail asks it only these; it never works access out itself.
    """

    @property
    def person_id(self) -> int: ...

    @property
    def is_self(self) -> bool: ...

    @property
    def can_read_trail(self) -> bool: ...


@dataclass(frozen=True)
class Origin:
    ip_address: str | None
    device: str


_origin: ContextVar[Origin | None] = ContextVar("audit_origin", default=None)


class AuditContextMiddleware:
    """Remember where the current request came from, for any audit entry it leads to."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _origin.set(origin_of(request))
        try:
            return self.get_response(request)
        finally:
            _origin.reset(token)


def origin_of(request: HttpRequest) -> Origin:
    # Behind a proxy, the proxy sets REMOTE_ADDR correctly (daphne --proxy-headers).
    return Origin(
        ip_address=request.META.get("REMOTE_ADDR") or None,
        device=request.META.get("HTTP_USER_AGENT", "")[:200],
    )


def audit_record(
    *,
    actor: User | None,
    action: AuditEntry.Action,
    person_id: int | None = None,
    team_id: int | None = None,
    target: str = "",
    detail: dict | None = None,
) -> AuditEntry:
    origin = _origin.get() or Origin(ip_address=None, device="")
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_name=actor.display_name if actor is not None and actor.is_authenticated else "",
        action=action,
        person_id=person_id,
        team_id=team_id,
        target=target,
        detail=detail or {},
        ip_address=origin.ip_address,
        device=origin.device,
    )


# Looks at a record ---------------------------------------------------------------------------


class ReadChannel(StrEnum):
    """How someone looked: the pages (and their htmx fragments, photos) or the API."""

    PAGE = "page"
    API = "api"


def read_period_start(moment: datetime) -> datetime:
    """The start of the AUDIT_READ_PERIOD that moment falls in, counted from the epoch."""
    seconds = int(settings.AUDIT_READ_PERIOD.total_seconds())
    start = int(moment.timestamp()) // seconds * seconds
    return datetime.fromtimestamp(start, tz=UTC)


def record_read(*, reader: User, access: Reading, channel: ReadChannel) -> None:
    """Write down that reader looked at the person's record, once per period.

    Every read of a record calls this, on every channel: the person's page, the timeline and
    its older pages, a note, a note's photo, goals, the API's person, circle, notes and goals.
    The first look in a period writes one row; later ones (scrolling, a page's photos, the
    app polling) write nothing. A unique key on reader, person and period makes that hold
    across processes and for requests at the same moment (the database keeps one row and
    ignores the rest); a cache entry, set once the row is committed, lets this process skip
    even that one statement for the rest of the period.

    The person's own looks are not written: the trail is theirs, to see who else looked.
    """
    if access.is_self or not reader.is_authenticated:
        return
    period = read_period_start(timezone.now())
    key = f"kith:read:{reader.pk}:{access.person_id}:{int(period.timestamp())}"
    if cache.get(key):
        return
    origin = _origin.get() or Origin(ip_address=None, device="")
    row = AuditEntry(
        actor=reader,
        actor_name=reader.display_name,
        action=AuditEntry.Action.VIEWED,
        person_id=access.person_id,
        detail={"channel": str(channel)},
        ip_address=origin.ip_address,
        device=origin.device,
        read_period=period,
    )
    # INSERT ... ON CONFLICT DO NOTHING (INSERT OR IGNORE on SQLite): one statement, no race.
    AuditEntry.objects.bulk_create([row], ignore_conflicts=True)
    # Only once it is committed: a rolled-back look must not hide the next one.
    timeout = int(settings.AUDIT_READ_PERIOD.total_seconds())
    transaction.on_commit(lambda: cache.set(key, True, timeout=timeout), robust=True)


# Reading the trail ---------------------------------------------------------------------------


def can_read_trail(access: Reading) -> bool:
    """The person, their coordinator and their team read a person's trail; nobody else.

    The access layer decides (``PersonAccess.can_read_trail``); the trail only asks.
    """
    return access.can_read_trail


def audit_for_person(
    *,
    person_id: int,
    action: str = "",
    actor_id: int | None = None,
    since: date | None = None,
    until: date | None = None,
) -> QuerySet[AuditEntry]:
    """A person's trail, newest first, filtered. Callers check can_read_trail first."""
    entries = AuditEntry.objects.filter(person_id=person_id)
    if action:
        entries = entries.filter(action=action)
    if actor_id:
        entries = entries.filter(actor_id=actor_id)
    if since:
        entries = entries.filter(created_at__date__gte=since)
    if until:
        entries = entries.filter(created_at__date__lte=until)
    return entries


def trail_entry_view(entry: AuditEntry, access: Reading) -> dict:
    """What one reader of the trail is told about one entry, and nothing more.

    The one place that decides it: the trail page, its spreadsheet and the copy of the record
    are all built from it. The address and device an entry was made from belong to whoever
    did it (often a carer on their own phone), not to the record: they stay in the database
    for looking into misuse and are shown to no reader of the trail, whoever they are.
    """
    if not can_read_trail(access):
        raise ValueError("trail_entry_view is only for those who may read the trail")
    return {
        "created_at": entry.created_at,
        "actor_name": entry.actor_name,
        "action": entry.action,
        "action_label": str(entry.get_action_display()),
        "detail": dict(entry.detail),
    }


# What the keys services put in an entry's detail mean, in words; any other key is shown as
# it is stored, so nothing written is ever left out.
_DETAIL_LABELS = {
    "channel": gettext_lazy("how"),
    "step": gettext_lazy("copy"),
    "fields": gettext_lazy("what changed"),
    "created": gettext_lazy("new"),
    "name": gettext_lazy("who"),
    "coordinator": gettext_lazy("named coordinator"),
    "kind": gettext_lazy("kind"),
    "audience": gettext_lazy("for"),
    "second_factor": gettext_lazy("with a code from an app"),
    "change": gettext_lazy("change"),
    "agreed_by": gettext_lazy("agreed by"),
    "agreed_how": gettext_lazy("how it was agreed"),
    "agreed_at": gettext_lazy("agreed on"),
    "notes_shared_with_circle_by_default": gettext_lazy("new notes shared with the circle"),
}
_DETAIL_VALUES = {
    ("channel", "page"): gettext_lazy("on Kith's pages"),
    ("channel", "api"): gettext_lazy("through an app"),
    ("step", "requested"): gettext_lazy("asked for"),
    ("step", "downloaded"): gettext_lazy("downloaded"),
    ("audience", "team"): gettext_lazy("the team only"),
    ("audience", "circle"): gettext_lazy("the team and the circle"),
}


# How the person agreed when they chose it themself, in their own account: stored as this
# code and said in each reader's language when read (agreed_how_words).
CHOSE_IT_THEMSELF = "chose_it_themself"
_CHOSE_IT_THEMSELF_WORDS = gettext_lazy("chose it themself in Kith")


def agreed_how_words(how: str) -> str:
    """How someone agreed to a change, in the reader's language when Kith said it.

    Entries written before the code was stored hold Kith's words in the language of whoever
    made the change ("chose it themself in Kith", "wedi dewis hyn eu hunain yn Kith"): those
    read as the code does. Anything else is what someone wrote, shown as they wrote it.
    """
    if how == CHOSE_IT_THEMSELF or how in _chose_it_themself_in_every_language():
        return str(_CHOSE_IT_THEMSELF_WORDS)
    return how


@functools.cache
def _chose_it_themself_in_every_language() -> frozenset[str]:
    said = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            said.add(str(_CHOSE_IT_THEMSELF_WORDS))
    return frozenset(said)


# Keys whose values are stored codes, not words someone wrote.
_CODE_KEYS = frozenset({"fields", "kind", "change"})


def _detail_value(key: str, value: object) -> str:
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, list | tuple):
        return ", ".join(_detail_value(key, item) for item in value)
    if key == "agreed_how" and isinstance(value, str):
        return agreed_how_words(value)
    if isinstance(value, str) and (key, value) in _DETAIL_VALUES:
        return str(_DETAIL_VALUES[key, value])
    if key in _CODE_KEYS:
        return str(value).replace("_", " ")  # about_me, family_update read better with spaces
    return str(value)


def trail_details_text(detail: dict) -> str:
    """An entry's details on one line, in words, as the page and the spreadsheet show them."""
    return "; ".join(
        f"{_DETAIL_LABELS.get(key, key.replace('_', ' '))}: {_detail_value(key, value)}"
        for key, value in detail.items()
    )

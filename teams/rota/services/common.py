"""What every rota write shares: snapshots for undo, the activity record, the checks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.models import User
from teams.models import (
    Membership,
    Offer,
    RotaChange,
    Visit,
    VisitPattern,
)
from teams.rota import live, notify
from teams.rota.clock import wall_time_exists

# How far ahead patterns are expanded when they are made, and by the daily job.
WEEKS_AHEAD = 6
MIN_MINUTES = 5
MAX_MINUTES = 12 * 60
# The fields of a visit a change may touch; snapshots of these make undo possible.
VISIT_FIELDS = (
    "date",
    "window_label",
    "window_start",
    "window_end",
    "exact_time",
    "carer_id",
    "second_carer_id",
    "status",
)
WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


class AlreadyTaken(ValidationError):
    """Someone else got there first. ``taken_by`` says who, so the loser can be told."""

    def __init__(self, message: str, *, taken_by: User | None) -> None:
        super().__init__(message, code="taken")
        self.taken_by = taken_by


def _current_members(team_id: int, user_ids: Iterable[int]) -> dict[int, User]:
    ids = set(user_ids)
    members = (
        Membership.objects.current().filter(team_id=team_id, user_id__in=ids).select_related("user")
    )
    return {m.user_id: m.user for m in members}


# Snapshots for undo ---------------------------------------------------------------------------


def _json(value: Any) -> Any:
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return value


def snapshot(visit: Visit) -> dict[str, Any]:
    return {name: _json(getattr(visit, name)) for name in VISIT_FIELDS}


def _from_json(name: str, value: Any) -> Any:
    if value is None:
        return None
    if name == "date":
        return dt.date.fromisoformat(value)
    if name in ("window_start", "window_end", "exact_time"):
        return dt.time.fromisoformat(value)
    return value


def _record(
    *,
    team_id: int,
    actor: User | None,
    kind: str,
    visit: Visit | None = None,
    offer: Offer | None = None,
    pattern: VisitPattern | None = None,
    availability_id: int | None = None,
    before: dict | None = None,
    after: dict | None = None,
    undoes: RotaChange | None = None,
) -> RotaChange:
    change = RotaChange.objects.create(
        team_id=team_id,
        actor=actor,
        kind=kind,
        visit=visit,
        offer=offer,
        pattern=pattern,
        availability_id=availability_id,
        before=before or {},
        after=after or {},
        undoes=undoes,
    )
    notify.rota_change_recorded(change, actor=actor, visit=visit, offer=offer)
    return change


def _announce(
    *,
    actor: User,
    kind: str,
    visit: Visit,
    before: dict | None = None,
    offer: Offer | None = None,
    live_kind: str = "visit.changed",
    **live_options: Any,
) -> RotaChange:
    """Write a visit's change in the team's activity and show it on the open pages."""
    change = _record(
        team_id=visit.team_id,
        actor=actor,
        kind=kind,
        visit=visit,
        offer=offer,
        before=before,
        after=snapshot(visit),
    )
    live.visit_changed(visit, kind=live_kind, **live_options)
    return change


# Checking what people asked for ----------------------------------------------------------------


def _check_window(
    *,
    day: dt.date,
    window_start: dt.time,
    window_end: dt.time,
    exact_time: dt.time | None,
    minutes: int | None = None,
    check_clock: bool = True,
) -> None:
    errors: dict[str, list[str]] = {}
    if window_end <= window_start:
        errors["window_end"] = [_("The visit must end after it starts.")]
    if exact_time is not None and not (window_start <= exact_time <= window_end):
        errors["exact_time"] = [_("The exact time must be inside the agreed times.")]
    if minutes is not None and not (MIN_MINUTES <= minutes <= MAX_MINUTES):
        errors["minutes"] = [
            _("A visit lasts between %(least)s minutes and %(most)s hours.")
            % {"least": MIN_MINUTES, "most": MAX_MINUTES // 60}
        ]
    if check_clock:
        for name, value in (
            ("window_start", window_start),
            ("window_end", window_end),
            ("exact_time", exact_time),
        ):
            if value is not None and not wall_time_exists(day, value):
                errors.setdefault(name, []).append(
                    _(
                        "The clocks go forward that night, so %(time)s does not happen on "
                        "that day. Please choose another time."
                    )
                    % {"time": value.strftime("%H:%M")}
                )
    if errors:
        raise ValidationError(errors)


def _check_purpose(purpose: str) -> str:
    purpose = purpose.strip()
    if not purpose:
        raise ValidationError(
            {"purpose": [_("Please say what the visit is for, in the person's words.")]}
        )
    return purpose


def _carers_for(team_id: int, carer_ids: Sequence[int]) -> list[User]:
    ids = list(dict.fromkeys(carer_ids))
    if len(ids) > 2:
        raise ValidationError({"carers": [_("A visit has one or two carers.")]})
    members = _current_members(team_id, ids)
    if set(ids) - set(members):
        raise ValidationError({"carers": [_("Please choose people who are in the team.")]})
    return [members[pk] for pk in ids]

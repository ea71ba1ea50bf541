"""Rota warnings. They warn and never block: the team decides.

The checks themselves are plain functions over ``Slot``s (tested with Hypothesis); the
``visit_warnings`` wrapper loads what they need for one carer and one visit in a few queries.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext as _

from core.models import User
from teams.models import AgreedHours, Availability, Visit
from teams.rota import continuity
from teams.rota.clock import UTC, aware, visit_start_time, week_start

MIN_REST = dt.timedelta(hours=11)
# Visits closer than this count as back to back, with no time to cross town.
BACK_TO_BACK = dt.timedelta(minutes=30)


@dataclass(frozen=True)
class RotaWarning:
    code: str
    message: str


@dataclass(frozen=True)
class Slot:
    """One visit as the checks see it: when, how long, and where."""

    day: dt.date
    start: dt.time
    minutes: int
    area: str = ""
    label: str = ""
    key: int | None = None

    # In UTC: Python subtracts and compares two datetimes of the same zone by their wall
    # clocks, which is an hour out across a clock change. UTC moments are real time.
    @property
    def begins(self) -> dt.datetime:
        return aware(self.day, self.start).astimezone(UTC)

    @property
    def ends(self) -> dt.datetime:
        return self.begins + dt.timedelta(minutes=self.minutes)


def postcode_area(person: object) -> str:
    """The outward part of a UK postcode ("SE15 4AB" -> "SE15"), or "" when unknown."""
    raw = re.sub(r"\s+", " ", str(getattr(person, "postcode", "") or "")).strip().upper()
    if not raw:
        return ""
    if " " in raw:
        return raw.split(" ", 1)[0]
    # Without a space the last three characters are the inward code.
    return raw[:-3] if len(raw) >= 5 else raw


# The checks ------------------------------------------------------------------------------------


def double_bookings(slot: Slot, others: Iterable[Slot]) -> list[Slot]:
    return [o for o in others if o.begins < slot.ends and slot.begins < o.ends]


def short_rests(slot: Slot, others: Sequence[Slot]) -> list[tuple[dt.datetime, dt.datetime]]:
    """Gaps under 11 hours between the end of one working day and the start of the next."""
    days: dict[dt.date, list[Slot]] = {}
    for s in [*others, slot]:
        days.setdefault(s.day, []).append(s)
    gaps = []
    for earlier, later in (
        (slot.day - dt.timedelta(days=1), slot.day),
        (
            slot.day,
            slot.day + dt.timedelta(days=1),
        ),
    ):
        if earlier in days and later in days:
            finished = max(s.ends for s in days[earlier])
            started = min(s.begins for s in days[later])
            if started - finished < MIN_REST:
                gaps.append((finished, started))
    return gaps


def week_minutes(slot: Slot, others: Iterable[Slot]) -> int:
    """Minutes of visits in the week (Monday to Sunday) of ``slot``, including it."""
    monday = week_start(slot.day)
    return slot.minutes + sum(
        o.minutes
        for o in others
        if week_start(o.day) == monday and (o.key is None or o.key != slot.key)
    )


def area_jumps(slot: Slot, others: Iterable[Slot]) -> list[Slot]:
    """Visits straight before or after this one in a different postcode area."""
    if not slot.area:
        return []
    jumps = []
    for other in others:
        if not other.area or other.area == slot.area or other.day != slot.day:
            continue
        gap_after = slot.begins - other.ends
        gap_before = other.begins - slot.ends
        if (
            dt.timedelta(0) <= gap_after < BACK_TO_BACK
            or dt.timedelta(0) <= gap_before < BACK_TO_BACK
        ):
            jumps.append(other)
    return jumps


def unavailable_entry(slot: Slot, entries: Sequence[Availability]) -> Availability | None:
    """The "cannot work" entry that covers the slot, if any.

    A one-off entry for that very day wins over the weekly pattern: "I can do this Tuesday"
    lifts "never on Tuesdays" for that Tuesday.
    """

    def covers(entry: Availability) -> bool:
        if entry.start_time is None or entry.end_time is None:
            return True
        begins = aware(slot.day, entry.start_time).astimezone(UTC)
        ends = aware(slot.day, entry.end_time).astimezone(UTC)
        return begins < slot.ends and slot.begins < ends

    one_off = [e for e in entries if e.date == slot.day and covers(e)]
    if one_off:
        cannot = [e for e in one_off if e.kind == Availability.Kind.CANNOT]
        can = [e for e in one_off if e.kind == Availability.Kind.CAN]
        return None if can and not cannot else (cannot[0] if cannot else None)
    for entry in entries:
        if entry.weekday is None or entry.weekday != slot.day.weekday():
            continue
        if entry.starts_on and slot.day < entry.starts_on:
            continue
        if entry.ends_on and slot.day > entry.ends_on:
            continue
        if entry.kind == Availability.Kind.CANNOT and covers(entry):
            return entry
    return None


# For one carer and one visit -------------------------------------------------------------------


def slot_for(visit: Visit) -> Slot:
    return Slot(
        day=visit.date,
        start=visit_start_time(visit),
        minutes=visit.minutes,
        area=postcode_area(visit.person),
        label=visit.person.name,
        key=visit.pk,
    )


def visit_warnings(
    visit: Visit, *, carer: User, today: dt.date | None = None, to_carer: bool = False
) -> list[RotaWarning]:
    """What the team should know if ``carer`` does ``visit``. Never a refusal.

    ``to_carer`` says it to the carer themself ("You already have a visit then"), for the
    step where they decide; otherwise it is said about them, for the team.
    """
    monday = week_start(visit.date)
    start = min(monday, visit.date - dt.timedelta(days=1))
    end = max(monday + dt.timedelta(days=6), visit.date + dt.timedelta(days=1))
    others_qs = (
        Visit.objects.filter(Q(carer=carer) | Q(second_carer=carer), date__range=(start, end))
        .exclude(status=Visit.Status.CANCELLED)
        .exclude(pk=visit.pk)
        .select_related("person")
    )
    others = [slot_for(v) for v in others_qs]
    slot = slot_for(visit)
    name = carer.display_name
    found: list[RotaWarning] = []

    for other in double_bookings(slot, others):
        found.append(
            RotaWarning(
                "double_booking",
                (
                    _("You already have a visit then, with %(other)s at %(time)s.")
                    if to_carer
                    else _("%(name)s already has a visit then, with %(other)s at %(time)s.")
                )
                % {"name": name, "other": other.label, "time": other.start.strftime("%H:%M")},
            )
        )

    entries = list(
        Availability.objects.filter(team_id=visit.team_id, user=carer).filter(
            Q(date=visit.date) | Q(weekday=visit.date.weekday())
        )
    )
    entry = unavailable_entry(slot, entries)
    if entry is not None:
        message = (
            _("You said you cannot work then.")
            if to_carer
            else _("%(name)s said they cannot work then.") % {"name": name}
        )
        if entry.reason:
            message += " " + _("Reason: %(reason)s") % {"reason": entry.reason}
        found.append(RotaWarning("unavailable", message))

    agreed = (
        AgreedHours.objects.filter(
            membership__team_id=visit.team_id,
            membership__user=carer,
            membership__left_at__isnull=True,
        )
        .values_list("weekly_hours", flat=True)
        .first()
    )
    if agreed is not None:
        total = week_minutes(slot, others)
        if Decimal(total) > agreed * 60:
            found.append(
                RotaWarning(
                    "over_hours",
                    (
                        _(
                            "This would give you %(hours)s hours this week, more than the "
                            "%(agreed)s you agreed."
                        )
                        if to_carer
                        else _(
                            "This would give %(name)s %(hours)s hours this week, more than the "
                            "%(agreed)s they agreed."
                        )
                    )
                    % {"name": name, "hours": _hours(total), "agreed": _hours(int(agreed * 60))},
                )
            )

    if short_rests(slot, others):
        found.append(
            RotaWarning(
                "short_rest",
                _("You would have less than 11 hours' rest between working days.")
                if to_carer
                else _("%(name)s would have less than 11 hours' rest between working days.")
                % {"name": name},
            )
        )

    for other in area_jumps(slot, others):
        found.append(
            RotaWarning(
                "area_jump",
                (
                    _("You would go straight between %(first)s and %(second)s, in different areas.")
                    if to_carer
                    else _(
                        "%(name)s would go straight between %(first)s and %(second)s, "
                        "in different areas."
                    )
                )
                % {"name": name, "first": slot.label, "second": other.label},
            )
        )

    if continuity.is_new_face(person_id=visit.person_id, carer_id=carer.pk, before=visit.date):
        found.append(
            RotaWarning(
                "new_face",
                (
                    _("You have not visited %(person)s before: this would be a new face.")
                    if to_carer
                    else _("%(name)s has not visited %(person)s before: this would be a new face.")
                )
                % {"name": name, "person": visit.person.name},
            )
        )
    return found


def _hours(minutes: int) -> str:
    hours = Decimal(minutes) / 60
    return f"{hours.quantize(Decimal('0.1')).normalize():f}"

"""Local wall-clock time for the rota.

Visits keep a date and local times; aware datetimes are derived here with zoneinfo. On the
day the clocks go forward an hour of wall-clock time does not exist (01:00 to 01:59 in
London); on the day they go back an hour happens twice, and we take the first.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.conf import settings

if TYPE_CHECKING:
    from teams.models import Visit

UTC = dt.UTC


def rota_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def wall_time_exists(day: dt.date, at: dt.time) -> bool:
    """False only for times the clocks skip over on the day they go forward."""
    zone = rota_zone()
    local = dt.datetime.combine(day, at.replace(fold=0), tzinfo=zone)
    round_trip = local.astimezone(UTC).astimezone(zone)
    return round_trip.replace(tzinfo=None) == local.replace(tzinfo=None)


def normalise_wall_time(day: dt.date, at: dt.time) -> dt.time:
    """A time that exists on ``day``: a skipped time moves on as the clocks did (01:30 -> 02:30)."""
    if wall_time_exists(day, at):
        return at
    zone = rota_zone()
    local = dt.datetime.combine(day, at.replace(fold=0), tzinfo=zone)
    return local.astimezone(UTC).astimezone(zone).time()


def aware(day: dt.date, at: dt.time) -> dt.datetime:
    """The aware moment for a local date and time (the first of two on the day clocks go back)."""
    return dt.datetime.combine(day, at.replace(fold=0), tzinfo=rota_zone())


def local_today() -> dt.date:
    from django.utils import timezone

    return timezone.now().astimezone(rota_zone()).date()


def visit_start_time(visit: Visit) -> dt.time:
    """When a visit is planned to begin: the exact time if agreed, else the window's start."""
    return visit.exact_time or visit.window_start


def visit_interval(visit: Visit) -> tuple[dt.datetime, dt.datetime]:
    """The planned stretch of real time a visit takes, as aware datetimes."""
    start = aware(visit.date, visit_start_time(visit))
    # Add in UTC so an hour's visit is an hour long even across the change.
    end = (start.astimezone(UTC) + dt.timedelta(minutes=visit.minutes)).astimezone(rota_zone())
    return start, end


def week_start(day: dt.date) -> dt.date:
    """The Monday of the week ``day`` is in."""
    return day - dt.timedelta(days=day.weekday())

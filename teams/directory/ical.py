"""A team's regular activities as an iCalendar feed, built with the icalendar library.

Each weekly entry is one event repeating every week, in Europe/London wall-clock time with
its VTIMEZONE, so "Thursdays, 2 pm" stays at 2 pm on both sides of a clock change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from teams.models import DirectoryEntry

LONDON = ZoneInfo("Europe/London")


def first_day(entry: DirectoryEntry) -> dt.date:
    """The first day the activity falls on, from the day it was added to the directory."""
    added = entry.created_at.astimezone(LONDON).date()
    assert entry.weekday is not None
    return added + dt.timedelta(days=(entry.weekday - added.weekday()) % 7)


def directory_calendar(
    entries: Iterable[DirectoryEntry], *, name: str, domain: str = "kith"
) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Kith//Neighbourhood directory//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    for entry in entries:
        if entry.weekday is None or entry.starts_at is None:
            continue
        day = first_day(entry)
        starts = dt.datetime.combine(day, entry.starts_at, tzinfo=LONDON)
        ends_at = (
            entry.ends_at
            or (dt.datetime.combine(day, entry.starts_at) + dt.timedelta(hours=1)).time()
        )
        event = Event()
        event.add("uid", f"directory-{entry.pk}@{domain}")
        event.add("summary", entry.name)
        event.add("dtstart", starts)
        event.add("dtend", dt.datetime.combine(day, ends_at, tzinfo=LONDON))
        event.add("dtstamp", entry.updated_at)
        event.add("rrule", {"freq": "weekly"})
        where = ", ".join(part for part in (entry.where, entry.postcode) if part)
        if where:
            event.add("location", where)
        description = "\n".join(
            part for part in (entry.what, entry.when_text, entry.cost, entry.contact) if part
        )
        if description:
            event.add("description", description)
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()

"""A carer's visits as an iCalendar (RFC 5545) feed, for the calendar on their phone.

Written with the ``icalendar`` library, which escapes text, folds long lines and ends them
with CRLF. Times are in UTC, so the phone shows local time correctly on both sides of a
clock change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import icalendar
from django.utils.translation import gettext as _

from teams.models import Visit
from teams.rota.clock import UTC, visit_interval


def _event(visit: Visit, *, stamp: dt.datetime, host: str) -> icalendar.Event:
    begins, ends = visit_interval(visit)
    label = visit.window_label or visit.window_start.strftime("%H:%M")
    event = icalendar.Event()
    event.add("uid", f"visit-{visit.pk}@{host}")
    event.add("dtstamp", stamp)
    event.add("dtstart", begins.astimezone(UTC))
    event.add("dtend", ends.astimezone(UTC))
    event.add(
        "summary", _("Visit to %(name)s (%(when)s)") % {"name": visit.person.name, "when": label}
    )
    event.add("description", visit.purpose)
    return event


def calendar_text(visits: Iterable[Visit], *, now: dt.datetime, host: str) -> str:
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Kith//Rota//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", _("My visits"))
    stamp = now.astimezone(UTC).replace(microsecond=0)
    for visit in visits:
        calendar.add_component(_event(visit, stamp=stamp, host=host))
    return calendar.to_ical().decode()

"""A carer's visits as an iCalendar (RFC 5545) feed, for the calendar on their phone.

Only the few lines a calendar needs: times in UTC (so the phone shows local time correctly
on both sides of a clock change), text escaped, long lines folded, CRLF line ends.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils.translation import gettext as _

from teams.models import Visit
from teams.rota.clock import UTC, visit_interval

CRLF = "\r\n"


def escape_text(value: str) -> str:
    """TEXT values: backslash, semicolon and comma escaped; newlines as \\n."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space (RFC 5545 3.1)."""
    encoded = line.encode()
    if len(encoded) <= 75:
        return line
    parts: list[str] = []
    current = b""
    for char in line:
        piece = char.encode()
        limit = 75 if not parts else 74
        if len(current) + len(piece) > limit:
            parts.append(current.decode())
            current = b""
        current += piece
    parts.append(current.decode())
    return (CRLF + " ").join(parts)


def _stamp(moment: dt.datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def calendar_text(visits: Iterable[Visit], *, now: dt.datetime, host: str) -> str:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Kith//Rota//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-CALNAME:" + escape_text(_("My visits")),
    ]
    for visit in visits:
        begins, ends = visit_interval(visit)
        label = visit.window_label or visit.window_start.strftime("%H:%M")
        lines += [
            "BEGIN:VEVENT",
            f"UID:visit-{visit.pk}@{host}",
            f"DTSTAMP:{_stamp(now)}",
            f"DTSTART:{_stamp(begins)}",
            f"DTEND:{_stamp(ends)}",
            "SUMMARY:"
            + escape_text(
                _("Visit to %(name)s (%(when)s)") % {"name": visit.person.name, "when": label}
            ),
            "DESCRIPTION:" + escape_text(visit.purpose),
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return CRLF.join(fold(line) for line in lines) + CRLF

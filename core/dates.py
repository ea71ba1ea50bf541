"""One answer to "is this a day Kith can work with?", for every page, form and API route.

Python's dates end at 9999-12-31 and begin at 0001-01-01, and the rota adds and takes weeks
from the day asked for: at either end that overflows into a 500. No care record or rota needs
a day outside these bounds, so a day outside them is bad input, refused with a message.
"""

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy

EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(2999, 12, 31)


def day_in_range(day: dt.date) -> bool:
    return EARLIEST <= day <= LATEST


def parse_day(text: str | None) -> dt.date | None:
    """The day ``YYYY-MM-DD`` names, or None if blank, unreadable or out of bounds."""
    try:
        day = dt.date.fromisoformat((text or "").strip())
    except ValueError:
        return None
    return day if day_in_range(day) else None


def out_of_range_message() -> str:
    return _("Please choose a day between %(earliest)s and %(latest)s.") % {
        "earliest": EARLIEST.year,
        "latest": LATEST.year,
    }


def validate_day(day: dt.date | None) -> None:
    """For form fields: a day outside the bounds is refused like any other bad answer."""
    if day is not None and not day_in_range(day):
        raise ValidationError(out_of_range_message(), code="day_out_of_range")


class DayField(forms.DateField):
    """A form's date, refused with a message outside the bounds every other date keeps."""

    default_validators = [validate_day]


# Weekday names as they stand inside a sentence ("on Wednesday morning", "Wednesday 2
# December"). Django's own names are capitalised for headings ("Dydd Mercher"); in Welsh a
# weekday inside a sentence is not ("fore dydd Mercher"), so Kith keeps its own, by context.
WEEKDAYS_IN_A_SENTENCE = {
    0: pgettext_lazy("weekday inside a sentence", "Monday"),
    1: pgettext_lazy("weekday inside a sentence", "Tuesday"),
    2: pgettext_lazy("weekday inside a sentence", "Wednesday"),
    3: pgettext_lazy("weekday inside a sentence", "Thursday"),
    4: pgettext_lazy("weekday inside a sentence", "Friday"),
    5: pgettext_lazy("weekday inside a sentence", "Saturday"),
    6: pgettext_lazy("weekday inside a sentence", "Sunday"),
}


def weekday_in_words(day: dt.date) -> str:
    return str(WEEKDAYS_IN_A_SENTENCE[day.weekday()])


def day_in_words(day: dt.date) -> str:
    """ "Tuesday 24 November", "dydd Mawrth 24 Tachwedd": in the active language."""
    return _("%(weekday)s %(day)s %(month)s") % {
        "weekday": weekday_in_words(day),
        "day": day.day,
        "month": MONTHS[day.month],
    }


# Where one part of the day ends and the next begins, as people greet each other.
AFTERNOON_FROM = dt.time(12)
EVENING_FROM = dt.time(18)


def part_of_day(at: dt.time) -> str:
    """ "morning", "afternoon" or "evening", for a wall-clock time."""
    if at < AFTERNOON_FROM:
        return "morning"
    if at < EVENING_FROM:
        return "afternoon"
    return "evening"


def greeting(name: str, *, at: dt.time) -> str:
    """ "Good morning, George.": by the part of the day it is, in the active language."""
    words = {
        "morning": _("Good morning, %(name)s."),
        "afternoon": _("Good afternoon, %(name)s."),
        "evening": _("Good evening, %(name)s."),
    }[part_of_day(at)]
    return words % {"name": name}


def clock_in_words(at: dt.time) -> str:
    """A time as people say it, on a 12-hour clock: "9", "8.20", "2.15"."""
    hour = at.hour % 12 or 12
    return f"{hour}" if at.minute == 0 else f"{hour}.{at.minute:02d}"


def time_of_day_in_words(at: dt.time) -> str:
    """ "7am", "12.30pm", "6pm"; in Welsh "7 y bore", "12.30 y prynhawn", "6 yr hwyr"."""
    clock = clock_in_words(at)
    if at < AFTERNOON_FROM:
        return pgettext("a clock time in the morning", "%(time)sam") % {"time": clock}
    if at < EVENING_FROM:
        return pgettext("a clock time in the afternoon", "%(time)spm") % {"time": clock}
    return pgettext("a clock time in the evening", "%(time)spm") % {"time": clock}


def moment_in_words(moment: dt.datetime, *, today: dt.date | None = None) -> str:
    """When something was written, as a label people read without decoding it:
    "Wednesday 2 December, 7am", "2 December 2025, 6.30pm" in another year.

    Absolute, not "today" or "yesterday": a page open all day, or a fragment drawn once for
    many readers, never goes stale."""
    local = timezone.localtime(moment)
    today = today or timezone.localdate()
    time = time_of_day_in_words(local.time())
    day = local.date()
    if day.year != today.year:
        return _("%(day)s %(month)s %(year)s, %(time)s") % {
            "day": day.day,
            "month": MONTHS[day.month],
            "year": day.year,
            "time": time,
        }
    return capfirst(_("%(day)s, %(time)s") % {"day": day_in_words(day), "time": time})

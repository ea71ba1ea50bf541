"""What the family reads about a visit as it happens: running late, being covered, done; and
the same said to the person themself ("... will be with you around 8.20").

Plain sentences, in whichever language they are shown in, with times as people say them
(core.dates.clock_in_words). Names, times and nothing else: no purpose, no care details. What
is said to the person says no more than what the family reads, since both go out together.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.dates import clock_in_words
from core.models import User
from teams.models import Visit
from teams.rota.clock import UTC, aware, rota_zone, visit_start_time

# A carer says "about" so many minutes: the time they give is rounded to five minutes.
ROUND_TO_MINUTES = 5


def expected_at(visit: Visit) -> dt.datetime | None:
    """When a carer running late expects to arrive: the planned start (or the moment they
    said it, if that was later) plus the minutes they gave, to the nearest five minutes."""
    if visit.late_minutes is None or visit.late_at is None:
        return None
    planned = aware(visit.date, visit_start_time(visit)).astimezone(UTC)
    base = max(planned, visit.late_at.astimezone(UTC))
    moment = base + dt.timedelta(minutes=visit.late_minutes)
    step = ROUND_TO_MINUTES * 60
    seconds = round(moment.timestamp() / step) * step
    return dt.datetime.fromtimestamp(seconds, tz=UTC).astimezone(rota_zone())


def _late_words(visit: Visit) -> tuple[int, dict[str, str | int]]:
    """By about how many minutes, and who is late and when they expect to arrive."""
    minutes = visit.late_minutes or 0
    arrival = expected_at(visit)
    return minutes, {
        "name": visit.late_by.get_short_name() if visit.late_by else _("The carer"),
        "minutes": minutes,
        "time": clock_in_words(arrival.time()) if arrival else "",
    }


def late_sentence(visit: Visit, person_name: str) -> str:
    """ "Angela is running about 20 minutes late and will be with Jean around 8.20." """
    minutes, words = _late_words(visit)
    return ngettext(
        "%(name)s is running about %(minutes)s minute late and will be with %(person)s "
        "around %(time)s.",
        "%(name)s is running about %(minutes)s minutes late and will be with %(person)s "
        "around %(time)s.",
        minutes,
    ) % {**words, "person": person_name}


def late_to_you(visit: Visit) -> str:
    """ "Angela is running about 20 minutes late and will be with you around 8.20." """
    minutes, words = _late_words(visit)
    said = ngettext(
        "%(name)s is running about %(minutes)s minute late and will be with you around %(time)s.",
        "%(name)s is running about %(minutes)s minutes late and will be with you around %(time)s.",
        minutes,
    )
    return said % words


def _names(carers: list[User]) -> str:
    names = [carer.get_short_name() for carer in carers]
    if len(names) == 1:
        return names[0]
    return _("%(first)s and %(second)s") % {"first": names[0], "second": names[1]}


def coming_to_you(visit: Visit, carers: list[User], today: dt.date) -> str:
    """ "Priya is coming to see you this morning, between 12 and 1.30." """
    from teams.rota.selectors import _times, _when

    when, times = _when(visit, today), _times(visit)
    if not carers:
        return _("Someone from the team is coming to see you %(when)s, %(times)s.") % {
            "when": when,
            "times": times,
        }
    return ngettext(
        "%(who)s is coming to see you %(when)s, %(times)s.",
        "%(who)s are coming to see you %(when)s, %(times)s.",
        len(carers),
    ) % {"who": _names(carers), "when": when, "times": times}


def with_you_now(carers: list[User]) -> str:
    return ngettext(
        "%(who)s is with you now.", "%(who)s are with you now.", max(len(carers), 1)
    ) % {"who": _names(carers) if carers else _("Someone from the team")}


def _part_of_day(moment: dt.datetime) -> str:
    at = moment.astimezone(rota_zone()).time()
    if at < dt.time(12):
        return _("this morning")
    if at < dt.time(17):
        return _("this afternoon")
    return _("this evening")


def covering_sentence(visit: Visit, today: dt.date) -> str:
    """ "Angela can't come this morning, so the team is finding someone else." """
    from teams.rota.selectors import window_words

    name = visit.cant_make_it_by.get_short_name() if visit.cant_make_it_by else ""
    if not name:
        return _("The team is finding someone to come %(window)s.") % {
            "window": window_words(visit, today)
        }
    return _(
        "%(name)s can't come %(window)s, so the team is finding someone else. You'll see who here."
    ) % {"name": name, "window": window_words(visit, today)}


def _done_words(visit: Visit, *, with_times: bool) -> dict[str, str]:
    """Who came and when, for saying a visit is done: the times only if they are to be said."""
    carer = visit.done_by or visit.checked_in_by
    began = visit.checked_in_at or visit.done_at
    assert began is not None and visit.done_at is not None
    words = {
        "name": carer.get_short_name() if carer else _("Someone from the team"),
        "when": _part_of_day(began),
    }
    if with_times:
        local = rota_zone()
        words["start"] = clock_in_words(began.astimezone(local).time())
        words["end"] = clock_in_words(visit.done_at.astimezone(local).time())
    return words


def visited_sentence(visit: Visit, *, with_times: bool) -> str:
    """ "Angela visited this morning, 8.05 to 9.50." Times only if the person shares check-ins."""
    words = _done_words(visit, with_times=with_times)
    if not with_times:
        return _("%(name)s visited %(when)s.") % words
    return _("%(name)s visited %(when)s, %(start)s to %(end)s.") % words


def visited_you(visit: Visit, *, with_times: bool) -> str:
    """ "Angela came to see you this morning, 8.05 to 9.50." """
    words = _done_words(visit, with_times=with_times)
    if not with_times:
        return _("%(name)s came to see you %(when)s.") % words
    return _("%(name)s came to see you %(when)s, %(start)s to %(end)s.") % words


def instead_sentence(visit: Visit, person_name: str, today: dt.date) -> str:
    """ "Kasia is coming to Jean instead, this morning, between 8 and 10." """
    from teams.rota.selectors import window_words

    name = visit.carer.get_short_name() if visit.carer else _("Someone from the team")
    return _("%(name)s is coming to %(person)s instead, %(window)s.") % {
        "name": name,
        "person": person_name,
        "window": window_words(visit, today),
    }

"""Running the tests on another day: the moment KITH_TEST_TODAY (or pytest's --today) names.

A test must never depend on the day it runs. To find the ones that do, the root conftest.py
moves the whole test session's clock to the given moment and lets it tick from there, and the
browser tests' server processes start through this module, which does the same before handing
over to manage.py or daphne:

    KITH_TEST_TODAY=2027-03-28T00:30 python -m pytest -m "not e2e"
    python -m e2e.clock manage.py seed_demo        # seeds the demo as on that day
    python -m e2e.clock -m daphne core.asgi:application

A moment without an offset is a wall-clock time in Europe/London (the project's TIME_ZONE);
a date alone means 09:00 that day. An hour the clocks go back through (01:00 to 02:00 on the
last Sunday of October) is its first, summer-time, pass unless an offset says otherwise:
2026-10-25T01:30+00:00 is the second. `.ci/day-sweep` runs the suite across a week and both
clock changes.
"""

import os
import runpy
import sys
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    import time_machine

ENV = "KITH_TEST_TODAY"
LOCAL = ZoneInfo("Europe/London")  # core.settings.TIME_ZONE; the root conftest checks they agree
MORNING = time(9, 0)
# The browser tests seed the demo's day once, as their server starts, and take a quarter of an
# hour or more: a session that crossed midnight would lose that day halfway through. So a
# session that starts this close to midnight, on the real clock, runs on the next day's instead,
# from JUST_AFTER_MIDNIGHT.
ROOM_BEFORE_MIDNIGHT = timedelta(minutes=90)
JUST_AFTER_MIDNIGHT = time(0, 5)


def parse_today(text: str) -> datetime:
    """The aware moment a KITH_TEST_TODAY value names, or ValueError saying what it expects."""
    text = text.strip()
    try:
        if len(text) == len("2026-12-01"):
            moment = datetime.combine(date.fromisoformat(text), MORNING)
        else:
            moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(
            f"{ENV}={text!r} is not a date or time: give 2026-12-01, 2026-12-01T23:45 "
            "or 2026-10-25T01:30+00:00"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=LOCAL)
    return moment


def clear_of_midnight(now: datetime) -> datetime | None:
    """The next day's JUST_AFTER_MIDNIGHT when now is too close to midnight, else None."""
    local = now.astimezone(LOCAL)
    next_day = local.date() + timedelta(days=1)
    midnight = datetime.combine(next_day, time(0, 0), tzinfo=LOCAL)
    if midnight.timestamp() - now.timestamp() > ROOM_BEFORE_MIDNIGHT.total_seconds():
        return None
    return datetime.combine(next_day, JUST_AFTER_MIDNIGHT, tzinfo=LOCAL)


def start_travel(value: str) -> "time_machine.travel":
    """Move this process's clock to the moment value names, ticking on from there."""
    import time_machine

    traveller = time_machine.travel(parse_today(value), tick=True)
    traveller.start()
    return traveller


def main(argv: list[str]) -> None:
    """`python -m e2e.clock [-m module | script] args...` on the day KITH_TEST_TODAY names."""
    if not argv:
        sys.exit("usage: python -m e2e.clock [-m module | script.py] [arguments...]")
    if value := os.environ.get(ENV, ""):
        start_travel(value)
    if argv[0] == "-m":
        sys.argv = [argv[1], *argv[2:]]
        runpy.run_module(argv[1], run_name="__main__", alter_sys=True)
    else:
        sys.argv = list(argv)
        runpy.run_path(argv[0], run_name="__main__")


if __name__ == "__main__":
    main(sys.argv[1:])

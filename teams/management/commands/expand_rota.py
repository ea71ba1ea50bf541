"""`manage.py expand_rota`: keep every repeating visit on the rota several weeks ahead.

Run it once a day (cron or a systemd timer). Expanding is idempotent, so running it twice,
or from two machines at once, never makes a visit twice.
"""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from teams.rota.clock import local_today
from teams.rota.services import WEEKS_AHEAD, patterns_expand_all


class Command(BaseCommand):
    help = "Make the visits of every repeating pattern up to several weeks ahead."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--weeks", type=int, default=WEEKS_AHEAD)

    def handle(self, *args: Any, weeks: int, **options: Any) -> None:
        made = patterns_expand_all(until=local_today() + dt.timedelta(weeks=weeks))
        self.stdout.write(f"{made} new visits")

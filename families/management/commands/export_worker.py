"""Make the record copies people asked for: a plain loop, no broker.

    python manage.py export_worker            # run until stopped (SIGTERM or Ctrl-C)
    python manage.py export_worker --once     # make what is waiting now, then exit

Several workers may run at once: each claims its own rows with a conditional UPDATE.
"""

import os
import signal
import time

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from core.heartbeat import EXPORT_WORKER, Heartbeat
from families.services.export import record_exports_build_waiting


class Command(BaseCommand):
    help = "Make the record copies (subject access exports) people asked for."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Make what waits, then exit.")
        parser.add_argument(
            "--interval", type=float, default=2.0, help="Seconds between looks when idle."
        )
        parser.add_argument(
            "--stop-with-parent",
            action="store_true",
            help="Exit when the process that started this one exits.",
        )

    def handle(self, *args: object, once: bool, interval: float, **options: object) -> None:
        if once:
            self.stdout.write(f"made {record_exports_build_waiting()}")
            return
        stop = {"now": False}

        def _stop(signum: int, frame: object) -> None:
            stop["now"] = True  # finish the copy in hand, then leave

        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
        parent = os.getppid()
        heartbeat = Heartbeat(EXPORT_WORKER)
        while not stop["now"]:
            if options["stop_with_parent"] and os.getppid() != parent:
                break
            close_old_connections()
            heartbeat.beat()  # /health/ready: the export worker is going round
            if not record_exports_build_waiting(limit=1):
                time.sleep(interval)

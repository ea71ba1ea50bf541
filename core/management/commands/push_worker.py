"""Send queued Web Push notifications: a plain loop, no broker.

    python manage.py push_worker            # run until stopped (SIGTERM or Ctrl-C)
    python manage.py push_worker --once     # send what is due now, then exit

Several workers may run at once (on PostgreSQL): each claims its own rows. `make run`
starts one beside the server with --stop-with-parent, so it ends when the server does.
"""

import os
import signal
import time

import structlog
from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from core.heartbeat import PUSH_WORKER, Heartbeat
from core.push.delivery import Deliverer, deliver_due, prune_finished, settle_worker_process

PRUNE_EVERY_SECONDS = 60 * 60


class Command(BaseCommand):
    help = "Send queued Web Push notifications."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Send what is due, then exit.")
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="Seconds between looks at the outbox when it is empty.",
        )
        parser.add_argument(
            "--stop-with-parent",
            action="store_true",
            help="Exit when the process that started this one exits.",
        )

    def handle(self, *args: object, once: bool, interval: float, **options: object) -> None:
        if once:
            report = deliver_due()
            self.stdout.write(
                f"sent {report.sent}, retrying {report.retrying}, failed {report.failed}, "
                f"gone {report.gone}, dropped {report.dropped}"
            )
            return

        stop = {"now": False}

        def _stop(signum: int, frame: object) -> None:
            stop["now"] = True  # finish what is in flight, then leave

        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
        parent = os.getppid()
        watch_parent = bool(options["stop_with_parent"])
        last_prune = 0.0
        last_tidy = time.monotonic()
        heartbeat = Heartbeat(PUSH_WORKER)

        def should_stop() -> bool:
            nonlocal last_prune, last_tidy
            heartbeat.beat()  # /health/ready: the push worker is going round
            if watch_parent and os.getppid() != parent:
                stop["now"] = True
            if time.monotonic() - last_prune > PRUNE_EVERY_SECONDS:
                last_prune = time.monotonic()
                prune_finished()
            if time.monotonic() - last_tidy > 30:
                last_tidy = time.monotonic()
                # A long-running loop must not keep a connection the database has dropped.
                close_old_connections()
            return stop["now"]

        deliverer = Deliverer()
        settle_worker_process()
        self.stdout.write("Push worker started.")
        try:
            # Its lines say which worker wrote them; each names the push message it is about.
            with structlog.contextvars.bound_contextvars(job="push_worker"):
                deliverer.run(should_stop=should_stop, idle_seconds=interval)
        finally:
            deliverer.close()
        self.stdout.write("Push worker stopped.")

"""`make lint`: fails when a word is not marked for translation or a catalogue has drifted."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.i18n import catalogue_check, python_check, templates_check


class Command(BaseCommand):
    help = (
        "Check that templates and Python mark the words people read, and that every catalogue "
        "is whole and compiled."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        roots = sorted(Path(settings.BASE_DIR).glob("*/templates"))
        problems = [
            f"{path}: words not marked for translation: {' '.join(words[:8])}"
            for path, words in templates_check.unmarked_in(roots).items()
        ]
        base = Path(settings.BASE_DIR)
        problems += [
            f"{found}: words people read, not marked for translation"
            for found in python_check.unmarked_in(
                [base / app for app in ("core", "families", "teams", "frontend")], base
            )
        ]
        problems += catalogue_check.problems()
        if problems:
            raise CommandError("\n".join(problems))
        self.stdout.write("Every word is marked, and every catalogue is whole and compiled.")

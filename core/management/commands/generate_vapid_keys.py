"""Print a fresh VAPID key pair as environment lines, for production's configuration.

    python manage.py generate_vapid_keys >> /etc/kith/env

Changing the keys later orphans every device that already subscribed: they must turn
notifications on again. Keep the private key as secret as SECRET_KEY.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.push.vapid import generate_keys


class Command(BaseCommand):
    help = "Print a new VAPID key pair as VAPID_PUBLIC_KEY / VAPID_PRIVATE_KEY / VAPID_SUBJECT."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--subject",
            default=settings.VAPID_SUBJECT,
            help="A mailto: or https:// address push services may contact about Kith.",
        )

    def handle(self, *args: object, subject: str, **options: object) -> None:
        if not subject.startswith(("mailto:", "https://")):
            raise CommandError("The subject must be a mailto: or https:// address.")
        keys = generate_keys()
        self.stdout.write(f"VAPID_PUBLIC_KEY={keys.public_key}")
        self.stdout.write(f"VAPID_PRIVATE_KEY={keys.private_key}")
        self.stdout.write(f"VAPID_SUBJECT={subject}")

"""Delete what Kith no longer needs to keep, and say what was done.

    python manage.py apply_retention --dry-run   # say what would go; change nothing
    python manage.py apply_retention             # do it

Run it daily (cron or a systemd timer). The rule is in families/services/retention.py and
its settings (RETENTION_YEARS_AFTER_SUPPORT_ENDS, RETENTION_EXPORT_DAYS) in the environment.
"""

from django.core.management.base import BaseCommand, CommandParser

from families.services.retention import apply_retention


class Command(BaseCommand):
    help = "Apply the retention rule: old care records, accounts asked to be deleted, old copies."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would be done; change nothing."
        )

    def handle(self, *args: object, dry_run: bool, **options: object) -> None:
        report = apply_retention(dry_run=dry_run)
        if dry_run:
            self.stdout.write("Dry run: nothing was changed.")
        for line in report.lines:
            self.stdout.write(line)
        self.stdout.write(
            f"people: {report.people_deleted}, accounts: {report.accounts_deleted}, "
            f"posts without a name: {report.posts_anonymised}, copies: {report.exports_deleted}"
        )

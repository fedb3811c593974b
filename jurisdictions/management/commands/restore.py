"""Replace the database's contents with a backup made by `manage.py backup`."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from jurisdictions.backups import BackupError, restore


class Command(BaseCommand):
    help = "Restore a backup file made by `manage.py backup` (pg_restore, in one transaction)."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="The .dump file to restore.")
        parser.add_argument(
            "--noinput", "--no-input", action="store_false", dest="interactive", help="Do not ask for confirmation."
        )

    def handle(self, *args, path, interactive, **options):
        if interactive:
            answer = input(f"Replace every record in the database with the contents of {path}? [y/N] ")
            if answer.strip().lower() not in {"y", "yes"}:
                raise CommandError("Restore cancelled; nothing changed.")
        try:
            restore(path=path)
        except BackupError as error:
            raise CommandError(f"{error}. Nothing was changed.") from None
        self.stdout.write(self.style.SUCCESS(f"Restored {path}."))

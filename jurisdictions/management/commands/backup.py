"""Back up the database to a date-named file (pg_dump, custom format)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from jurisdictions.backups import BackupError, back_up


class Command(BaseCommand):
    help = "Write the whole database to var/backups/atlas-YYYY-MM-DD-HHMMSS.dump (pg_dump custom format)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--directory",
            type=Path,
            default=settings.ATLAS_BACKUP_DIR,
            help="Folder for the backup file (default: var/backups/).",
        )

    def handle(self, *args, directory, **options):
        try:
            path = back_up(directory=directory)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(f"Backed up to {path} ({path.stat().st_size:,} bytes)."))

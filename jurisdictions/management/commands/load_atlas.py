"""Load the curated dataset in fixtures/ into the database without overwriting editors' work."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from jurisdictions.dataset import DatasetError, read_dataset
from jurisdictions.dataset_sync import load_dataset
from jurisdictions.models import DatasetLoad


class DryRunRollback(Exception):
    """Raised to roll back a dry run after reporting."""


class Command(BaseCommand):
    help = (
        "Load the curated dataset (YAML under fixtures/). New records are created; a record whose file "
        "entry changed is updated only if nobody changed it in the database since the last load; "
        "otherwise it is kept and reported as a conflict. A second run changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--path",
            type=Path,
            default=settings.ATLAS_FIXTURES_DIR,
            help="Folder of dataset files (default: fixtures/).",
        )
        parser.add_argument(
            "--if-changed", action="store_true", help="Skip the load when the files are unchanged since the last load."
        )
        parser.add_argument(
            "--prune-events", action="store_true", help="Also delete policy events that the dataset no longer lists."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Print exactly what would change, then roll everything back."
        )
        parser.add_argument(
            "--take-files",
            action="store_true",
            help="Resolve every conflict in favour of the files, replacing what was changed in the database. "
            "Run with --dry-run first to see what would be lost.",
        )

    def handle(self, *args, path, if_changed, prune_events, dry_run, take_files, **options):
        try:
            dataset = read_dataset(path)
        except DatasetError as error:
            raise CommandError(str(error)) from None
        last = DatasetLoad.objects.order_by("-loaded_at").first()
        if if_changed and last and last.digest == dataset.digest:
            self.stdout.write(f"Dataset unchanged since {last.loaded_at:%Y-%m-%d %H:%M}; nothing to do.")
            return
        try:
            with transaction.atomic():
                report = load_dataset(dataset, prune_events=prune_events, take_files=take_files)
                if report.changed or report.conflicts or last is None or last.digest != dataset.digest:
                    DatasetLoad.objects.create(
                        digest=dataset.digest, summary="\n".join(report.lines() + report.detail())
                    )
                for line in report.detail():
                    self.stdout.write(line)
                for line in report.lines():
                    self.stdout.write(line)
                if dry_run:
                    raise DryRunRollback
        except DryRunRollback:
            self.stdout.write(self.style.WARNING("Dry run: nothing was written."))
            return
        if report.conflicts:
            self.stdout.write(
                self.style.WARNING(
                    f"{len(report.conflicts)} conflict(s): the database versions were kept. Resolve them in the "
                    "admin, or write the database back to the files with `manage.py dump_atlas`, or take the "
                    "files' side with --take-files (try it with --dry-run first)."
                )
            )
        verdict = "Dataset loaded." if report.changed else "Dataset already up to date."
        self.stdout.write(self.style.SUCCESS(verdict))

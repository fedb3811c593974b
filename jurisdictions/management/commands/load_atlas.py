"""Load the curated dataset in fixtures/ into the database, idempotently."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from jurisdictions.dataset import DatasetError, read_dataset
from jurisdictions.models import DatasetLoad
from jurisdictions.services import load_dataset


class DryRunRollback(Exception):
    """Raised to roll back a dry run after reporting."""


class Command(BaseCommand):
    help = (
        "Load the curated dataset (YAML under fixtures/). Rows are matched by their keys and "
        "written only when they differ: a second run changes nothing."
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
            "--dry-run", action="store_true", help="Report what would change, then roll everything back."
        )

    def handle(self, *args, path, if_changed, prune_events, dry_run, **options):
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
                report = load_dataset(dataset, prune_events=prune_events)
                if report.changed or last is None or last.digest != dataset.digest:
                    DatasetLoad.objects.create(digest=dataset.digest, summary="\n".join(report.lines()))
                for line in report.lines():
                    self.stdout.write(line)
                if dry_run:
                    raise DryRunRollback
        except DryRunRollback:
            self.stdout.write(self.style.WARNING("Dry run: nothing was written."))
            return
        verdict = "Dataset loaded." if report.changed else "Dataset already up to date."
        self.stdout.write(self.style.SUCCESS(verdict))

"""Write the published records back to the curated dataset files (the format load_atlas reads)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from jurisdictions.dataset_sync import dump_dataset


class Command(BaseCommand):
    help = (
        "Write every published record to YAML under fixtures/ (or --path), each back in the file it was "
        "loaded from, so curated changes made in the admin can be reviewed and committed in git."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--path", type=Path, default=settings.ATLAS_FIXTURES_DIR, help="Folder to write (default: fixtures/)."
        )

    def handle(self, *args, path, **options):
        written = dump_dataset(root=path)
        self.stdout.write(self.style.SUCCESS(f"Wrote {len(written)} file(s) under {path}."))

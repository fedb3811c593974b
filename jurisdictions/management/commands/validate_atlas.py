"""Check the curated dataset files without touching the database."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from jurisdictions.dataset import DatasetError, read_dataset
from jurisdictions.validation import periods_older_than_their_laws, validate_dataset


class Command(BaseCommand):
    help = (
        "Validate fixtures/: shape, vocabulary, sources with well-formed URLs, no overlaps, "
        "no parent cycles, no duplicate sources, real ISO codes, a regime for every "
        "jurisdiction today, and the coding rules of docs/DATA.md that a machine can check "
        "(encyclopedia-only records are low confidence; 'varies' parents have units coded for the "
        "whole period; statute citations name their section; in-force dates are not passage dates)."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--path", type=Path, default=settings.ATLAS_FIXTURES_DIR)
        parser.add_argument(
            "--coverage",
            action="store_true",
            help="Also require every UN member and observer state, Taiwan, Kosovo, Hong Kong and Macau.",
        )

    def handle(self, *args, path, coverage, **options):
        try:
            dataset = read_dataset(path)
        except DatasetError as error:
            raise CommandError(str(error)) from None
        problems = validate_dataset(dataset, today=timezone.localdate(), require_coverage=coverage)
        if problems:
            raise CommandError(f"{len(problems)} problem(s):\n" + "\n".join(problems))
        warnings = periods_older_than_their_laws(dataset)
        for warning in warnings:
            self.stdout.write(self.style.WARNING(f"warning: {warning}"))
        periods = sum(len(r.periods) for r in dataset.jurisdictions.values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Dataset valid: {len(dataset.jurisdictions)} jurisdictions, {periods} regime periods, "
                f"{len(dataset.events)} events, {len(dataset.sources)} sources"
                + (f" ({len(warnings)} warning(s) above)." if warnings else ".")
            )
        )

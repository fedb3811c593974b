"""Write the whole-dataset export files for the current data version (models_compare/export_files.py)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from models_compare import export_files
from models_compare.data_views import WHOLE_EXPORTS, build_whole_export


class Command(BaseCommand):
    help = (
        "Write the whole-dataset downloads (jurisdictions, periods, events, panel; CSV and JSON, "
        "each with a gzip copy) for the current data version, unless they exist. --watch keeps "
        "doing so whenever the data changes."
    )

    def add_arguments(self, parser):
        parser.add_argument("--only", choices=sorted(WHOLE_EXPORTS), action="append", help="one export (repeatable)")
        parser.add_argument("--watch", action="store_true", help="keep running: rebuild when the data version moves")
        parser.add_argument("--interval", type=float, default=2.0, help="with --watch: seconds between checks")

    def handle(self, *args, only, watch, interval, **options):
        names = only or sorted(WHOLE_EXPORTS)
        if interval <= 0:
            raise CommandError("--interval must be positive.")
        while True:
            for name in names:
                self.build(name, quiet=watch)
            if not watch:
                return
            time.sleep(interval)

    def build(self, name: str, *, quiet: bool) -> None:
        with export_files.build_lock(name, wait=False) as taken:
            if not taken:
                self.stdout.write(f"{name}: another process is writing it")
                return
            started = time.monotonic()
            version = build_whole_export(name)
            if not quiet or time.monotonic() - started > 0.5:
                self.stdout.write(
                    f"{name}: files for data version {version.number} in {export_files.directory()} "
                    f"({time.monotonic() - started:.1f} s)"
                )

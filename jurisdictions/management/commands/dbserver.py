"""Start, stop or inspect the embedded PostgreSQL server (used when DATABASE_URL is unset)."""

import os

from django.core.management.base import BaseCommand, CommandError

from config.embedded_postgres import EmbeddedPostgres, EmbeddedPostgresError


class Command(BaseCommand):
    help = (
        "Manage the project's embedded PostgreSQL server: start, stop or status; "
        "url prints a DATABASE_URL for it (e.g. to try `make serve` locally)."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["start", "stop", "status", "url"])

    def handle(self, *args, action, **options):
        if os.environ.get("DATABASE_URL"):
            raise CommandError("DATABASE_URL is set: the embedded server is not in use.")
        try:
            cluster = EmbeddedPostgres.from_environment()
            if action == "url":
                self.stdout.write(cluster.database_url())
                return
            if action == "start":
                cluster.ensure_running()
            elif action == "stop":
                stopped = cluster.stop()
                self.stdout.write("Stopped." if stopped else "Not running.")
                return
            self.stdout.write(cluster.status_line())
        except EmbeddedPostgresError as error:
            raise CommandError(str(error)) from None

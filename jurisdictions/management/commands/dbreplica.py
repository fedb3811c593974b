"""A local streaming replica of the embedded PostgreSQL server (README, Performance: replicas)."""

import os
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from config.embedded_postgres import SUPERUSER, EmbeddedPostgres, EmbeddedPostgresError
from config.embedded_replica import EmbeddedReplica


class Command(BaseCommand):
    help = (
        "A hot-standby copy of the embedded server in var/postgres-replica: create (pg_basebackup), "
        "start, stop, or url (a DATABASE_REPLICA_URLS entry for it)."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["create", "start", "stop", "url"])
        parser.add_argument("--dir", default=str(Path(settings.BASE_DIR) / "var" / "postgres-replica"))

    def handle(self, *args, action, dir, **options):
        if os.environ.get("DATABASE_URL"):
            raise CommandError("DATABASE_URL is set: make replicas of that server with its own tools.")
        primary = EmbeddedPostgres.from_environment()
        replica = EmbeddedReplica(primary=primary, base_dir=Path(dir).resolve(), port=primary.port + 1)
        try:
            if action == "create":
                replica.create()
                replica.start()
                self.stdout.write(f"Replica running in {replica.data_dir}, following the embedded server.")
            elif action == "start":
                replica.start()
            elif action == "stop":
                replica.stop()
            else:
                database = settings.DATABASES["default"]["NAME"]
                self.stdout.write(
                    f"postgres://{SUPERUSER}@{quote(str(replica.socket_dir), safe='')}:{replica.port}/{database}"
                )
        except EmbeddedPostgresError as error:
            raise CommandError(str(error)) from None

# ruff: noqa: S608 -- SQL is assembled from model metadata (table and column names), never from input.
"""Fill a separate database with the curated dataset multiplied, for benchmarks at 10x and 100x.

``manage.py synthesize_atlas --scale 100`` creates (or refills) the database ``atlas_x100`` on
the same PostgreSQL server, migrates it, loads the curated dataset, then adds ``scale - 1``
copies of every jurisdiction tree (names suffixed " 2", " 3", ...; slugs "-x2", "-x3", ...; no
ISO code, so the world map is unchanged) with their regime periods, events and citations, and
synthetic events until there are about 5,000 events per 1x (100x: ~28,000 jurisdictions,
~500,000 events). Copies are published like the originals. The rows are written with
INSERT ... SELECT with row triggers off (no history rows: this is not editorial work), then
the data version is bumped and the tables vacuumed and analysed.

Serve or benchmark it with ``ATLAS_PG_DATABASE=atlas_x100``. Never point it at real data:
it refuses to write into a database whose name does not start with ``atlas_x``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

EVENTS_PER_SCALE = 5000


class Command(BaseCommand):
    help = "Create database atlas_x<scale> with the curated data multiplied <scale> times (10, 100)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, required=True, help="e.g. 10 or 100")
        parser.add_argument(
            "--fill", action="store_true", help="(internal) multiply the rows of the database this command runs against"
        )

    def handle(self, *args, scale, fill, **options):
        if not 2 <= scale <= 1000:
            raise CommandError("--scale must be between 2 and 1000.")
        if fill:
            return self.fill(scale)
        name = f"atlas_x{scale}"
        started = time.monotonic()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone():
                cursor.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            cursor.execute(f'CREATE DATABASE "{name}"')
        env = {**os.environ, "ATLAS_PG_DATABASE": name}
        if os.environ.get("DATABASE_URL"):
            base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
            env["DATABASE_URL"] = f"{base}/{name}"
        for step in (
            ["migrate", "--noinput", "-v0"],
            ["setup_roles"],
            ["load_atlas"],
            ["synthesize_atlas", "--scale", str(scale), "--fill"],
        ):
            self.stdout.write(f"{name}: manage.py {' '.join(step)}")
            subprocess.run(  # noqa: S603 (this project's manage.py)
                [sys.executable, "manage.py", *step], env=env, cwd=settings.BASE_DIR, check=True
            )
        self.stdout.write(f"{name} ready in {time.monotonic() - started:.0f} s. Use it with ATLAS_PG_DATABASE={name}.")

    def fill(self, scale: int) -> None:
        from jurisdictions.data_version import TABLE as VERSION_TABLE
        from jurisdictions.models import (
            Jurisdiction,
            PolicyEvent,
            PolicyEventSource,
            RegimePeriod,
            RegimePeriodSource,
        )

        database = connection.settings_dict["NAME"]
        if not database.startswith("atlas_x"):
            raise CommandError(f"Refusing to multiply rows in {database!r}: only atlas_x<scale> databases.")
        if Jurisdiction.objects.filter(slug__regex=r"-x[0-9]+$").exists():
            raise CommandError(f"{database} already holds synthetic rows; run without --fill to recreate it.")

        def columns(model, overrides: dict[str, str], alias: str) -> tuple[str, str]:
            names, values = [], []
            for field in model._meta.concrete_fields:
                if field.primary_key:
                    continue
                names.append(f'"{field.column}"')
                values.append(overrides.get(field.column, f'{alias}."{field.column}"'))
            return ", ".join(names), ", ".join(values)

        j_table, p_table = Jurisdiction._meta.db_table, RegimePeriod._meta.db_table
        e_table, pc_table = PolicyEvent._meta.db_table, RegimePeriodSource._meta.db_table
        ec_table = PolicyEventSource._meta.db_table
        started = time.monotonic()
        with transaction.atomic(), connection.cursor() as cursor:
            # Row triggers (history, parent-cycle check) and FK checks off: the copies are consistent.
            cursor.execute("SET LOCAL session_replication_role = replica")
            cursor.execute(f"CREATE TEMP TABLE originals ON COMMIT DROP AS SELECT * FROM {j_table}")
            cursor.execute("CREATE TEMP TABLE copies ON COMMIT DROP AS SELECT k FROM generate_series(2, %s) k", [scale])
            names, values = columns(
                Jurisdiction,
                {
                    "name": "o.name || ' ' || c.k",
                    "slug": "o.slug || '-x' || c.k",
                    "iso_code": "''",
                    "parent_id": "NULL",
                    "updated_at": "now()",
                },
                "o",
            )
            cursor.execute(f"INSERT INTO {j_table} ({names}) SELECT {values} FROM originals o CROSS JOIN copies c")
            cursor.execute(f"""
                CREATE TEMP TABLE jmap ON COMMIT DROP AS
                SELECT o.id AS orig_id, c.k, n.id AS new_id
                FROM originals o CROSS JOIN copies c JOIN {j_table} n ON n.slug = o.slug || '-x' || c.k""")
            cursor.execute("CREATE INDEX ON jmap (orig_id, k)")
            cursor.execute(f"""
                UPDATE {j_table} n SET parent_id = pm.new_id
                FROM jmap m JOIN originals o ON o.id = m.orig_id JOIN jmap pm ON pm.orig_id = o.parent_id AND pm.k = m.k
                WHERE n.id = m.new_id""")
            # Events: copies of the curated ones, then synthetic ones up to the target count.
            cursor.execute(f"CREATE TEMP TABLE event_originals ON COMMIT DROP AS SELECT * FROM {e_table}")
            names, values = columns(
                PolicyEvent,
                {
                    "slug": "e.slug || '-x' || m.k",
                    "jurisdiction_id": "m.new_id",
                    "updated_at": "now()",
                },
                "e",
            )
            cursor.execute(
                f"INSERT INTO {e_table} ({names}) SELECT {values} FROM event_originals e "
                f"JOIN jmap m ON m.orig_id = e.jurisdiction_id"
            )
            names_c, values_c = columns(PolicyEventSource, {"event_id": "n.id"}, "s")
            cursor.execute(f"""
                INSERT INTO {ec_table} ({names_c}) SELECT {values_c}
                FROM {ec_table} s JOIN event_originals e ON e.id = s.event_id
                JOIN copies c ON true JOIN {e_table} n ON n.slug = e.slug || '-x' || c.k""")
            cursor.execute(f"SELECT count(*) FROM {e_table}")
            missing = EVENTS_PER_SCALE * scale - cursor.fetchone()[0]
            if missing > 0:
                names, values = columns(
                    PolicyEvent,
                    {
                        "slug": "'synthetic-event-' || g",
                        "jurisdiction_id": "a.ids[1 + g %% a.n]",
                        "date": "DATE '1990-01-01' + (g * 37 %% 13000)",
                        "date_precision": "'day'",
                        "title": "'Synthetic event ' || g",
                        "updated_at": "now()",
                    },
                    "t",
                )
                cursor.execute(
                    f"""
                    INSERT INTO {e_table} ({names}) SELECT {values}
                    FROM generate_series(1, %s) g
                    CROSS JOIN (SELECT array_agg(new_id ORDER BY new_id) AS ids, count(*)::int AS n FROM jmap) a
                    CROSS JOIN (SELECT * FROM event_originals
                        WHERE jurisdiction_id IS NOT NULL ORDER BY id LIMIT 1) t""",
                    [missing],
                )
            # Regime periods and their citations.
            cursor.execute(f"CREATE TEMP TABLE period_originals ON COMMIT DROP AS SELECT * FROM {p_table}")
            names, values = columns(
                RegimePeriod,
                {
                    "jurisdiction_id": "m.new_id",
                    "enacted_by_id": "NULL",
                    "updated_at": "now()",
                },
                "p",
            )
            cursor.execute(
                f"INSERT INTO {p_table} ({names}) SELECT {values} FROM period_originals p "
                f"JOIN jmap m ON m.orig_id = p.jurisdiction_id"
            )
            names_c, values_c = columns(RegimePeriodSource, {"regime_period_id": "n.id"}, "s")
            cursor.execute(f"""
                INSERT INTO {pc_table} ({names_c}) SELECT {values_c}
                FROM {pc_table} s JOIN period_originals p ON p.id = s.regime_period_id
                JOIN jmap m ON m.orig_id = p.jurisdiction_id
                JOIN {p_table} n ON n.jurisdiction_id = m.new_id AND n.start_date = p.start_date
                    AND n.status = p.status""")
            cursor.execute(
                f"UPDATE {VERSION_TABLE} SET number = number + 1, changed_at = GREATEST("
                f"date_trunc('second', clock_timestamp()), changed_at + interval '1 second')"
            )
        with connection.cursor() as cursor:
            # VACUUM too: its visibility map lets the covering indexes answer from the index alone,
            # as they do on a database that has lived a while (autovacuum).
            cursor.execute("VACUUM (ANALYZE)")
            counts = {}
            for label, table in (("jurisdictions", j_table), ("regime periods", p_table), ("events", e_table)):
                cursor.execute(f"SELECT count(*) FROM {table}")
                counts[label] = cursor.fetchone()[0]
        self.stdout.write(
            f"{database}: "
            + ", ".join(f"{n:,} {label}" for label, n in counts.items())
            + f" ({time.monotonic() - started:.0f} s)"
        )

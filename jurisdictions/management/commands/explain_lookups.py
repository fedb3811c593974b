"""Print PostgreSQL's plans (EXPLAIN ANALYZE) of the as-of and changed-since lookups.

``manage.py explain_lookups`` runs each lookup the public pages make by date against the
database in use and prints its plan with real timings and buffers; ``--output FILE`` writes
them as Markdown (docs/QUERY_PLANS.md holds a run against the 100x synthetic database:
``ATLAS_PG_DATABASE=atlas_x100 manage.py explain_lookups --output docs/QUERY_PLANS.md``).
"""

from __future__ import annotations

import datetime
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand
from django.db import connection
from django.db.models import Q, QuerySet

from jurisdictions.models import Jurisdiction, PolicyEvent, RegimePeriod

D = datetime.date


def lookups(*, as_of: datetime.date, since: datetime.date, place: str) -> list[tuple[str, str, QuerySet[Any]]]:
    """(title, where the site makes it, queryset): the same querysets the pages use."""
    return [
        (
            "As of a date: one page of places with the law on that date",
            f"browse, `/jurisdictions/?as_of={as_of}&page=2` (Jurisdiction.public.with_regime)",
            Jurisdiction.public.with_regime(as_of=as_of).order_by("name", "pk")[50:100],
        ),
        (
            "As of a date: one place's regime",
            f"a jurisdiction's page, `/jurisdictions/{place}/?as_of={as_of}`",
            RegimePeriod.objects.public().in_force(as_of).filter(jurisdiction__slug=place),
        ),
        (
            "As of a date: every place (the map and the counts, once per data version)",
            f"home, `/?as_of={as_of}` (counts.regime_rows)",
            Jurisdiction.public.with_regime(as_of=as_of)
            .order_by("name", "pk")
            .values_list("slug", "regime_model_slug", "regime_varies", "regime_since"),
        ),
        (
            "Changed since a date: places whose law began or ended, or that had an event, since then",
            f"browse, `/jurisdictions/?changed_since={since.year}` (JurisdictionQuerySet.changed_since)",
            Jurisdiction.public.with_regime().changed_since(since).order_by("name", "pk")[:50],
        ),
        (
            "Changed since a date: regime periods that began or ended since then",
            "RegimePeriod.objects.public(), start or end on or after the date",
            RegimePeriod.objects.public().filter(Q(start_date__gte=since) | Q(end_date__gte=since)),
        ),
        (
            "Changed since a date: the newest events",
            f"events, `/events/?date_from={since}` (newest first, one page)",
            PolicyEvent.objects.public().filter(date__gte=since).select_related("jurisdiction").newest_first()[:50],
        ),
    ]


class Command(BaseCommand):
    help = "EXPLAIN (ANALYZE, BUFFERS) of the as-of and changed-since lookups, against the database in use."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", type=D.fromisoformat, default=D(2000, 1, 1))
        parser.add_argument("--since", type=D.fromisoformat, default=D(2015, 1, 1))
        parser.add_argument("--place", default="sweden", help="a jurisdiction's slug")
        parser.add_argument("--output", type=Path, help="write Markdown to this file")

    def handle(self, *args, as_of, since, place, output, **options):
        counts = {
            "jurisdictions": Jurisdiction.objects.count(),
            "regime periods": RegimePeriod.objects.count(),
            "events": PolicyEvent.objects.count(),
        }
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            server = cursor.fetchone()[0]
        lines = [
            "# Query plans of the as-of and changed-since lookups",
            "",
            f"`manage.py explain_lookups` against `{connection.settings_dict['NAME']}` "
            f"({', '.join(f'{n:,} {label}' for label, n in counts.items())}), PostgreSQL {server}, "
            f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}. Each plan is PostgreSQL's own "
            "`EXPLAIN (ANALYZE, BUFFERS)` of the queryset the page uses (the second of two runs, so "
            "the pages are in memory as on a running site).",
            "",
        ]
        for title, where, queryset in lookups(as_of=as_of, since=since, place=place):
            queryset.explain(analyze=True)  # warm
            plan = queryset.explain(analyze=True, buffers=True)
            lines += [f"## {title}", "", where, "", "```text", plan, "```", ""]
        text = "\n".join(lines)
        if output:
            output.write_text(text)
            self.stdout.write(f"Wrote {output}.")
        else:
            self.stdout.write(text)

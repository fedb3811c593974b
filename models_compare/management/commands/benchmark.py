"""Time the public pages against the loaded dataset and print figures (no pass/fail)."""

import statistics
import time

from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

PAGES = [
    "/",
    "/jurisdictions/",
    "/jurisdictions/?legal_model=nordic&legal_model=decriminalization&sort=-since",
    "/jurisdictions/?as_of=2000-01-01&region=europe",
    "/jurisdictions/export.csv",
    "/jurisdictions/export.json",
    "/jurisdictions/sweden/",
    "/jurisdictions/united-states/",
    "/compare/?j=sweden&j=new-zealand&j=netherlands&j=germany",
    "/models/",
    "/models/nordic/",
    "/events/",
    "/events/feed/",
    "/map.svg?as_of=2000-12-31",
    "/models/over-time/",
    "/models/over-time.csv",
]


class Command(BaseCommand):
    help = "Request each public page N times in-process and print median and 95th-percentile times and query counts."

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=20)

    def handle(self, *args, repeat, **options):
        client = Client(HTTP_HOST="127.0.0.1")
        self.stdout.write(f"{'page':70} {'status':>6} {'queries':>7} {'p50 ms':>8} {'p95 ms':>8} {'KB':>6}")
        for url in PAGES:
            client.get(url)  # warm caches and the connection
            timings = []
            for _ in range(repeat):
                with CaptureQueriesContext(connection) as queries:
                    start = time.perf_counter()
                    response = client.get(url)
                    timings.append((time.perf_counter() - start) * 1000)
            timings.sort()
            p95 = timings[min(len(timings) - 1, int(len(timings) * 0.95))]
            self.stdout.write(
                f"{url:70} {response.status_code:>6} {len(queries.captured_queries):>7} "
                f"{statistics.median(timings):>8.1f} {p95:>8.1f} {len(response.content) // 1024:>6}"
            )

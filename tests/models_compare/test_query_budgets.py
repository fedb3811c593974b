"""Every public page costs a fixed number of queries, the same at 10 and at 1,000 jurisdictions.

Measured with the response cache off (every request renders). The count includes the
data-version read that the response cache and the chart cache make once per request (once a
second per process in production). Whole-dataset exports are files written beforehand; filtered
exports stream their rows in chunks, one query each.
"""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from jurisdictions.models import Jurisdiction, PolicyEvent, PolicyEventSource, RegimePeriod, RegimePeriodSource, Source
from tests.factories import legal_model

D = datetime.date

PAGES = {
    "home": ("/", 7),
    "browse": ("/jurisdictions/", 6),
    "browse, filtered, page 2": ("/jurisdictions/?legal_model=criminalization&sort=-since&page=2", 5),
    "browse, changed since": ("/jurisdictions/?changed_since=2000", 6),
    "jurisdiction": ("/jurisdictions/place-0001/", 8),
    "jurisdiction feed": ("/jurisdictions/place-0001/feed/", 3),
    "compare, empty": ("/compare/", 2),
    "compare, two places": ("/compare/?j=place-0001&j=place-0002", 6),
    "models": ("/models/", 4),
    "model": ("/models/criminalization/", 4),
    "model feed": ("/models/criminalization/feed/", 3),
    # The count runs with its own statement timeout (SET LOCAL in a block: a savepoint here).
    "models over time": ("/models/over-time/", 6),
    "models over time CSV": ("/models/over-time.csv", 6),
    "map fragment": ("/map/?as_of=2010-12-31", 3),
    "map SVG": ("/map.svg?as_of=2010-12-31", 3),
    "events": ("/events/", 4),
    "events feed": ("/events/feed/", 2),
    # The whole dataset: a file written beforehand (manage.py build_exports), read from disk.
    "export CSV": ("/jurisdictions/export.csv", 1),
    "export JSON": ("/jurisdictions/export.json", 1),
    "panel CSV": ("/jurisdictions/panel.csv", 1),
    "periods JSON": ("/periods/export.json", 1),
    "events CSV": ("/events/export.csv", 1),
    # Filtered: streamed in chunks of rows, one more query per chunk (1,000 places have 2,000
    # periods and 2,000 events).
    "export CSV, filtered": ("/jurisdictions/export.csv?legal_model=criminalization", 4),
    "panel CSV, filtered": ("/jurisdictions/panel.csv?kind=country&from=2020", 3),
    "periods JSON, filtered": ("/periods/export.json?kind=country", 6),
    "events CSV, filtered": ("/events/export.csv?date_from=1990-01-01", 6),
    "API schema": ("/api/openapi.json", 3),
    "codebook": ("/codebook/", 2),
    "upcoming feed": ("/upcoming/feed/", 3),
    "about": ("/about/", 1),
}
WHOLE_EXPORTS = {"export CSV", "export JSON", "panel CSV", "periods JSON", "events CSV"}


def make_places(count: int) -> None:
    """``count`` published countries, each with two periods, two events and their citations."""
    source = Source.objects.create(
        slug="budget", title="A statute", url="https://legislation.example.org/b", kind="statute"
    )
    criminalization, nordic = legal_model("criminalization"), legal_model("nordic")
    places = Jurisdiction.objects.bulk_create(
        [
            Jurisdiction(
                name=f"Place {n:04}", slug=f"place-{n:04}", kind="country", region="europe", status="published"
            )
            for n in range(1, count + 1)
        ]
    )
    periods = []
    for n, place in enumerate(places):
        switch = D(1995 + n % 25, 1, 1)
        common = {
            "jurisdiction": place,
            "status": "published",
            "treatment_of_workers": "criminalized",
            "treatment_of_third_parties": "criminalized",
        }
        periods += [
            RegimePeriod(
                **common,
                legal_model=criminalization,
                start_date=D(1990, 1, 1),
                end_date=switch,
                in_force_before_start=True,
                treatment_of_clients="criminalized",
            ),
            RegimePeriod(**common, legal_model=nordic, start_date=switch, treatment_of_clients="criminalized"),
        ]
    periods = RegimePeriod.objects.bulk_create(periods)
    RegimePeriodSource.objects.bulk_create([RegimePeriodSource(regime_period=p, source=source) for p in periods])
    events = PolicyEvent.objects.bulk_create(
        [
            PolicyEvent(
                jurisdiction=place,
                slug=f"place-{n}-event-{k}",
                date=D(1995 + (n + k) % 25, 1, 1),
                date_precision="year",
                kind="law_passed",
                title=f"Law {k} of place {n}",
                status="published",
            )
            for n, place in enumerate(places)
            for k in range(2)
        ]
    )
    PolicyEventSource.objects.bulk_create([PolicyEventSource(event=e, source=source) for e in events])


# The 1,000-place run writes thousands of rows and streams large exports: slow (make test runs it).
@pytest.fixture(
    scope="module", params=[10, pytest.param(1000, marks=pytest.mark.slow)], ids=["10 places", "1000 places"]
)
def places(request, django_db_setup, django_db_blocker):
    """``make_places(n)`` written once per size, rolled back after (as ``shared_per_module`` does)."""
    with django_db_blocker.unblock():
        block = transaction.atomic()
        block.__enter__()
        make_places(request.param)
        # Planner statistics, as autovacuum keeps them on a real database: without them the
        # planner takes the fresh tables for empty and some exports take seconds, not milliseconds.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    yield request.param
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        block.__exit__(None, None, None)


@pytest.mark.parametrize("name", list(PAGES))
def test_query_budget(client, places, db, settings, name, django_assert_max_num_queries):
    settings.ATLAS_RESPONSE_CACHE = False
    path, budget = PAGES[name]
    if name in WHOLE_EXPORTS:
        call_command("build_exports")  # as a deployment does
    with django_assert_max_num_queries(budget):
        response = client.get(path)
        if response.streaming:
            response.getvalue()  # rows are read while streaming: inside the budget
    assert response.status_code == 200

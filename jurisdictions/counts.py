"""Selectors for every count of jurisdictions per legal model that the site shows.

One rule, one place: the home page's table and map legend, the legal-models page, browse's totals
and the models-over-time chart all count through :func:`tally`, so the same question gets the
same number everywhere and at every date. Each count comes in two scopes, and every table,
legend or chart says which one it shows:

- **countries**: jurisdictions without a parent (countries, and territories the atlas lists on
  their own). A country whose units differ counts once, as "varies within".
- **all coded jurisdictions**: every published jurisdiction, countries and units alike, each
  under its own coding (the United States as "varies within", Nevada as "varies within", Clark
  County under its own model).

A jurisdiction with no published regime on the date counts as "no regime recorded".
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connections, router, transaction
from django.db.models import BooleanField, Count, ExpressionWrapper, Q, QuerySet

from .data_version import per_data_version
from .models import Jurisdiction, LegalModel
from .vocabulary import VARIES

NO_REGIME = "none"
VARIES_NAME = "Varies within"
NO_REGIME_NAME = "No regime recorded"


@dataclass(frozen=True)
class ModelCount:
    """How many jurisdictions fall under one category (a model, 'varies' or 'none') on a date."""

    slug: str
    name: str
    countries: int
    jurisdictions: int

    @property
    def count(self) -> int:
        """The count over every jurisdiction of the set (browse's totals)."""
        return self.jurisdictions

    @property
    def is_model(self) -> bool:
        return self.slug not in (VARIES, NO_REGIME)


def legal_models() -> list[LegalModel]:
    """The five legal models in the site's order: one query (none when they were read since
    the data last changed). The instances are shared by every caller: read them, never change them."""
    return list(per_data_version("legal_models", lambda: list(LegalModel.objects.order_by("position"))))


def model_names() -> list[tuple[str, str]]:
    """(slug, name) of the five legal models, in the site's order (:func:`legal_models`)."""
    return [(model.slug, model.name) for model in legal_models()]


def category(model_slug: str | None, varies: bool | None) -> str:
    """The category a coding counts under: its model's slug, 'varies' or 'none'."""
    if varies:
        return VARIES
    return model_slug or NO_REGIME


def tally(entries: Iterable[tuple[str, bool, int]], models: list[tuple[str, str]]) -> list[ModelCount]:
    """Counts per category from ``(category, is_country, n)`` entries, in the site's order:
    the five models, then 'varies within' and 'no regime recorded' (zeros included)."""
    countries: dict[str, int] = {}
    everything: dict[str, int] = {}
    for slug, is_country, n in entries:
        everything[slug] = everything.get(slug, 0) + n
        if is_country:
            countries[slug] = countries.get(slug, 0) + n
    names = [*models, (VARIES, VARIES_NAME), (NO_REGIME, NO_REGIME_NAME)]
    return [ModelCount(slug, name, countries.get(slug, 0), everything.get(slug, 0)) for slug, name in names]


def model_counts(jurisdictions: QuerySet, *, models: list[tuple[str, str]] | None = None) -> list[ModelCount]:
    """Counts per category of a set of jurisdictions annotated by ``with_regime()`` (browse's
    filtered results): one grouped query, plus one for the model names when not given."""
    rows = (
        jurisdictions.order_by()
        .values(
            "regime_model_slug",
            "regime_varies",
            is_country=ExpressionWrapper(Q(parent__isnull=True), output_field=BooleanField()),
        )
        .annotate(n=Count("pk"))
    )
    entries = [(category(r["regime_model_slug"], r["regime_varies"]), r["is_country"], r["n"]) for r in rows]
    return tally(entries, models if models is not None else model_names())


@dataclass(frozen=True)
class RegimeRow:
    """One published jurisdiction and its regime on a date, as the maps and counts need it."""

    slug: str
    name: str
    iso_code: str
    parent_iso_code: str
    parent_name: str
    is_country: bool
    model: str | None  # the model's slug; None when 'varies' or no regime
    varies: bool
    since: datetime.date | None
    began_earlier: bool
    confidence: str | None
    since_precision: str = "day"

    @property
    def category(self) -> str:
        return category(self.model, self.varies)


def regime_rows(*, as_of: datetime.date) -> list[RegimeRow]:
    """Every published jurisdiction with its regime on ``as_of``: one query, whatever the data
    (none when the same date was read since the data last changed: the maps, the counts and a
    country's map of its units share one reading)."""
    return list(per_data_version(("regime_rows", as_of), lambda: _read_regime_rows(as_of)))


def _read_regime_rows(as_of: datetime.date) -> list[RegimeRow]:
    rows = (
        Jurisdiction.public.with_regime(as_of=as_of)
        .order_by("name", "pk")
        .values_list(
            "slug",
            "name",
            "iso_code",
            "parent__iso_code",
            "parent__name",
            "parent_id",
            "regime_model_slug",
            "regime_varies",
            "regime_since",
            "regime_began_earlier",
            "regime_confidence",
            "regime_since_precision",
        )
    )
    return [
        RegimeRow(
            slug=slug,
            name=name,
            iso_code=iso_code,
            parent_iso_code=parent_code or "",
            parent_name=parent_name or "",
            is_country=parent_id is None,
            model=None if varies else model,
            varies=bool(varies),
            since=since,
            began_earlier=bool(earlier),
            confidence=confidence,
            since_precision=precision or "day",
        )
        for (
            slug,
            name,
            iso_code,
            parent_code,
            parent_name,
            parent_id,
            model,
            varies,
            since,
            earlier,
            confidence,
            precision,
        ) in rows
    ]


def counts_of_rows(rows: Iterable[RegimeRow], models: list[tuple[str, str]]) -> list[ModelCount]:
    """Counts per category of rows already loaded by :func:`regime_rows` (no query)."""
    return tally(((row.category, row.is_country, 1) for row in rows), models)


# Counting every date of the over-time chart reads every published period once per date: about
# a second at 28,000 places. It runs once per data version (models_over_time keeps the result),
# so it may take longer than a page's statements (DATABASE_STATEMENT_TIMEOUT).
OVER_TIME_STATEMENT_TIMEOUT = "20s"


def counts_over_time(*, dates: list[datetime.date], models: list[tuple[str, str]]) -> list[list[ModelCount]]:
    """Counts per category on each date, in one query whatever the data or the number of dates.

    PostgreSQL pairs each published period with the dates it is in force on (the rule of
    ``in_force_q``: started on or before the date, not yet ended; published periods of a place
    never overlap) and counts them per model and scope; the jurisdictions without a period on a
    date ('no regime recorded') are the published jurisdictions of that scope less those counted.
    At 28,000 places and 37 dates the million pairs are counted in the database, not in Python.
    """
    from .models import PublicationStatus, RegimePeriod

    if not dates:
        return []
    place, period, model = (Jurisdiction._meta.db_table, RegimePeriod._meta.db_table, LegalModel._meta.db_table)
    sql = f"""
        WITH d(at) AS (SELECT unnest(%(dates)s::date[])),
        covered AS (
            SELECT d.at, m.slug, p.varies_within, j.parent_id IS NULL AS is_country, count(*) AS n
            FROM {period} p
            JOIN {place} j ON j.id = p.jurisdiction_id AND j.status = %(published)s
            JOIN d ON p.start_date <= d.at AND (p.end_date IS NULL OR p.end_date > d.at)
            LEFT JOIN {model} m ON m.id = p.legal_model_id
            WHERE p.status = %(published)s
            GROUP BY 1, 2, 3, 4
        )
        SELECT at, slug, varies_within, is_country, n FROM covered
        UNION ALL
        SELECT d.at, NULL, NULL, t.is_country,
            t.n - coalesce((SELECT sum(c.n) FROM covered c WHERE c.at = d.at AND c.is_country = t.is_country), 0)
        FROM d CROSS JOIN (
            SELECT parent_id IS NULL AS is_country, count(*) AS n FROM {place}
            WHERE status = %(published)s GROUP BY 1
        ) t
    """  # noqa: S608 (table names from the models' metadata; values are parameters)
    using = router.db_for_read(Jurisdiction) or DEFAULT_DB_ALIAS
    entries: dict[datetime.date, list[tuple[str, bool, int]]] = {at: [] for at in dates}
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        cursor.execute(f"SET LOCAL statement_timeout = '{OVER_TIME_STATEMENT_TIMEOUT}'")
        cursor.execute(sql, {"dates": list(dates), "published": PublicationStatus.PUBLISHED})
        for at, slug, varies, is_country, n in cursor.fetchall():
            if n:
                entries[at].append((category(slug, varies), is_country, int(n)))
    return [tally(entries[at], models) for at in dates]

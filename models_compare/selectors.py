"""Comparative reads: side-by-side comparisons (counts per model: ``jurisdictions.counts``)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from jurisdictions.in_force import in_force_on
from jurisdictions.meta import concrete_field, field_label
from jurisdictions.models import Jurisdiction, RegimePeriod
from jurisdictions.selectors import periods_with_sources

# --- Side-by-side comparison ------------------------------------------------------


@dataclass(frozen=True)
class ComparisonItem:
    """One column: a jurisdiction as of a date (several columns may share a jurisdiction)."""

    slug: str
    as_of: datetime.date
    explicit_date: bool = False

    @property
    def token(self) -> str:
        """How the item is written in a permalink: 'belgium' or 'belgium@2021-01-01'."""
        return f"{self.slug}@{self.as_of.isoformat()}" if self.explicit_date else self.slug


@dataclass
class ComparisonColumn:
    item: ComparisonItem
    jurisdiction: Jurisdiction
    period: RegimePeriod | None


@dataclass
class ComparisonRow:
    label: str
    values: list[str]
    help: str = ""
    group: str = ""

    @property
    def differs(self) -> bool:
        return len(set(self.values)) > 1


@dataclass
class Comparison:
    columns: list[ComparisonColumn]
    rows: list[ComparisonRow] = field(default_factory=list)

    @property
    def difference_count(self) -> int:
        return sum(row.differs for row in self.rows)


NOT_IN_FORCE = "No regime recorded on this date"


def build_comparison(*, items: list[ComparisonItem]) -> Comparison:
    """Columns for each item and one row per compared attribute, in three queries."""
    slugs = {item.slug for item in items}
    jurisdictions = {j.slug: j for j in Jurisdiction.public.filter(slug__in=slugs).select_related("parent")}
    periods = defaultdict(list)
    for period in periods_with_sources().public().filter(jurisdiction__slug__in=slugs):
        periods[period.jurisdiction_id].append(period)
    columns = []
    for item in items:
        jurisdiction = jurisdictions[item.slug]
        period = next((p for p in periods[jurisdiction.pk] if in_force_on(p, item.as_of)), None)
        columns.append(ComparisonColumn(item, jurisdiction, period))
    return Comparison(columns=columns, rows=_comparison_rows(columns))


def _comparison_rows(columns: list[ComparisonColumn]) -> list[ComparisonRow]:
    def each(describe) -> list[str]:
        return [describe(column.period) if column.period else NOT_IN_FORCE for column in columns]

    def model_name(period):
        return "Varies within (units coded separately)" if period.varies_within else period.legal_model.name

    def since(period):
        prefix = "Before " if period.in_force_before_start else ""
        return f"{prefix}{period.start_display}"

    rows = [ComparisonRow("Legal model", each(model_name), group="Model")]
    for role, name in RegimePeriod.ROLE_FIELDS:
        rows.append(
            ComparisonRow(
                role,
                each(lambda p, n=name: getattr(p, f"get_{n}_display")() if not p.varies_within else "Varies within"),
                group="Treatment",
            )
        )
    for name in RegimePeriod.ACTIVITY_FIELDS:
        rows.append(
            ComparisonRow(
                field_label(RegimePeriod, name),
                each(lambda p, n=name: getattr(p, f"get_{n}_display")()),
                help=str(concrete_field(RegimePeriod, name).help_text),
                group="Activities",
            )
        )
    rows.append(ComparisonRow("In force since", each(since), group="Evidence"))
    rows.append(ComparisonRow("Confidence", each(lambda p: p.get_confidence_display()), group="Evidence"))
    return rows

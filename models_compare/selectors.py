"""Comparative reads: side-by-side comparisons (counts per model: ``jurisdictions.counts``)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q

from jurisdictions.in_force import in_force_on
from jurisdictions.meta import concrete_field, field_label
from jurisdictions.models import DatePrecision, Jurisdiction, PolicyEvent, RegimePeriod
from jurisdictions.selectors import periods_with_sources
from jurisdictions.vocabulary import CODED_ACTIVITY_FIELDS, VARIES, ActivityStatus

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

    @property
    def when(self) -> str:
        """'1 January 2021', or 'today' for a column without a date of its own."""
        return DatePrecision.DAY.format(self.item.as_of) if self.item.explicit_date else "today"


@dataclass
class ComparisonCell:
    """One column's value in a row. ``missing``: nothing coded to compare (no regime on the date,
    an activity not established, treatments of a place whose units are coded separately): shown as
    such, never counted as a difference. ``model``: the legal model's slug, for its swatch."""

    text: str
    missing: bool = False
    model: str = ""


@dataclass
class ComparisonRow:
    label: str
    cells: list[ComparisonCell]
    help: str = ""
    group: str = ""

    @property
    def values(self) -> list[str]:
        return [cell.text for cell in self.cells]

    @property
    def differs(self) -> bool:
        """Two coded values disagree. A missing coding is not a difference: it is unknown."""
        return len({cell.text for cell in self.cells if not cell.missing}) > 1

    @property
    def incomplete(self) -> bool:
        return any(cell.missing for cell in self.cells)


@dataclass
class Comparison:
    columns: list[ComparisonColumn]
    rows: list[ComparisonRow] = field(default_factory=list)
    # Events of a place compared at two or more dates, dated after the earliest and up to the latest.
    events_between: list[PolicyEvent] = field(default_factory=list)

    @property
    def difference_count(self) -> int:
        return sum(row.differs for row in self.rows)

    @property
    def incomplete_count(self) -> int:
        return sum(row.incomplete and not row.differs for row in self.rows)

    @property
    def before_and_after(self) -> bool:
        """One place at several dates."""
        return len({column.jurisdiction.pk for column in self.columns}) == 1

    @property
    def title(self) -> str:
        """'Belgium: 1 January 2021 and today', or 'Sweden and New Zealand' (dates where given)."""
        if self.before_and_after:
            return f"{self.columns[0].jurisdiction.label}: {_and([column.when for column in self.columns])}"
        return _and(
            [
                column.jurisdiction.label + (f" on {column.when}" if column.item.explicit_date else "")
                for column in self.columns
            ]
        )

    @property
    def notes(self) -> list[tuple[ComparisonColumn, str]]:
        """(column, notes) for each column whose regime carries notes."""
        return [
            (column, " ".join(filter(None, [column.period.notes, column.period.model_exception])))
            for column in self.columns
            if column.period and (column.period.notes or column.period.model_exception)
        ]


def _and(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


NOT_IN_FORCE = "No regime recorded on this date"
VARIES_LABEL = "Varies within (units coded separately)"
NOT_APPLICABLE = "Set by its units (see each unit)"


def build_comparison(*, items: list[ComparisonItem]) -> Comparison:
    """Columns for each item, one row per compared attribute, and the events between the dates
    of a place compared at several dates: three queries, four with such events."""
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
    return Comparison(columns=columns, rows=_comparison_rows(columns), events_between=_events_between(columns))


def _events_between(columns: list[ComparisonColumn]) -> list[PolicyEvent]:
    dates = defaultdict(set)
    for column in columns:
        dates[column.jurisdiction.pk].add(column.item.as_of)
    spans = Q()
    for jurisdiction_id, seen in dates.items():
        if len(seen) > 1:
            spans |= Q(jurisdiction_id=jurisdiction_id, date__gt=min(seen), date__lte=max(seen))
    if not spans:
        return []
    return list(PolicyEvent.objects.public().filter(spans).select_related("jurisdiction").order_by("date", "id"))


def _model_cell(period: RegimePeriod) -> ComparisonCell:
    if period.varies_within or period.legal_model is None:
        return ComparisonCell(VARIES_LABEL, model=VARIES)
    return ComparisonCell(period.legal_model.name, model=period.legal_model.slug)


def _treatment_cell(name: str):
    def describe(period: RegimePeriod) -> ComparisonCell:
        if period.varies_within:
            return ComparisonCell(NOT_APPLICABLE, missing=True)
        return ComparisonCell(getattr(period, f"get_{name}_display")())

    return describe


def _activity_cell(name: str):
    def describe(period: RegimePeriod) -> ComparisonCell:
        missing = getattr(period, name) == ActivityStatus.UNKNOWN
        return ComparisonCell(getattr(period, f"get_{name}_display")(), missing=missing)

    return describe


def _since_cell(period: RegimePeriod) -> ComparisonCell:
    return ComparisonCell(f"{'Before ' if period.in_force_before_start else ''}{period.start_display}")


def _comparison_rows(columns: list[ComparisonColumn]) -> list[ComparisonRow]:
    def each(describe) -> list[ComparisonCell]:
        return [describe(c.period) if c.period else ComparisonCell(NOT_IN_FORCE, missing=True) for c in columns]

    rows = [ComparisonRow("Legal model", each(_model_cell), group="Model")]
    for role, name in RegimePeriod.ROLE_FIELDS:
        rows.append(ComparisonRow(role, each(_treatment_cell(name)), group="Treatment"))
    for name in CODED_ACTIVITY_FIELDS:
        rows.append(
            ComparisonRow(
                field_label(RegimePeriod, name),
                each(_activity_cell(name)),
                help=str(concrete_field(RegimePeriod, name).help_text),
                group="Activities",
            )
        )
    rows.append(ComparisonRow("In force since", each(_since_cell), group="Evidence"))
    rows.append(
        ComparisonRow("Confidence", each(lambda p: ComparisonCell(p.get_confidence_display())), group="Evidence")
    )
    return rows

"""Reads that assemble a whole page from several models, in a fixed number of queries."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.http import Http404
from django.utils import timezone

from .models import Jurisdiction, PolicyEvent, PolicyEventSource, RegimePeriod, RegimePeriodSource


def periods_with_sources():
    """Regime periods with their model, enacting event and cited sources preloaded."""
    return RegimePeriod.objects.select_related("legal_model", "enacted_by").prefetch_related(
        Prefetch("citations", queryset=RegimePeriodSource.objects.select_related("source"))
    )


def events_with_sources():
    return PolicyEvent.objects.prefetch_related(
        Prefetch("citations", queryset=PolicyEventSource.objects.select_related("source"))
    )


@dataclass
class TimelineEntry:
    """One row of a jurisdiction's timeline: a regime period beginning, or an event."""

    date: datetime.date
    precision: str
    period: RegimePeriod | None = None
    event: PolicyEvent | None = None


@dataclass
class JurisdictionPage:
    jurisdiction: Jurisdiction
    as_of: datetime.date
    explicit_date: bool
    preview: bool
    current: RegimePeriod | None
    history: list[RegimePeriod]
    events: list[PolicyEvent]
    children: list[Jurisdiction]
    ancestors: list[Jurisdiction]
    compare_options: list[tuple[str, str]]
    timeline: list[TimelineEntry] = field(default_factory=list)

    @property
    def reforms(self) -> list[tuple[RegimePeriod, RegimePeriod]]:
        """Consecutive (before, after) periods, for before/after comparisons."""
        published = [period for period in self.history if period.is_published]
        return list(zip(published, published[1:]))

    @property
    def sources(self):
        """Every source cited by this jurisdiction's periods and events, once each, by title."""
        seen = {}
        for record in [*self.history, *self.events]:
            for citation in record.citations.all():
                seen.setdefault(citation.source.pk, citation.source)
        return sorted(seen.values(), key=lambda source: source.title)


def jurisdiction_page(
    *, slug: str, as_of: datetime.date, explicit_date: bool = False, preview: bool = False
) -> JurisdictionPage:
    """Everything the jurisdiction page shows, as of a date (raises Http404 for an unknown slug).

    ``preview`` (editors only) includes drafts, which then take precedence over the
    published period they would replace.
    """
    jurisdiction = (
        (Jurisdiction.objects if preview else Jurisdiction.public)
        .select_related("parent__parent__parent")
        .filter(slug=slug)
        .first()
    )
    if jurisdiction is None:
        raise Http404("No jurisdiction with this address.")
    periods = periods_with_sources().filter(jurisdiction=jurisdiction)
    events = events_with_sources().filter(jurisdiction=jurisdiction)
    if not preview:
        periods, events = periods.published(), events.published()
    history = list(periods.order_by("start_date"))
    in_force = [p for p in history if p.start_date <= as_of and (p.end_date is None or p.end_date > as_of)]
    # In a preview a draft may overlap the published period it replaces: show the draft.
    current = max(in_force, key=lambda p: (not p.is_published, p.start_date), default=None)
    events = list(events.order_by("date", "id"))
    children = list(
        (Jurisdiction.objects if preview else Jurisdiction.public)
        .filter(parent=jurisdiction)
        .with_regime(as_of=as_of)
        .order_by("name")
    )
    compare_options = list(Jurisdiction.public.exclude(pk=jurisdiction.pk).order_by("name").values_list("slug", "name"))
    timeline = sorted(
        [TimelineEntry(p.start_date, "day", period=p) for p in history]
        + [TimelineEntry(e.date, e.date_precision, event=e) for e in events],
        key=lambda entry: (entry.date, entry.event is None),
    )
    return JurisdictionPage(
        jurisdiction=jurisdiction,
        as_of=as_of,
        explicit_date=explicit_date,
        preview=preview,
        current=current,
        history=history,
        events=events,
        children=children,
        ancestors=jurisdiction.ancestors(),
        compare_options=compare_options,
        timeline=timeline,
    )


# How long a jurisdiction may go without review before it joins the editors' review queue.
REVIEW_INTERVAL = datetime.timedelta(days=365)


def review_conditions() -> dict[str, Q]:
    """Q per review reason, for jurisdictions (shared by the list filter and the admin index)."""
    cutoff = timezone.localdate() - REVIEW_INTERVAL
    unsourced_period = RegimePeriod.objects.filter(jurisdiction=OuterRef("pk"), citations__isnull=True)
    unsourced_event = PolicyEvent.objects.filter(jurisdiction=OuterRef("pk"), citations__isnull=True)
    return {
        "stale": Q(last_reviewed__isnull=True) | Q(last_reviewed__lt=cutoff),
        "low": Q(regime_periods__confidence="low") | Q(events__confidence="low"),
        "unsourced": Q(Exists(unsourced_period)) | Q(Exists(unsourced_event)),
        "drafts": Q(regime_periods__status="draft") | Q(events__status="draft"),
    }


def review_queue(limit: int = 25) -> dict:
    """Counts per review reason and the first jurisdictions needing review, for the admin index."""
    conditions = review_conditions()
    jurisdictions = Jurisdiction.objects.all()
    counts = {name: jurisdictions.filter(condition).distinct().count() for name, condition in conditions.items()}
    rows = (
        jurisdictions.filter(conditions["stale"] | conditions["low"] | conditions["unsourced"] | conditions["drafts"])
        .annotate(
            low_periods=Count("regime_periods", filter=Q(regime_periods__confidence="low"), distinct=True),
            low_events=Count("events", filter=Q(events__confidence="low"), distinct=True),
            unsourced_periods=Count("regime_periods", filter=Q(regime_periods__citations__isnull=True), distinct=True),
            draft_periods=Count("regime_periods", filter=Q(regime_periods__status="draft"), distinct=True),
        )
        .order_by("last_reviewed", "name")[:limit]
    )
    return {"counts": counts, "rows": list(rows), "limit": limit}

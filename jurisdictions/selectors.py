"""Reads that assemble a whole page from several models, in a fixed number of queries."""

from __future__ import annotations

import datetime
import itertools
import re
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from .data_version import current_data_version, per_data_version
from .in_force import in_force_on
from .models import (
    AliasKind,
    Jurisdiction,
    PolicyEvent,
    PolicyEventSource,
    RegimePeriod,
    RegimePeriodSource,
    Revision,
    RevisionStatus,
    Source,
)
from .querysets import EXACT_MATCH, fold


def periods_with_sources():
    """Regime periods with their model, enacting event and cited sources preloaded (in citation order)."""
    return RegimePeriod.objects.select_related("legal_model", "enacted_by").prefetch_related(
        Prefetch("citations", queryset=RegimePeriodSource.objects.select_related("source").order_by("pk"))
    )


def events_with_sources():
    return PolicyEvent.objects.prefetch_related(
        Prefetch("citations", queryset=PolicyEventSource.objects.select_related("source").order_by("pk"))
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
    timeline: list[TimelineEntry] = field(default_factory=list)

    @property
    def reforms(self) -> list[tuple[RegimePeriod, RegimePeriod]]:
        """Consecutive (before, after) periods, for before/after comparisons."""
        published = [period for period in self.history if period.is_published]
        return list(itertools.pairwise(published))

    @property
    def sources(self):
        """Every source cited by this jurisdiction's periods and events, once each, by title."""
        seen: dict[int, Source] = {}
        records: list[RegimePeriod | PolicyEvent] = [*self.history, *self.events]
        for record in records:
            for citation in record.citations.all():
                seen.setdefault(citation.source.pk, citation.source)
        return sorted(seen.values(), key=lambda source: source.title)


def jurisdiction_page(
    *, slug: str, as_of: datetime.date, explicit_date: bool = False, preview: bool = False
) -> JurisdictionPage:
    """Everything the jurisdiction page shows, as of a date (raises Http404 for an unknown slug).

    ``preview`` (editors only) includes drafts, which then take precedence over the
    published period they would replace. Without it the page holds published records only,
    the same for everyone: it is read once per process and data version (and shared: never
    change it).
    """
    if preview:
        return _read_jurisdiction_page(slug=slug, as_of=as_of, explicit_date=explicit_date, preview=True)
    return per_data_version(
        ("jurisdiction_page", slug, as_of, explicit_date),
        lambda: _read_jurisdiction_page(slug=slug, as_of=as_of, explicit_date=explicit_date, preview=False),
    )


def _read_jurisdiction_page(*, slug: str, as_of: datetime.date, explicit_date: bool, preview: bool) -> JurisdictionPage:
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
    in_force = [p for p in history if in_force_on(p, as_of)]
    # In a preview a draft may overlap the published period it replaces: show the draft.
    current = max(in_force, key=lambda p: (not p.is_published, p.start_date), default=None)
    events = list(events.order_by("date", "id"))
    children = list(
        (Jurisdiction.objects if preview else Jurisdiction.public)
        .filter(parent=jurisdiction)
        .with_regime(as_of=as_of)
        .order_by("name")
    )
    timeline = sorted(
        [TimelineEntry(p.start_date, p.start_precision, period=p) for p in history]
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
        ancestors=jurisdiction.ancestors(public=not preview),
        timeline=timeline,
    )


# How long a jurisdiction may go without review before it joins the editors' review queue.
REVIEW_INTERVAL = datetime.timedelta(days=365)


def _has(model, **conditions) -> Exists:
    return Exists(model.objects.filter(jurisdiction=OuterRef("pk"), **conditions))


def review_conditions() -> dict[str, Q]:
    """Q per review reason, for jurisdictions (shared by the list filter and the admin index).

    Each is an EXISTS subquery, so a jurisdiction is listed and counted once whatever the
    number of its records that match.
    """
    cutoff = timezone.localdate() - REVIEW_INTERVAL
    return {
        "stale": Q(last_reviewed__isnull=True) | Q(last_reviewed__lt=cutoff),
        "low": Q(_has(RegimePeriod, confidence="low")) | Q(_has(PolicyEvent, confidence="low")),
        "unsourced": Q(_has(RegimePeriod, citations__isnull=True)) | Q(_has(PolicyEvent, citations__isnull=True)),
        "drafts": Q(status="draft") | Q(_has(RegimePeriod, status="draft")) | Q(_has(PolicyEvent, status="draft")),
        "revisions": Q(_has(Revision, status=RevisionStatus.PENDING)),
    }


def _count(model, **conditions) -> Subquery:
    rows = model.objects.filter(jurisdiction=OuterRef("pk"), **conditions).order_by()
    return Subquery(rows.values("jurisdiction").annotate(n=Count("pk")).values("n")[:1])


def review_queue(limit: int = 25) -> dict:
    """Counts per review reason and the jurisdictions needing review, least recently reviewed first.

    Never-reviewed jurisdictions come first; each row counts its low-confidence, unsourced
    and draft records and its changes waiting for review.
    """
    conditions = review_conditions()
    jurisdictions = Jurisdiction.objects.all()
    counts = {name: jurisdictions.filter(condition).count() for name, condition in conditions.items()}
    counts["pending_revisions"] = Revision.objects.pending().count()
    waiting = Q()
    for condition in conditions.values():
        waiting |= condition
    rows = (
        jurisdictions.filter(waiting)
        .annotate(
            low_periods=Coalesce(_count(RegimePeriod, confidence="low"), 0),
            low_events=Coalesce(_count(PolicyEvent, confidence="low"), 0),
            unsourced_periods=Coalesce(_count(RegimePeriod, citations__isnull=True), 0),
            draft_periods=Coalesce(_count(RegimePeriod, status="draft"), 0),
            draft_events=Coalesce(_count(PolicyEvent, status="draft"), 0),
            pending_revisions=Coalesce(_count(Revision, status=RevisionStatus.PENDING), 0),
        )
        .select_related("last_reviewed_by")
        .order_by(F("last_reviewed").asc(nulls_first=True), "name")[:limit]
    )
    return {"counts": counts, "rows": list(rows), "limit": limit}


# --- Dataset version -----------------------------------------------------------------------


@dataclass(frozen=True)
class DatasetVersion:
    """Which state of the published data a page or file shows, for citations and exports.

    ``number`` is the data version (raised by database triggers at every commit that changes
    what the public sees); ``label`` is what citations and JSON exports print, e.g. '42 (2026-12-01)'.
    """

    number: int
    changed_at: datetime.datetime

    @property
    def date(self) -> datetime.date:
        """The day of the last change."""
        return self.changed_at.astimezone(datetime.UTC).date()

    @property
    def label(self) -> str:
        return f"{self.number} ({self.date.isoformat()})"


def dataset_version() -> DatasetVersion:
    """The current dataset version (read at most once a second per process)."""
    version = current_data_version()
    return DatasetVersion(number=version.number, changed_at=version.changed_at)


# --- Coming up ------------------------------------------------------------------------------


@dataclass(frozen=True)
class UpcomingEntry:
    """A dated step the records say is still to come: an event dated later (a law coming into
    force, a scheduled review) or a regime period that begins later."""

    date: datetime.date
    precision: str
    jurisdiction: Jurisdiction | None
    title: str
    kind_label: str
    anchor: str  # the fragment of the jurisdiction page (or events page) that shows it
    event: PolicyEvent | None = None
    period: RegimePeriod | None = None


def upcoming(*, after: datetime.date | None = None) -> list[UpcomingEntry]:
    """Published events dated after ``after`` (default today) and published periods that begin
    later, soonest first, in two queries (none when the same date was read since the data last
    changed). A period is left out when its enacting event is listed."""
    after = after or timezone.localdate()
    return list(per_data_version(("upcoming", after), lambda: _read_upcoming(after)))


def _read_upcoming(after: datetime.date) -> list[UpcomingEntry]:
    events = list(PolicyEvent.objects.public().after(after).select_related("jurisdiction").order_by("date", "id"))
    entries = [
        UpcomingEntry(
            event.date,
            event.date_precision,
            event.jurisdiction,
            event.title,
            event.get_kind_display(),
            f"event-{event.slug}",
            event=event,
        )
        for event in events
    ]
    listed = {event.pk for event in events}
    periods = RegimePeriod.objects.public().starting_after(after).select_related("jurisdiction", "legal_model")
    for period in periods.order_by("start_date", "id"):
        if period.enacted_by_id in listed:
            continue
        model = "Varies within (units coded separately)" if period.varies_within else period.legal_model.name
        entries.append(
            UpcomingEntry(
                period.start_date,
                period.start_precision,
                period.jurisdiction,
                f"{model} comes into force",
                "New regime",
                "timeline-heading",
                period=period,
            )
        )
    return sorted(entries, key=lambda entry: entry.date)


# --- Finding places ---------------------------------------------------------------------

# How a unit is written with its parent: "Georgia (United States)", "Clark County, Nevada".
LABEL_WITH_PARENT = (
    re.compile(r"^(?P<name>.+?) \((?P<parent>[^()]+)\)$"),
    re.compile(r"^(?P<name>.+?), (?P<parent>.+)$"),
)


@dataclass
class SearchResult:
    """One place found by a search, with the alias that found it when that was not its name."""

    place: Jurisdiction
    also_called: str = ""
    former_name: bool = False


def search_places(text: str, *, limit: int = 50, as_of: datetime.date | None = None) -> list[SearchResult]:
    """Public jurisdictions matching ``text`` (name, alias, former name, ISO code, slug), best
    first, each with its parent (for its label) and the regime in force on ``as_of``; two queries."""
    places = Jurisdiction.public.search(text).select_related("parent").with_regime(as_of=as_of)[:limit]
    return [
        SearchResult(
            place,
            also_called=place.matched_alias if place.alias_rank > place.name_rank else "",
            former_name=place.matched_alias_kind == AliasKind.FORMER,
        )
        for place in places
    ]


@dataclass
class PlaceLookup:
    """What a typed place name resolves to: one ``place``, or ``candidates`` (several places
    share the name: ``ambiguous``; or none matched exactly: the closest names, as suggestions)."""

    place: Jurisdiction | None = None
    candidates: list[Jurisdiction] = field(default_factory=list)
    ambiguous: bool = False


def find_place(text: str) -> PlaceLookup:
    """The public jurisdiction that ``text`` names, as a person or a link would write it.

    In order: its slug exactly as in addresses ("georgia"); a name, alias or ISO code that only
    one place has, case and accents ignored ("ivory coast", "GB"); a label with the parent
    ("Georgia (United States)", "Clark County, Nevada"). At most four queries.
    """
    text = " ".join(str(text).replace("\x00", " ").split())
    if not text:
        return PlaceLookup()
    places = Jurisdiction.public.select_related("parent")
    by_slug = places.filter(slug=text).first()
    if by_slug is not None:
        return PlaceLookup(place=by_slug)
    found = list(places.search(text)[:5])
    exact = [place for place in found if place.search_rank >= EXACT_MATCH]
    if len(exact) == 1:
        return PlaceLookup(place=exact[0])
    for pattern in LABEL_WITH_PARENT:
        match = pattern.match(text)
        if match:
            labelled = list(
                places.annotate(name_key=fold(F("name")), parent_key=fold(F("parent__name"))).filter(
                    name_key=fold(Value(match["name"])), parent_key=fold(Value(match["parent"]))
                )[:2]
            )
            if len(labelled) == 1:
                return PlaceLookup(place=labelled[0])
    if exact:
        return PlaceLookup(candidates=exact, ambiguous=True)
    return PlaceLookup(candidates=found[:3])

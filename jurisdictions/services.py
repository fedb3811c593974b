"""Writes that change several rows, each one atomic function."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Model

from .dataset import Citation, Dataset
from .models import (
    Jurisdiction,
    LegalModel,
    PolicyEvent,
    PolicyEventSource,
    PublicationStatus,
    RegimePeriod,
    RegimePeriodSource,
    Source,
)


@dataclass
class LoadReport:
    """What a load did, per kind of record: created, updated, unchanged, deleted."""

    counts: dict[str, Counter] = field(default_factory=dict)

    def count(self, kind: str, outcome: str) -> None:
        self.counts.setdefault(kind, Counter())[outcome] += 1

    @property
    def changed(self) -> bool:
        return any(c["created"] or c["updated"] or c["deleted"] for c in self.counts.values())

    def lines(self) -> list[str]:
        return [
            f"{kind}: {c['created']} created, {c['updated']} updated, "
            f"{c['unchanged']} unchanged, {c['deleted']} deleted"
            for kind, c in self.counts.items()
        ]


def _sync(model: type[Model], lookup: dict, values: dict, report: LoadReport, kind: str) -> Model:
    """Create or update one row, writing only when a value differs (so reloads write nothing).

    Foreign keys are passed as ``<name>_id`` so comparing them costs no query.
    """
    instance = model.objects.filter(**lookup).first()
    if instance is None:
        instance = model.objects.create(**lookup, **values)
        report.count(kind, "created")
        return instance
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    if changed:
        for name in changed:
            setattr(instance, name, values[name])
        instance.save(update_fields=changed)
        report.count(kind, "updated")
    else:
        report.count(kind, "unchanged")
    return instance


def _sync_citations(
    through: type[Model],
    owner_field: str,
    owner: Model,
    citations: list[Citation],
    sources: dict[str, Source],
    report: LoadReport,
) -> None:
    wanted = {sources[c.source_key].pk: c.pinpoint for c in citations}
    existing = {row.source_id: row for row in through.objects.filter(**{owner_field: owner})}
    for source_id, row in existing.items():
        if source_id not in wanted:
            row.delete()
            report.count("citations", "deleted")
    for source_id, pinpoint in wanted.items():
        row = existing.get(source_id)
        if row is None:
            through.objects.create(**{owner_field: owner}, source_id=source_id, pinpoint=pinpoint)
            report.count("citations", "created")
        elif row.pinpoint != pinpoint:
            row.pinpoint = pinpoint
            row.save(update_fields=["pinpoint"])
            report.count("citations", "updated")
        else:
            report.count("citations", "unchanged")


@transaction.atomic
def load_dataset(dataset: Dataset, *, prune_events: bool = False) -> LoadReport:
    """Make the database match the curated dataset, in one transaction.

    Rows are matched by their stable keys (source and event keys, jurisdiction
    slugs, a period's jurisdiction and start date) and written only when they
    differ, so a second load writes nothing. The dataset is authoritative for
    the regime history of each jurisdiction it lists: periods it no longer
    lists are deleted. Events it no longer lists are deleted only with
    ``prune_events`` (editors may have added events in the admin).
    """
    report = LoadReport()
    with connection.cursor() as cursor:
        # Rewriting adjacent periods can overlap for a moment; check at commit.
        cursor.execute("SET CONSTRAINTS regime_periods_do_not_overlap DEFERRED")

    sources = {}
    for record in dataset.sources.values():
        sources[record.key] = _sync(
            Source,
            {"slug": record.key},
            {
                "title": record.title,
                "url": record.url,
                "kind": record.kind,
                "publisher": record.publisher,
                "published_on": record.published_on,
                "accessed_on": record.accessed_on,
                "notes": record.notes,
            },
            report,
            "sources",
        )

    jurisdictions = {}
    for record in dataset.jurisdictions_parents_first():
        jurisdictions[record.slug] = _sync(
            Jurisdiction,
            {"slug": record.slug},
            {
                "name": record.name,
                "kind": record.kind,
                "iso_code": record.iso_code,
                "parent_id": jurisdictions[record.parent_slug].pk if record.parent_slug else None,
                "region": record.region,
                "subregion": record.subregion,
                "last_reviewed": record.last_reviewed,
                "notes": record.notes,
                "status": PublicationStatus.PUBLISHED,
            },
            report,
            "jurisdictions",
        )

    events = {}
    for record in dataset.events.values():
        events[record.key] = _sync(
            PolicyEvent,
            {"slug": record.key},
            {
                "jurisdiction_id": (jurisdictions[record.jurisdiction_slug].pk if record.jurisdiction_slug else None),
                "date": record.date,
                "date_precision": record.date_precision,
                "kind": record.kind,
                "title": record.title,
                "description": record.description,
                "confidence": record.confidence,
                "needs_review": record.needs_review,
                "notes": record.notes,
                "status": PublicationStatus.PUBLISHED,
            },
            report,
            "events",
        )
        _sync_citations(PolicyEventSource, "event", events[record.key], record.citations, sources, report)
    if prune_events:
        stale = PolicyEvent.objects.exclude(slug__in=list(events))
        for _ in range(stale.count()):
            report.count("events", "deleted")
        stale.delete()

    legal_models = dict(LegalModel.objects.values_list("slug", "pk"))
    for record in dataset.jurisdictions.values():
        jurisdiction = jurisdictions[record.slug]
        kept = []
        for period in record.periods:
            lookup = {"jurisdiction_id": jurisdiction.pk, "start_date": period.start_date}
            instance = _sync(
                RegimePeriod,
                lookup,
                {
                    "start_precision": period.start_precision,
                    "end_date": period.end_date,
                    "end_precision": period.end_precision,
                    "in_force_before_start": period.in_force_before_start,
                    "varies_within": period.varies_within,
                    "legal_model_id": legal_models[period.legal_model] if period.legal_model else None,
                    "treatment_of_workers": period.treatment_of_workers,
                    "treatment_of_clients": period.treatment_of_clients,
                    "treatment_of_third_parties": period.treatment_of_third_parties,
                    **period.activities,
                    "confidence": period.confidence,
                    "needs_review": period.needs_review,
                    "notes": period.notes,
                    "enacted_by_id": events[period.enacted_by].pk if period.enacted_by else None,
                    "status": PublicationStatus.PUBLISHED,
                },
                report,
                "regime periods",
            )
            _sync_citations(RegimePeriodSource, "regime_period", instance, period.citations, sources, report)
            kept.append(instance.pk)
        for stale in RegimePeriod.objects.filter(jurisdiction=jurisdiction).exclude(pk__in=kept):
            stale.delete()
            report.count("regime periods", "deleted")
    return report


# --- Editorial workflow --------------------------------------------------------------


def replaced_period(period: RegimePeriod, *, lock: bool = False) -> RegimePeriod | None:
    """The published period of the same jurisdiction, begun earlier, still open on ``period``'s start."""
    candidates = (
        RegimePeriod.objects.published()
        .in_force(period.start_date)
        .filter(jurisdiction_id=period.jurisdiction_id, start_date__lt=period.start_date)
        .exclude(pk=period.pk)
        .select_related("legal_model")
    )
    return (candidates.select_for_update(of=("self",)) if lock else candidates).first()


@transaction.atomic
def end_replaced_period(period: RegimePeriod) -> RegimePeriod | None:
    """End the published period in force on ``period``'s start date there; return it (or None)."""
    current = replaced_period(period, lock=True)
    if current is not None:
        current.end_date = period.start_date
        current.save(update_fields=["end_date", "updated_at"])
    return current


@transaction.atomic
def publish(record: Jurisdiction | RegimePeriod | PolicyEvent) -> RegimePeriod | None:
    """Publish a draft. A regime period ends the published period it replaces, atomically.

    Returns the period that was ended, if any. Raises ValidationError (and changes
    nothing) if the period would still overlap another published period.
    """
    if not isinstance(record, Jurisdiction) and not record.citations.exists():
        raise ValidationError(f"“{record}” cites no source; add one before publishing.")
    ended = end_replaced_period(record) if isinstance(record, RegimePeriod) else None
    record.status = PublicationStatus.PUBLISHED
    if isinstance(record, RegimePeriod):
        try:
            record.validate_constraints()
        except ValidationError:
            # Leaving the atomic block with an exception undoes end_replaced_period too.
            raise ValidationError(
                f"“{record}” overlaps a later published period of {record.jurisdiction}; adjust the dates first."
            ) from None
    record.save(update_fields=["status", "updated_at"])
    return ended


@transaction.atomic
def unpublish(record: Jurisdiction | RegimePeriod | PolicyEvent) -> None:
    """Take a record off the public site (back to draft)."""
    record.status = PublicationStatus.DRAFT
    record.save(update_fields=["status", "updated_at"])


@transaction.atomic
def set_citations(record: RegimePeriod | PolicyEvent, sources) -> None:
    """Make ``record`` cite exactly ``sources``, keeping the pinpoints of citations it keeps."""
    wanted = {source.pk for source in sources}
    record.citations.exclude(source_id__in=wanted).delete()
    existing = set(record.citations.values_list("source_id", flat=True))
    through, owner = record.citations.model, record.citations.field.name
    through.objects.bulk_create([through(**{owner: record}, source_id=source_id) for source_id in wanted - existing])

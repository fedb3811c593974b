"""Writes: the editorial workflow, each step one atomic function with keyword-only arguments.

Admin forms validate and admin actions call these; nothing here knows about requests.
The curated dataset's load and dump live in ``dataset_sync`` (re-exported here).
"""

from __future__ import annotations

import datetime
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any, TypeIs, cast

import pghistory
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Model
from django.utils import timezone

from .dataset_sync import LoadReport, dump_dataset, load_dataset
from .meta import concrete_field
from .models import (
    Jurisdiction,
    PolicyEvent,
    PublicationStatus,
    Publishable,
    RegimePeriod,
    Revision,
    RevisionStatus,
    Source,
)

__all__ = ["LoadReport", "dump_dataset", "load_dataset"]  # and the workflow below

# The records editors publish, and those of them that cite sources.
Record = Jurisdiction | RegimePeriod | PolicyEvent
CitingRecord = RegimePeriod | PolicyEvent

# --- Editorial workflow --------------------------------------------------------------
#
# Every route to what the public sees (a form, a bulk action, an import, a restore, a
# revision's approval) goes through these functions, so one set of rules applies: a
# published period or event cites a source, published periods never overlap (the
# database's exclusion constraint also holds), and a period that replaces the one in
# force ends it on its start date.


@dataclass(frozen=True)
class PublishPolicy:
    """What publishing one kind of record requires and does."""

    needs_sources: bool = False
    ends_replaced_period: bool = False

    def check(self, record: Model) -> None:
        """Raise ValidationError (naming the record) if ``record`` may not be public as it is."""
        if self.needs_sources and isinstance(record, CitingRecord) and not record.citations.exists():
            raise ValidationError(f"“{record}” cites no source; add one before publishing.")
        try:
            record.validate_constraints()
        except ValidationError as error:
            raise ValidationError(f"“{record}”: {' '.join(error.messages)}") from None


POLICIES: dict[type[Model], PublishPolicy] = {
    Jurisdiction: PublishPolicy(),
    PolicyEvent: PublishPolicy(needs_sources=True),
    RegimePeriod: PublishPolicy(needs_sources=True, ends_replaced_period=True),
}


def policy_for(record: Model) -> PublishPolicy:
    return POLICIES[type(record)]


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
def end_replaced_period(*, period: RegimePeriod) -> RegimePeriod | None:
    """End the published period in force on ``period``'s start date there; return it (or None)."""
    current = replaced_period(period, lock=True)
    if current is not None:
        current.end_date = period.start_date
        current.save(update_fields=["end_date", "updated_at"])
    return current


@transaction.atomic
def save_record(*, record: Record, end_replaced: bool = False, sources=None) -> RegimePeriod | None:
    """Save a record from the admin: end the period it replaces if asked, then its citations.

    Returns the period that was ended, if any.
    """
    ended = (
        end_replaced_period(period=record)
        if end_replaced and isinstance(record, RegimePeriod) and record.is_published
        else None
    )
    record.save()
    if sources is not None:
        set_citations(record=cast(CitingRecord, record), sources=sources)
    return ended


@transaction.atomic
def publish(*, record: Record) -> RegimePeriod | None:
    """Publish a draft under its kind's policy; a period ends the one it replaces, atomically.

    Returns the period that was ended, if any. Raises ValidationError (and changes
    nothing) if the record has no source or would overlap another published period.
    """
    policy = policy_for(record)
    ended = (
        end_replaced_period(period=record) if policy.ends_replaced_period and isinstance(record, RegimePeriod) else None
    )
    record.status = PublicationStatus.PUBLISHED
    policy.check(record)  # leaving the atomic block with an error undoes the ending too
    record.save(update_fields=["status", "updated_at"])
    return ended


class Continuation(models.TextChoices):
    """How a jurisdiction's timeline continues when its period in force is withdrawn."""

    REOPEN = "reopen", "Re-open the previous period: it is in force again"
    NOT_RECORDED = "not_recorded", "Leave it “not recorded” from this period's start"


def previous_period(period: RegimePeriod) -> RegimePeriod | None:
    """The published period that ended the day ``period`` began, if ``period`` is the one in force."""
    if not period.is_published or period.end_date is not None:
        return None
    return (
        RegimePeriod.objects.published()
        .filter(jurisdiction_id=period.jurisdiction_id, end_date=period.start_date)
        .exclude(pk=period.pk)
        .first()
    )


def is_period_in_force(record: Model) -> TypeIs[RegimePeriod]:
    """True for a published regime period with no end date (withdrawing it leaves its jurisdiction a gap)."""
    return isinstance(record, RegimePeriod) and record.is_published and record.end_date is None


def _withdraw(record: Model, continuation: str | None) -> RegimePeriod | None:
    """Re-open the previous period if asked; returns it."""
    if not is_period_in_force(record):
        return None
    if continuation not in Continuation.values:
        raise ValidationError(f"Say how the timeline of {record.jurisdiction} continues after “{record}”.")
    previous = previous_period(record)
    if continuation == Continuation.REOPEN and previous is not None:
        previous.end_date = record.end_date
        return previous
    return None


@transaction.atomic
def unpublish(*, record: Record, continuation: str | None = None) -> None:
    """Take a record off the public site (back to draft).

    Withdrawing the period in force needs ``continuation``: re-open the previous period,
    or leave the jurisdiction "not recorded" from that date. The choice is written to the
    change history with the records it changed.
    """
    with pghistory.context(continuation=continuation) if continuation else nullcontext():
        previous = _withdraw(record, continuation)
        record.status = PublicationStatus.DRAFT
        record.save(update_fields=["status", "updated_at"])
        if previous is not None:
            previous.save(update_fields=["end_date", "updated_at"])


@transaction.atomic
def delete_record(*, record: Model, continuation: str | None = None) -> None:
    """Delete a record; for the period in force, ``continuation`` says how the timeline goes on."""
    with pghistory.context(continuation=continuation) if continuation else nullcontext():
        previous = _withdraw(record, continuation)
        record.delete()
        if previous is not None:
            previous.save(update_fields=["end_date", "updated_at"])


@transaction.atomic
def set_citations(*, record: RegimePeriod | PolicyEvent, sources, pinpoints: dict | None = None) -> None:
    """Make ``record`` cite exactly ``sources``, keeping the pinpoints of citations it keeps.

    ``pinpoints`` (source id → pinpoint) sets pinpoints where given.
    """
    pinpoints = pinpoints or {}
    wanted = [source if isinstance(source, int) else source.pk for source in sources]
    record.citations.exclude(source_id__in=wanted).delete()
    existing = {c.source_id: c for c in record.citations.all()}
    through, owner = record.citations.model, type(record).citations.field.name
    for source_id in wanted:
        citation = existing.get(source_id)
        if citation is None:
            through.objects.create(**{owner: record}, source_id=source_id, pinpoint=pinpoints.get(source_id, ""))
        elif source_id in pinpoints and citation.pinpoint != pinpoints[source_id]:
            citation.pinpoint = pinpoints[source_id]
            citation.save(update_fields=["pinpoint"])


# --- Revisions ---------------------------------------------------------------------------


def field_value(record: Model, name: str):
    """A field's value as stored in a revision (JSON: dates as ISO strings, foreign keys as ids)."""
    value = getattr(record, concrete_field(record, name).attname)
    return value.isoformat() if hasattr(value, "isoformat") else value


def citation_list(record: Any) -> list[dict]:  # a RegimePeriod or PolicyEvent
    """[{source, pinpoint}] that ``record`` cites now, in citation order."""
    return [{"source": c.source_id, "pinpoint": c.pinpoint} for c in record.citations.order_by("pk")]


def is_public(record: Model) -> bool:
    """Whether the public sees ``record`` as saved: a published record, or a source a published record cites."""
    if record.pk is None:
        return False
    if isinstance(record, Source):
        return (
            RegimePeriod.objects.published().filter(citations__source=record.pk).exists()
            or PolicyEvent.objects.published().filter(citations__source=record.pk).exists()
        )
    if isinstance(record, Publishable):
        return type(record)._default_manager.filter(pk=record.pk, status=PublicationStatus.PUBLISHED).exists()
    return False


def needs_review(*, record: Model, user) -> bool:
    """True when ``user``'s change to ``record`` must wait for a reviewer (the public sees it, no publish right)."""
    meta = record._meta
    return is_public(record) and not user.has_perm(f"{meta.app_label}.publish_{meta.model_name}")


@transaction.atomic
def propose_revision(
    *,
    record: Record,
    changes: dict,
    author,
    note: str = "",
    citations: list[dict] | None = None,
    end_replaced: bool = False,
) -> Revision | None:
    """Record an editor's change to a published record as a pending revision; the record is not touched.

    ``changes`` maps field names to proposed values (Python values or their JSON form);
    ``citations`` ([{source, pinpoint}]) is the full list of sources it would cite, or
    None if unchanged. Returns None when nothing differs from the published version.
    """
    current = type(record).objects.get(pk=record.pk)
    proposed, base = {}, {}
    for name, value in changes.items():
        value = getattr(value, "pk", value)
        value = value.isoformat() if hasattr(value, "isoformat") else value
        if value != field_value(current, name):
            proposed[name] = value
            base[name] = field_value(current, name)
    base_citations = citation_list(current) if citations is not None else None
    if citations is not None and _citation_set(citations) == _citation_set(base_citations):
        citations = base_citations = None
    if not proposed and citations is None and not end_replaced:
        return None
    # Sources belong to no one jurisdiction (like international events): blank in the review queue.
    jurisdiction_id = current.pk if isinstance(current, Jurisdiction) else getattr(current, "jurisdiction_id", None)
    return Revision.objects.create(
        content_type=ContentType.objects.get_for_model(current),
        object_id=current.pk,
        record_label=str(current)[:400],
        jurisdiction_id=jurisdiction_id,
        changes=proposed,
        base=base,
        citations=citations,
        base_citations=base_citations,
        end_replaced=end_replaced,
        author=author,
        note=note,
    )


def _citation_set(citations: list[dict] | None) -> set:
    return {(c["source"], c.get("pinpoint", "")) for c in citations or []}


def _decide(revision: Revision, status: str, reviewer, note: str) -> None:
    revision.status = status
    revision.reviewer = reviewer
    revision.decided_at = timezone.now()
    revision.decision_note = note
    revision.save(update_fields=["status", "reviewer", "decided_at", "decision_note"])


@transaction.atomic
def approve_revision(*, revision: Revision, reviewer, note: str = "") -> Model:
    """Apply a pending revision to its record under the publishing rules, atomically.

    Refuses (ValidationError naming the record and fields) if a changed field was
    changed by someone else since the revision was proposed, if the record is gone, or
    if the result would break a rule (no source, an overlap). The change history records
    the approval with the revision's number and the reviewer.
    """
    revision = Revision.objects.select_for_update().get(pk=revision.pk)
    if not revision.is_pending:
        raise ValidationError(f"This revision was already {revision.get_status_display().lower()}.")
    model = revision.content_type.model_class()
    record: Any = (
        model._default_manager.select_for_update().filter(pk=revision.object_id).first() if model is not None else None
    )
    if model is None or record is None:
        raise ValidationError(f"“{revision.record_label}” no longer exists; reject this revision.")
    moved = [name for name, value in revision.base.items() if field_value(record, name) != value]
    if revision.citations is not None and _citation_set(citation_list(record)) != _citation_set(
        revision.base_citations
    ):
        moved.append("sources")
    if moved:
        labels = ", ".join(str(concrete_field(model, n).verbose_name) if n != "sources" else "sources" for n in moved)
        raise ValidationError(
            f"“{record}” changed since this revision was proposed ({labels}); approving it would undo "
            "that change. Reject it and ask for a new revision."
        )
    for name, value in revision.changes.items():
        field = concrete_field(model, name)
        setattr(record, field.attname, field.to_python(value) if value is not None else None)
    published = isinstance(record, Publishable) and record.is_published
    with pghistory.context(revision=revision.pk, approved_by=reviewer.pk):
        if revision.end_replaced and published:
            end_replaced_period(period=record)
        try:
            record.full_clean()
        except ValidationError as error:
            raise ValidationError(f"“{record}”: {' '.join(error.messages)}") from None
        record.save()
        if revision.citations is not None:
            set_citations(
                record=record,
                sources=[c["source"] for c in revision.citations],
                pinpoints={c["source"]: c.get("pinpoint", "") for c in revision.citations},
            )
        if published:
            policy_for(record).check(record)
    _decide(revision, RevisionStatus.APPROVED, reviewer, note)
    return record


@transaction.atomic
def reject_revision(*, revision: Revision, reviewer, note: str = "") -> None:
    """Turn a pending revision down; it is kept, with the reviewer's note."""
    revision = Revision.objects.select_for_update().get(pk=revision.pk)
    if not revision.is_pending:
        raise ValidationError(f"This revision was already {revision.get_status_display().lower()}.")
    _decide(revision, RevisionStatus.REJECTED, reviewer, note)


# --- Restore ---------------------------------------------------------------------------------


def _citations_at(version) -> list[tuple[int, str]] | None:
    """The (source id, pinpoint) a period or event cited at ``version``'s time, from the citation history."""
    tracked = version.pgh_tracked_model
    relation = getattr(tracked, "citations", None)
    if relation is None:
        return None
    through = relation.rel.related_model
    owner = relation.field.name
    history = apps.get_model(through._meta.app_label, f"{through.__name__}History")
    latest: dict[int, Any] = {}
    # Changes made in the same transaction as the version belong to it, except the cascade that
    # deleted the citations with their record: for a deletion, those deletions are skipped.
    events = history.objects.filter(
        **{f"{owner}_id": version.pgh_obj_id, "pgh_created_at__lte": version.pgh_created_at}
    )
    for event in events.order_by("pgh_id"):
        cascade = version.pgh_label == "delete" and event.pgh_label == "delete"
        if not (cascade and event.pgh_created_at == version.pgh_created_at):
            latest[event.pgh_obj_id] = event
    return [(event.source_id, event.pinpoint) for _, event in sorted(latest.items()) if event.pgh_label != "delete"]


@transaction.atomic
def restore_version(*, version) -> Model:
    """Bring a record back as it was at ``version`` (also after deletion), with the sources it cited then.

    A restored published record passes the publishing rules (a source, no overlap) or
    nothing changes.
    """
    citations = _citations_at(version)
    tracked = version.pgh_tracked_model
    candidate = tracked(**{f.attname: getattr(version, f.attname) for f in tracked._meta.concrete_fields})
    if isinstance(candidate, Publishable) and candidate.is_published:
        try:
            candidate.validate_constraints()
        except ValidationError as error:
            raise ValidationError(f"“{candidate}”: {' '.join(error.messages)}") from None
    with pghistory.context(restored_version=version.pgh_id):
        record = version.revert()
        if citations is not None:
            existing = set(Source.objects.filter(pk__in=[s for s, _ in citations]).values_list("pk", flat=True))
            kept = [(s, p) for s, p in citations if s in existing]
            set_citations(record=record, sources=[s for s, _ in kept], pinpoints=dict(kept))
        if isinstance(record, Publishable) and record.is_published:
            policy_for(record).check(record)
    return record


# --- Review ----------------------------------------------------------------------------------


@transaction.atomic
def mark_reviewed(*, jurisdictions, reviewer, on: datetime.date | None = None) -> int:
    """Record that ``reviewer`` checked these jurisdictions' records today (or ``on``); returns how many."""
    on = on or timezone.localdate()
    count = 0
    for jurisdiction in jurisdictions:
        jurisdiction.last_reviewed = on
        jurisdiction.last_reviewed_by = reviewer
        jurisdiction.save(update_fields=["last_reviewed", "last_reviewed_by", "updated_at"])
        count += 1
    return count


@transaction.atomic
def publish_with_drafts(*, jurisdiction: Jurisdiction) -> tuple[list[Record], list[str]]:
    """Publish a jurisdiction and its draft periods and events, each under the publishing rules.

    Returns (records published, problems): a record that breaks a rule stays a draft and
    its problem is reported; the others are published.
    """
    published: list[Record] = []
    problems: list[str] = []
    drafts: list[Record] = [jurisdiction] if not jurisdiction.is_published else []
    drafts += list(jurisdiction.regime_periods.filter(status=PublicationStatus.DRAFT).order_by("start_date"))
    drafts += list(jurisdiction.events.filter(status=PublicationStatus.DRAFT).order_by("date"))
    for record in drafts:
        try:
            with transaction.atomic():
                publish(record=record)
        except ValidationError as error:
            problems.extend(error.messages)
        else:
            published.append(record)
    return published, problems

"""The curated dataset and the database: load the files without losing editors' work, dump back.

The database is the source of truth once loaded. Every record ``load_atlas`` writes
(or finds already equal) leaves a fingerprint: its canonical values as loaded, in
``LoadedRecord``, keyed by the record's natural key. On the next load a record whose
file entry changed is updated only if the database still holds exactly what was last
loaded; otherwise (an editor changed it, unpublished it, deleted it, or has a pending
revision on it) it is kept and reported as a conflict, field by field. ``take_files``
takes the files' side instead, after ``--dry-run`` has shown the cost.

Canonical values are plain JSON (dates as ISO strings, references as keys), the same
shape from a file entry and from a row, so "unchanged" is dict equality.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction
from django.db.models import Model, Prefetch

from .dataset import Dataset
from .models import (
    AliasKind,
    EditTracked,
    Jurisdiction,
    LegalModel,
    LoadedRecord,
    PolicyEvent,
    PolicyEventSource,
    PublicationStatus,
    RegimePeriod,
    RegimePeriodSource,
    Revision,
    Source,
)
from .vocabulary import CODED_ACTIVITY_FIELDS

PUBLISHED = PublicationStatus.PUBLISHED.value
KIND_LABELS = {"source": "sources", "jurisdiction": "jurisdictions", "event": "events", "period": "regime periods"}
# The model of each kind of record; the code below dispatches on the kind, so rows are typed Any.
MODELS: dict[str, Any] = {
    "source": Source,
    "jurisdiction": Jurisdiction,
    "event": PolicyEvent,
    "period": RegimePeriod,
}
_ORIGIN = re.compile(r"^(?P<file>[^:]+): .*\[(?P<position>\d+)\]$")


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _origin(origin: str) -> tuple[str, int]:
    """('europe/sweden.yaml', 3) from a record's origin 'europe/sweden.yaml: jurisdictions[3]'."""
    match = _ORIGIN.match(origin)
    return (match["file"], int(match["position"])) if match else ("", 0)


def period_key(jurisdiction_slug: str, start: str) -> str:
    return f"{jurisdiction_slug}@{start}"


# --- canonical values ----------------------------------------------------------------------


@dataclass
class Entry:
    """One record as the files state it."""

    kind: str
    key: str
    values: dict[str, Any]
    file: str
    position: int


def _citations(citations) -> list[list[str]]:
    return sorted([c.source_key, c.pinpoint] for c in citations)


def file_entries(dataset: Dataset) -> dict[str, list[Entry]]:
    """Every record of ``dataset`` as canonical values, per kind, in the order it must be written."""
    entries: dict[str, list[Entry]] = {kind: [] for kind in MODELS}
    for source in dataset.sources.values():
        entries["source"].append(
            Entry(
                "source",
                source.key,
                {
                    "title": source.title,
                    "url": source.url,
                    "kind": source.kind,
                    "publisher": source.publisher,
                    "published_on": _iso(source.published_on),
                    "accessed_on": _iso(source.accessed_on),
                    "notes": source.notes,
                },
                *_origin(source.origin),
            )
        )
    for record in dataset.jurisdictions_parents_first():
        entries["jurisdiction"].append(
            Entry(
                "jurisdiction",
                record.slug,
                {
                    "name": record.name,
                    "kind": record.kind,
                    "iso_code": record.iso_code,
                    "parent": record.parent_slug,
                    "region": record.region,
                    "subregion": record.subregion,
                    "last_reviewed": _iso(record.last_reviewed),
                    "notes": record.notes,
                    "status": PUBLISHED,
                    "aliases": sorted([name, kind] for name, kind in record.aliases.items()),
                },
                *_origin(record.origin),
            )
        )
        for period in record.periods:
            entries["period"].append(
                Entry(
                    "period",
                    period_key(record.slug, period.start_date.isoformat()),
                    {
                        "jurisdiction": record.slug,
                        "start_date": _iso(period.start_date),
                        "start_precision": period.start_precision,
                        "end_date": _iso(period.end_date),
                        "end_precision": period.end_precision,
                        "in_force_before_start": period.in_force_before_start,
                        "legal_model": period.legal_model,
                        "treatment_of_workers": period.treatment_of_workers,
                        "treatment_of_clients": period.treatment_of_clients,
                        "treatment_of_third_parties": period.treatment_of_third_parties,
                        **{name: period.activities[name] for name in CODED_ACTIVITY_FIELDS},
                        "confidence": period.confidence,
                        "needs_review": period.needs_review,
                        "notes": period.notes,
                        "model_exception": period.model_exception,
                        "enacted_by": period.enacted_by,
                        "sources": _citations(period.citations),
                        "status": PUBLISHED,
                    },
                    *_origin(period.origin),
                )
            )
    for event in dataset.events.values():
        entries["event"].append(
            Entry(
                "event",
                event.key,
                {
                    "jurisdiction": event.jurisdiction_slug,
                    "date": _iso(event.date),
                    "date_precision": event.date_precision,
                    "kind": event.kind,
                    "title": event.title,
                    "description": event.description,
                    "confidence": event.confidence,
                    "needs_review": event.needs_review,
                    "notes": event.notes,
                    "sources": _citations(event.citations),
                    "status": PUBLISHED,
                },
                *_origin(event.origin),
            )
        )
    return entries


def row_values(kind: str, row: Any) -> dict[str, Any]:  # a Source, Jurisdiction, PolicyEvent or RegimePeriod, by kind
    """The canonical values of a database row (same shape as ``file_entries``)."""
    if kind == "source":
        return {
            "title": row.title,
            "url": row.url,
            "kind": row.kind,
            "publisher": row.publisher,
            "published_on": _iso(row.published_on),
            "accessed_on": _iso(row.accessed_on),
            "notes": row.notes,
        }
    if kind == "jurisdiction":
        return {
            "name": row.name,
            "kind": row.kind,
            "iso_code": row.iso_code,
            "parent": row.parent.slug if row.parent_id else None,
            "region": row.region,
            "subregion": row.subregion,
            "last_reviewed": _iso(row.last_reviewed),
            "notes": row.notes,
            "status": row.status,
            "aliases": sorted([alias.name, alias.kind] for alias in row.aliases.all()),
        }
    citations = sorted([c.source.slug, c.pinpoint] for c in row.citations.select_related("source"))
    if kind == "event":
        return {
            "jurisdiction": row.jurisdiction.slug if row.jurisdiction_id else None,
            "date": _iso(row.date),
            "date_precision": row.date_precision,
            "kind": row.kind,
            "title": row.title,
            "description": row.description,
            "confidence": row.confidence,
            "needs_review": row.needs_review,
            "notes": row.notes,
            "sources": citations,
            "status": row.status,
        }
    return {
        "jurisdiction": row.jurisdiction.slug,
        "start_date": _iso(row.start_date),
        "start_precision": row.start_precision,
        "end_date": _iso(row.end_date),
        "end_precision": row.end_precision,
        "in_force_before_start": row.in_force_before_start,
        "legal_model": row.legal_model.slug if row.legal_model_id else None,
        "treatment_of_workers": row.treatment_of_workers,
        "treatment_of_clients": row.treatment_of_clients,
        "treatment_of_third_parties": row.treatment_of_third_parties,
        **{name: getattr(row, name) for name in CODED_ACTIVITY_FIELDS},
        "confidence": row.confidence,
        "needs_review": row.needs_review,
        "notes": row.notes,
        "model_exception": row.model_exception,
        "enacted_by": row.enacted_by.slug if row.enacted_by_id else None,
        "sources": citations,
        "status": row.status,
    }


def _find(kind: str, key: str) -> EditTracked | None:
    """The row with this natural key (for records that have no fingerprint yet)."""
    model = MODELS[kind]
    if kind == "period":
        slug, start = key.rsplit("@", 1)
        return model.objects.filter(jurisdiction__slug=slug, start_date=start).first()
    return model.objects.filter(slug=key).first()


def _changed_by_a_person(row: EditTracked) -> bool:
    """True if the change history records a signed-in user (admin, import) writing this row."""
    return row.history.filter(pgh_context__metadata__has_key="user").exists()


def _has_pending_revision(row: Model) -> bool:
    return (
        Revision.objects.pending()
        .filter(content_type=ContentType.objects.get_for_model(row), object_id=row.pk)
        .exists()
    )


# --- writing one record ----------------------------------------------------------------------


def _model_values(kind: str, values: dict[str, Any]) -> dict[str, Any]:
    """Canonical values -> model field values (keys resolved to ids); citations left out."""
    data = {name: value for name, value in values.items() if name != "sources"}
    if kind == "jurisdiction":
        data.pop("aliases", None)  # a table of its own: _write_aliases
        parent = data.pop("parent")
        data["parent_id"] = Jurisdiction.objects.get(slug=parent).pk if parent else None
    elif kind == "event":
        jurisdiction = data.pop("jurisdiction")
        data["jurisdiction_id"] = Jurisdiction.objects.get(slug=jurisdiction).pk if jurisdiction else None
    elif kind == "period":
        data["jurisdiction_id"] = Jurisdiction.objects.get(slug=data.pop("jurisdiction")).pk
        model = data.pop("legal_model")
        data["legal_model_id"] = LegalModel.objects.get(slug=model).pk if model else None
        data["varies_within"] = model is None
        enacted_by = data.pop("enacted_by")
        data["enacted_by_id"] = PolicyEvent.objects.get(slug=enacted_by).pk if enacted_by else None
    return data


def _write(kind: str, key: str, row: Model | None, values: dict[str, Any], ordered_sources: list) -> Model:
    """Create or update the row so that it holds ``values``; citations in file order."""
    model = MODELS[kind]
    data = _model_values(kind, values)
    if row is None:
        lookup = {} if kind == "period" else {"slug": key}
        row = model.objects.create(**lookup, **data)
    else:
        changed = [name for name, value in data.items() if getattr(row, name) != _python(row, name, value)]
        for name in changed:
            setattr(row, name, data[name])
        if changed:
            row.save(update_fields=[*changed, "updated_at"])
            row.refresh_from_db()
    if kind in ("event", "period"):
        _write_citations(row, ordered_sources)
    if isinstance(row, Jurisdiction):
        _write_aliases(row, values.get("aliases") or [])
    return row


def _write_aliases(row: Jurisdiction, wanted: list) -> None:
    """Make the jurisdiction's aliases exactly ``wanted`` [[name, kind]]."""
    kinds = dict(wanted)
    for alias in row.aliases.all():
        kind = kinds.pop(alias.name, None)
        if kind is None:
            alias.delete()
        elif alias.kind != kind:
            alias.kind = kind
            alias.save(update_fields=["kind"])
    for name, kind in kinds.items():
        row.aliases.create(name=name, kind=kind)


def _python(row: Any, name: str, value):
    """A canonical value as the model field holds it (dates come as ISO strings)."""
    field = row._meta.get_field(name.removesuffix("_id")) if name.endswith("_id") else row._meta.get_field(name)
    return field.to_python(value) if value is not None and not name.endswith("_id") else value


def _write_citations(row: Any, ordered: list) -> None:
    """Make ``row`` cite exactly ``ordered`` [(source key, pinpoint)], creating new ones in that order."""
    through = row.citations.model
    owner = row.citations.field.name
    ids = dict(Source.objects.filter(slug__in=[key for key, _ in ordered]).values_list("slug", "pk"))
    wanted = {ids[key]: pinpoint for key, pinpoint in ordered}
    existing = {c.source_id: c for c in row.citations.all()}
    for source_id, citation in existing.items():
        if source_id not in wanted:
            citation.delete()
        elif citation.pinpoint != wanted[source_id]:
            citation.pinpoint = wanted[source_id]
            citation.save(update_fields=["pinpoint"])
    for key, pinpoint in ordered:
        if ids[key] not in existing:
            through.objects.create(**{owner: row}, source_id=ids[key], pinpoint=pinpoint)


# --- the load ------------------------------------------------------------------------------


@dataclass
class Change:
    """One thing a load did (or, in a conflict, did not do) to one record."""

    action: str  # created, updated, deleted, conflict, overwritten
    kind: str
    key: str
    reason: str = ""
    fields: list[tuple[str, Any, Any]] = field(default_factory=list)  # (name, database, files)

    def lines(self) -> list[str]:
        label = {"source": "source", "jurisdiction": "jurisdiction", "event": "event"}.get(self.kind, "regime period")
        head = f"{self.action} {label} {self.key}"
        if self.reason:
            head += f": {self.reason}"
        return [head, *(f"    {name}: database {db!r} | files {files!r}" for name, db, files in self.fields)]


@dataclass
class LoadReport:
    """What a load did per kind of record, and every change and conflict in detail."""

    counts: dict[str, Counter] = field(default_factory=dict)
    changes: list[Change] = field(default_factory=list)

    def count(self, kind: str, outcome: str) -> None:
        self.counts.setdefault(KIND_LABELS.get(kind, kind), Counter())[outcome] += 1

    def add(self, change: Change) -> None:
        self.changes.append(change)
        self.count(change.kind, change.action)

    @property
    def changed(self) -> bool:
        return any(c["created"] or c["updated"] or c["deleted"] or c["overwritten"] for c in self.counts.values())

    @property
    def conflicts(self) -> list[Change]:
        return [change for change in self.changes if change.action == "conflict"]

    def lines(self) -> list[str]:
        return [
            f"{kind}: {c['created']} created, {c['updated']} updated, {c['unchanged']} unchanged, "
            f"{c['deleted']} deleted, {c['conflict']} conflicts"
            + (f", {c['overwritten']} overwritten from the files" if c["overwritten"] else "")
            + (f", {c['kept']} edited in the database and kept" if c["kept"] else "")
            for kind, c in self.counts.items()
        ]

    def detail(self) -> list[str]:
        return [line for change in self.changes for line in change.lines()]


def _differences(current: dict | None, wanted: dict) -> list[tuple[str, Any, Any]]:
    if current is None:
        return [("(record)", "deleted", "present")]
    return [(name, current.get(name), value) for name, value in wanted.items() if current.get(name) != value]


class _Loader:
    def __init__(self, dataset: Dataset, *, take_files: bool, prune_events: bool):
        self.entries = file_entries(dataset)
        self.order = {
            kind: {e.key: [tuple(s) for s in _ordered_citations(dataset, e)] for e in entries}
            for kind, entries in self.entries.items()
        }
        self.take_files = take_files
        self.prune_events = prune_events
        self.report = LoadReport()
        self.fingerprints = {(fp.kind, fp.key): fp for fp in LoadedRecord.objects.all()}

    def run(self) -> LoadReport:
        for kind in ("source", "jurisdiction", "event"):
            for entry in self.entries[kind]:
                self.sync(entry, self.report)
        if self.prune_events:
            self.remove_missing("event", {e.key for e in self.entries["event"]}, self.report)
        self.sync_periods()
        return self.report

    def sync(self, entry: Entry, report: LoadReport) -> None:
        fp = self.fingerprints.get((entry.kind, entry.key))
        row = MODELS[entry.kind].objects.filter(pk=fp.object_id).first() if fp else _find(entry.kind, entry.key)
        current = row_values(entry.kind, row) if row is not None else None
        if fp is not None and current is not None and set(entry.values) - set(fp.values):
            # A value the format gained after this record was loaded (e.g. aliases): the database's
            # value then counts as the loaded one, so the new value is an update, not a conflict.
            fp.values = {**{name: current.get(name) for name in entry.values}, **fp.values}
        edited = row is not None and entry.kind != "source" and _has_pending_revision(row)
        if fp is None:
            if row is None:
                self.write(entry, None, report, "created")
            elif current == entry.values and not edited:
                self.remember(entry, row)
                report.count(entry.kind, "unchanged")
            elif not edited and not _changed_by_a_person(row):
                # Loaded before fingerprints were kept, and no signed-in person changed it since.
                self.write(entry, row, report, "updated", _differences(current, entry.values))
            else:
                self.conflict(entry, row, current, report, "in the database but never loaded from the files")
        elif entry.values == fp.values:
            report.count(entry.kind, "kept" if current != fp.values or edited else "unchanged")
            if (fp.file, fp.position) != (entry.file, entry.position):
                fp.file, fp.position = entry.file, entry.position
                fp.save(update_fields=["file", "position"])
        elif row is not None and current == entry.values:
            self.remember(entry, row)
            report.count(entry.kind, "unchanged")
        elif current == fp.values and not edited:
            self.write(entry, row, report, "updated", _differences(current, entry.values))
        else:
            reason = (
                "deleted in the database since the last load"
                if row is None
                else "a revision is pending review"
                if edited
                else "changed in the database since the last load"
            )
            self.conflict(entry, row, current, report, reason)

    def write(self, entry: Entry, row, report: LoadReport, action: str, fields=()) -> None:
        row = _write(entry.kind, entry.key, row, entry.values, self.order[entry.kind][entry.key])
        self.remember(entry, row)
        report.add(Change(action, entry.kind, entry.key, fields=list(fields)))

    def conflict(self, entry: Entry, row, current, report: LoadReport, reason: str) -> None:
        differences = _differences(current, entry.values)
        if self.take_files:
            self.write(entry, row, report, "overwritten", differences)
            report.changes[-1].reason = f"{reason}; the files' version replaced it"
        else:
            report.add(Change("conflict", entry.kind, entry.key, f"{reason}; kept the database version", differences))

    def remember(self, entry: Entry, row: Model) -> None:
        LoadedRecord.objects.update_or_create(
            kind=entry.kind,
            key=entry.key,
            defaults={
                "object_id": row.pk,
                "values": entry.values,
                "file": entry.file,
                "position": entry.position,
            },
        )

    def remove_missing(self, kind: str, listed: set[str], report: LoadReport, only: Iterable[str] | None = None):
        """Delete records the files no longer list, if nobody changed them since they were loaded."""
        for (fp_kind, key), fp in list(self.fingerprints.items()):
            if fp_kind != kind or key in listed or (only is not None and key not in only):
                continue
            row = MODELS[kind].objects.filter(pk=fp.object_id).first()
            if row is None:
                fp.delete()
                continue
            if (row_values(kind, row) == fp.values and not _has_pending_revision(row)) or self.take_files:
                row.delete()
                fp.delete()
                report.add(Change("deleted", kind, key, "no longer in the files"))
            else:
                report.add(
                    Change(
                        "conflict",
                        kind,
                        key,
                        "no longer in the files, but changed in the database since the last load; kept",
                    )
                )

    def sync_periods(self) -> None:  # noqa: C901 (one transaction per jurisdiction, with its conflict report)
        """Periods, one jurisdiction at a time: a jurisdiction whose new periods would overlap one kept
        because of a conflict keeps all its periods, and the clash is reported."""
        by_jurisdiction: dict[str, list[Entry]] = {}
        for entry in self.entries["period"]:
            by_jurisdiction.setdefault(entry.values["jurisdiction"], []).append(entry)
        listed = {e.key for e in self.entries["period"]}
        for kind, key in self.fingerprints:
            if kind == "period":
                by_jurisdiction.setdefault(key.rsplit("@", 1)[0], [])
        for slug, entries in by_jurisdiction.items():
            batch = LoadReport()
            mine = {key for kind, key in self.fingerprints if kind == "period" and key.startswith(f"{slug}@")}
            try:
                with transaction.atomic():
                    with connection.cursor() as cursor:
                        cursor.execute("SET CONSTRAINTS regime_periods_do_not_overlap DEFERRED")
                    self.remove_missing("period", listed, batch, only=mine)
                    for entry in entries:
                        self.sync(entry, batch)
                    with connection.cursor() as cursor:
                        cursor.execute("SET CONSTRAINTS regime_periods_do_not_overlap IMMEDIATE")
            except IntegrityError:
                self.fingerprints = {(fp.kind, fp.key): fp for fp in LoadedRecord.objects.all()}
                for change in batch.changes:
                    if change.action != "conflict":
                        change.reason = (
                            "not applied: the periods would overlap a period kept because of a "
                            "conflict; resolve the conflict first"
                        )
                        change.action = "conflict"
                batch.counts = {}
                for change in batch.changes:
                    batch.count(change.kind, change.action)
            self.report.changes.extend(batch.changes)
            for kind, counts in batch.counts.items():
                self.report.counts.setdefault(kind, Counter()).update(counts)


def _ordered_citations(dataset: Dataset, entry: Entry) -> list[tuple[str, str]]:
    """The citations of an event or period in file order (the canonical values sort them)."""
    if entry.kind == "event":
        return [(c.source_key, c.pinpoint) for c in dataset.events[entry.key].citations]
    if entry.kind == "period":
        slug, start = entry.key.rsplit("@", 1)
        for period in dataset.jurisdictions[slug].periods:
            if period.start_date.isoformat() == start:
                return [(c.source_key, c.pinpoint) for c in period.citations]
    return []


@transaction.atomic
def load_dataset(dataset: Dataset, *, prune_events: bool = False, take_files: bool = False) -> LoadReport:
    """Bring the files' changes into the database without overwriting what editors changed.

    Records are matched by their fingerprints (else by natural key). A record is created
    when new, updated when its file entry changed and the database still holds what was
    last loaded, and otherwise kept and reported as a conflict (``take_files`` overwrites
    it instead). Periods the files no longer list are deleted when unchanged since loaded;
    events only with ``prune_events``. Drafts and records editors added are never touched.
    """
    return _Loader(dataset, take_files=take_files, prune_events=prune_events).run()


# --- dump ----------------------------------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    """Block style with indented lists (``  - key: ...``), as the hand-written files are."""

    def increase_indent(self, flow=False, indentless=False):
        return super().increase_indent(flow, False)

    def write_plain(self, text, split=True):
        # Titles and URLs stay on one line; only folded prose wraps.
        return super().write_plain(text, split=False)


class _Flow(list):
    """A list written inline: ``sources: [a, b]``."""


class _Prose(str):
    """Notes and descriptions: long ones are written as folded blocks (``>-``), like the hand-written files."""


def _represent_prose(dumper: yaml.SafeDumper, value: str):
    foldable = len(value) > 90 and "\n" not in value and value == value.strip() and "  " not in value
    return dumper.represent_scalar("tag:yaml.org,2002:str", str(value), style=">" if foldable else None)


_Dumper.add_representer(_Prose, _represent_prose)
_Dumper.add_representer(
    _Flow, lambda dumper, data: dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=True)
)


def _compact(mapping: dict) -> dict:
    """Leave out what the reader fills in by default: empty text, None, false."""
    return {key: value for key, value in mapping.items() if value not in ("", None, False, [], {})}


def _citations_in_order(through) -> Prefetch:
    """Citations in the order they were written (the files' order): without an ORDER BY,
    PostgreSQL may return them in any order, and a dump would not round-trip."""
    return Prefetch("citations", queryset=through.objects.select_related("source").order_by("pk"))


def _sources_value(citations) -> list:
    items = [c.source.slug if not c.pinpoint else {"key": c.source.slug, "pinpoint": c.pinpoint} for c in citations]
    return _Flow(items) if all(isinstance(item, str) for item in items) else items


def _far(fp) -> tuple:
    return (0, fp.position) if fp else (1, 0)


def dump_dataset(*, root: Path) -> list[Path]:  # noqa: C901 (one pass writing every file in load order)
    """Write the published records to YAML files under ``root`` (the format ``read_dataset`` reads).

    Records go back to the file and position they were loaded from; records added in
    the admin go to their parent's file or ``<region>/<slug>.yaml``. A file's leading
    comment is kept. Returns the files written.
    """
    fingerprints = {(fp.kind, fp.key): fp for fp in LoadedRecord.objects.all()}
    jurisdictions = {
        j.pk: j
        for j in Jurisdiction.objects.filter(status=PUBLISHED).select_related("parent").prefetch_related("aliases")
    }
    periods = (
        RegimePeriod.objects.filter(status=PUBLISHED, jurisdiction_id__in=jurisdictions)
        .select_related("legal_model", "enacted_by")
        .prefetch_related(_citations_in_order(RegimePeriodSource))
        .order_by("start_date")
    )
    events = [
        event
        for event in PolicyEvent.objects.filter(status=PUBLISHED).prefetch_related(
            _citations_in_order(PolicyEventSource)
        )
        if event.jurisdiction_id is None or event.jurisdiction_id in jurisdictions
    ]

    def file_of(jurisdiction: Jurisdiction) -> str:
        fp = fingerprints.get(("jurisdiction", jurisdiction.slug))
        if fp and fp.file:
            return fp.file
        parent = jurisdictions.get(jurisdiction.parent_id) if jurisdiction.parent_id else None
        return file_of(parent) if parent else f"{jurisdiction.region}/{jurisdiction.slug}.yaml"

    files: dict[str, dict] = {}

    def document(name: str) -> dict:
        return files.setdefault(name, {"sources": [], "jurisdictions": [], "events": [], "cited": []})

    entries: dict[int, dict] = {}
    ordered = sorted(jurisdictions.values(), key=lambda j: (_far(fingerprints.get(("jurisdiction", j.slug))), j.slug))
    for jurisdiction in ordered:
        entry = _compact(
            {
                "slug": jurisdiction.slug,
                "name": jurisdiction.name,
                "aliases": _Flow(a.name for a in jurisdiction.aliases.all() if a.kind == AliasKind.ALIAS),
                "former_names": _Flow(a.name for a in jurisdiction.aliases.all() if a.kind == AliasKind.FORMER),
                "kind": jurisdiction.kind,
                "iso_code": jurisdiction.iso_code,
                "parent": jurisdictions[jurisdiction.parent_id].slug
                if jurisdiction.parent_id in jurisdictions
                else None,
                "region": jurisdiction.region,
                "subregion": jurisdiction.subregion,
                "last_reviewed": jurisdiction.last_reviewed,
                "notes": _Prose(jurisdiction.notes),
            }
        )
        entry["events"], entry["periods"] = [], []
        entries[jurisdiction.pk] = entry
        document(file_of(jurisdiction))["jurisdictions"].append(entry)

    def event_entry(event: PolicyEvent) -> tuple[list[PolicyEventSource], dict]:
        # Citation order is creation order (the file's order when loaded), not the table's physical order.
        citations = sorted(event.citations.all(), key=lambda citation: citation.pk)
        return citations, {
            **_compact(
                {
                    "key": event.slug,
                    "date": event.date,
                    "precision": event.date_precision,
                    "kind": event.kind,
                    "title": event.title,
                    "description": _Prose(event.description),
                    "confidence": event.confidence,
                    "needs_review": event.needs_review,
                    "notes": _Prose(event.notes),
                }
            ),
            "sources": _sources_value(citations),
        }

    events.sort(key=lambda e: (_far(fingerprints.get(("event", e.slug))), e.date, e.id))
    for event in events:
        citations, entry = event_entry(event)
        if event.jurisdiction_id is None:
            fp = fingerprints.get(("event", event.slug))
            target = document(fp.file if fp and fp.file else "international.yaml")
            target["events"].append(entry)
        else:
            jurisdiction = jurisdictions[event.jurisdiction_id]
            target = document(file_of(jurisdiction))
            entries[event.jurisdiction_id]["events"].append(entry)
        target["cited"].extend(c.source for c in citations)

    for period in periods:
        period_citations = sorted(period.citations.all(), key=lambda citation: citation.pk)
        activities = {
            name: getattr(period, name) for name in CODED_ACTIVITY_FIELDS if getattr(period, name) != "unknown"
        }
        entry = {
            **_compact(
                {
                    "start": period.start_date,
                    "start_precision": period.start_precision if period.start_precision != "day" else None,
                    "in_force_before_start": period.in_force_before_start,
                    "end": period.end_date,
                    "end_precision": period.end_precision if period.end_precision != "day" else None,
                    "model": period.model_slug,
                    "workers": period.treatment_of_workers,
                    "clients": period.treatment_of_clients,
                    "third_parties": period.treatment_of_third_parties,
                    "activities": activities,
                    "confidence": period.confidence,
                    "needs_review": period.needs_review,
                    "notes": _Prose(period.notes),
                    "model_exception": _Prose(period.model_exception),
                    "enacted_by": period.enacted_by.slug if period.enacted_by else None,
                }
            ),
            "sources": _sources_value(period_citations),
        }
        entries[period.jurisdiction_id]["periods"].append(entry)
        document(file_of(jurisdictions[period.jurisdiction_id]))["cited"].extend(c.source for c in period_citations)

    # Each source is written once: in the file it was loaded from, else the first file citing it.
    placed: dict[int, str] = {}
    for name in sorted(files):
        for source in files[name]["cited"]:
            fp = fingerprints.get(("source", source.slug))
            home = fp.file if fp and fp.file else None
            placed.setdefault(source.pk, home or name)
    sources = {s.pk: s for s in Source.objects.filter(pk__in=placed)}
    for key, fp in fingerprints.items():
        if key[0] == "source" and fp.object_id not in placed and fp.file:
            source = Source.objects.filter(pk=fp.object_id).first()
            if source is not None:
                placed[source.pk] = fp.file
                sources[source.pk] = source
    for pk in sorted(placed, key=lambda pk: (_far(fingerprints.get(("source", sources[pk].slug))), sources[pk].slug)):
        source = sources[pk]
        document(placed[pk])["sources"].append(
            _compact(
                {
                    "key": source.slug,
                    "title": source.title,
                    "url": source.url,
                    "publisher": source.publisher,
                    "kind": source.kind,
                    "published_on": source.published_on,
                    "accessed_on": source.accessed_on,
                    "notes": _Prose(source.notes),
                }
            )
        )

    written = []
    for name, content in sorted(files.items()):
        for entry in content["jurisdictions"]:
            for list_name in ("events", "periods"):
                if not entry[list_name]:
                    del entry[list_name]
        body = _compact({key: content[key] for key in ("sources", "jurisdictions", "events")})
        path = root / name
        header = _leading_comment(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        text = yaml.dump(body, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100, default_flow_style=False)
        # A blank line between the top-level sections, as in the hand-written files.
        text = re.sub(r"\n(?=(jurisdictions|events):\n)", "\n\n", text)
        path.write_text(header + text, encoding="utf-8")
        written.append(path)
    return written


def _leading_comment(path: Path) -> str:
    """The comment lines at the top of an existing file (kept when the file is rewritten)."""
    if not path.is_file():
        return ""
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines(keepends=True):
        if not line.startswith("#"):
            break
        lines.append(line)
    return "".join(lines)

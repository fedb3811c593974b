"""Read the curated dataset (YAML files under ``fixtures/``) into plain records.

No database access here: parsing and every check that needs only the files
(shape, vocabulary, dates, references, overlaps) happen before anything is
written, and each problem is reported with its file and position. The format
is documented in ``docs/DATA.md``.

A file looks like::

    sources:
      - key: nz-prostitution-reform-act-2003
        title: Prostitution Reform Act 2003
        url: https://www.legislation.govt.nz/act/public/2003/0028/latest/whole.html
        kind: statute
    jurisdictions:
      - slug: new-zealand
        name: New Zealand
        ...
        events: [...]
        periods: [...]
"""

from __future__ import annotations

import datetime
import hashlib
import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import yaml

from .in_force import in_force_on
from .models import (
    ISO_CODE_PATTERN,
    DatePrecision,
    EventKind,
    JurisdictionKind,
    Region,
    SourceKind,
)
from .vocabulary import (
    ACTIVITY_FIELDS,
    REQUIREMENT_FIELDS,
    VARIES,
    ActivityStatus,
    Confidence,
    LegalModelSlug,
    Requirement,
    Treatment,
)

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class DatasetError(ValueError):
    """The dataset files are malformed; ``problems`` lists every problem found."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in the dataset:\n" + "\n".join(problems))


@dataclass(frozen=True)
class Citation:
    source_key: str
    pinpoint: str = ""


@dataclass
class SourceRecord:
    key: str
    title: str
    url: str
    kind: str
    publisher: str = ""
    published_on: datetime.date | None = None
    accessed_on: datetime.date | None = None
    notes: str = ""
    origin: str = ""


@dataclass
class EventRecord:
    key: str
    date: datetime.date
    date_precision: str
    kind: str
    title: str
    description: str
    confidence: str
    needs_review: bool
    notes: str
    citations: list[Citation]
    jurisdiction_slug: str | None
    origin: str = ""
    # Set only where a cited source states that the law came into force on the day it was
    # passed; a check in validation.py, not stored in the database.
    in_force_on_passage: bool = False


@dataclass
class PeriodRecord:
    start_date: datetime.date
    end_date: datetime.date | None
    in_force_before_start: bool
    legal_model: str | None  # None: varies within
    treatment_of_workers: str
    treatment_of_clients: str
    treatment_of_third_parties: str
    activities: dict[str, str]
    confidence: str
    needs_review: bool
    notes: str
    enacted_by: str | None
    citations: list[Citation]
    origin: str = ""
    start_precision: str = "day"
    end_precision: str = "day"
    model_exception: str = ""

    @property
    def varies_within(self) -> bool:
        return self.legal_model is None


@dataclass
class JurisdictionRecord:
    slug: str
    name: str
    kind: str
    iso_code: str
    parent_slug: str | None
    region: str
    subregion: str
    last_reviewed: datetime.date | None
    notes: str
    periods: list[PeriodRecord] = field(default_factory=list)
    origin: str = ""
    # Other names people search for, and former names: {name: 'alias' | 'former'}.
    aliases: dict[str, str] = field(default_factory=dict)


@dataclass
class Dataset:
    sources: dict[str, SourceRecord] = field(default_factory=dict)
    jurisdictions: dict[str, JurisdictionRecord] = field(default_factory=dict)
    events: dict[str, EventRecord] = field(default_factory=dict)
    digest: str = ""

    def jurisdictions_parents_first(self) -> list[JurisdictionRecord]:
        """Jurisdictions ordered so that each parent comes before its children."""
        ordered, placed = [], set()

        def place(record: JurisdictionRecord, trail: tuple[str, ...] = ()) -> None:
            if record.slug in placed or record.slug in trail:
                return
            parent = self.jurisdictions.get(record.parent_slug or "")
            if parent is not None:
                place(parent, (*trail, record.slug))
            placed.add(record.slug)
            ordered.append(record)

        for record in sorted(self.jurisdictions.values(), key=lambda r: r.slug):
            place(record)
        return ordered


class _Reader:
    """Turns one file's parsed YAML into records, collecting problems instead of stopping."""

    def __init__(self, problems: list[str]):
        self.problems = problems

    def problem(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}")

    def text(self, data: dict, key: str, where: str, *, required=True, max_length=None) -> str:
        value = data.get(key)
        if value is None or value == "":
            if required:
                self.problem(where, f"'{key}' is required")
            return ""
        if not isinstance(value, str):
            self.problem(where, f"'{key}' must be text, not {type(value).__name__}")
            return ""
        value = value.strip()
        if max_length and len(value) > max_length:
            self.problem(where, f"'{key}' is longer than {max_length} characters")
        return value

    def choice(self, data: dict, key: str, where: str, choices, *, default=None) -> str:
        value = data.get(key, default)
        if value not in choices:
            self.problem(where, f"'{key}' is {value!r}; expected one of {', '.join(choices)}")
            return default or ""
        return value

    def date(self, data: dict, key: str, where: str, *, required=True) -> datetime.date | None:
        value = data.get(key)
        if value is None:
            if required:
                self.problem(where, f"'{key}' is required (YYYY-MM-DD)")
            return None
        if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
            self.problem(where, f"'{key}' must be a date written YYYY-MM-DD, not {value!r}")
            return None
        return value

    def boolean(self, data: dict, key: str, where: str) -> bool:
        value = data.get(key, False)
        if not isinstance(value, bool):
            self.problem(where, f"'{key}' must be true or false")
            return False
        return value

    def slug(self, data: dict, key: str, where: str, max_length: int = 120) -> str:
        value = self.text(data, key, where, max_length=max_length)
        if value and not SLUG_PATTERN.match(value):
            self.problem(where, f"'{key}' {value!r} must be lower-case words joined by hyphens")
        return value

    def mapping(self, value: Any, where: str) -> dict:
        if not isinstance(value, dict):
            self.problem(where, "expected a mapping of keys to values")
            return {}
        return value

    def items(self, data: dict, key: str, where: str) -> list:
        value = data.get(key) or []
        if not isinstance(value, list):
            self.problem(where, f"'{key}' must be a list")
            return []
        return value

    def citations(self, data: dict, where: str) -> list[Citation]:
        citations = []
        for index, entry in enumerate(self.items(data, "sources", where)):
            if isinstance(entry, str):
                citations.append(Citation(entry))
            elif isinstance(entry, dict) and isinstance(entry.get("key"), str):
                pinpoint = str(entry.get("pinpoint", ""))
                if len(pinpoint) > 300:
                    self.problem(f"{where}.sources[{index}]", "'pinpoint' is longer than 300 characters")
                citations.append(Citation(entry["key"], pinpoint))
            else:
                self.problem(f"{where}.sources[{index}]", "expected a source key or {key, pinpoint}")
        if not citations:
            self.problem(where, "cites no source: every record needs at least one")
        keys = [citation.source_key for citation in citations]
        if len(keys) != len(set(keys)):
            self.problem(where, "cites the same source twice")
        return citations

    # -- records -------------------------------------------------------------

    def source(self, data: dict, where: str) -> SourceRecord:
        url = self.text(data, "url", where, max_length=500)
        parsed = urlparse(url)
        if url and (parsed.scheme not in {"http", "https"} or not parsed.netloc or " " in url):
            self.problem(where, f"'url' {url!r} is not a well-formed http(s) URL")
        return SourceRecord(
            key=self.slug(data, "key", where),
            title=self.text(data, "title", where, max_length=300),
            url=url,
            kind=self.choice(data, "kind", where, SourceKind.values),
            publisher=self.text(data, "publisher", where, required=False, max_length=200),
            published_on=self.date(data, "published_on", where, required=False),
            accessed_on=self.date(data, "accessed_on", where, required=False),
            notes=self.text(data, "notes", where, required=False),
            origin=where,
        )

    def precision(self, data: dict, key: str, date: datetime.date | None, where: str) -> str:
        """A date's precision (default 'day'), checked against the date: the 1st, or 1 January."""
        precision = self.choice(data, key, where, DatePrecision.values, default="day")
        if date and precision == "month" and date.day != 1:
            self.problem(where, f"with '{key}' 'month' the date must be the 1st of the month")
        if date and precision == "year" and (date.month, date.day) != (1, 1):
            self.problem(where, f"with '{key}' 'year' the date must be 1 January")
        return precision

    def event(self, data: dict, where: str, jurisdiction_slug: str | None) -> EventRecord:
        date = self.date(data, "date", where)
        precision = self.precision(data, "precision", date, where)
        return EventRecord(
            key=self.slug(data, "key", where, max_length=150),
            date=date,  # type: ignore[arg-type]  # None only after a reported problem: read_dataset then raises
            date_precision=precision,
            kind=self.choice(data, "kind", where, EventKind.values),
            title=self.text(data, "title", where, max_length=300),
            description=self.text(data, "description", where, required=False),
            confidence=self.choice(data, "confidence", where, Confidence.values, default="medium"),
            needs_review=self.boolean(data, "needs_review", where),
            notes=self.text(data, "notes", where, required=False),
            citations=self.citations(data, where),
            jurisdiction_slug=jurisdiction_slug,
            origin=where,
            in_force_on_passage=self.boolean(data, "in_force_on_passage", where),
        )

    def period(self, data: dict, where: str) -> PeriodRecord:
        model = self.choice(data, "model", where, [*LegalModelSlug.values, VARIES])
        varies = model == VARIES
        treatments = {}
        for role in ("workers", "clients", "third_parties"):
            if varies:
                if data.get(role):
                    self.problem(where, f"'{role}' must be left out when the model is 'varies'")
                treatments[role] = ""
            else:
                treatments[role] = self.choice(data, role, where, Treatment.values)
        activities = self.mapping(data.get("activities") or {}, f"{where}.activities")
        unknown = set(activities) - set(ACTIVITY_FIELDS) - set(REQUIREMENT_FIELDS)
        if unknown:
            self.problem(f"{where}.activities", f"unknown activities: {', '.join(sorted(unknown))}")
        coded = {}
        for name in ACTIVITY_FIELDS:
            coded[name] = self.choice(activities, name, f"{where}.activities", ActivityStatus.values, default="unknown")
        for name in REQUIREMENT_FIELDS:
            coded[name] = self.choice(activities, name, f"{where}.activities", Requirement.values, default="unknown")
        start = self.date(data, "start", where)
        end = self.date(data, "end", where, required=False)
        if start and end and end <= start:
            self.problem(where, f"'end' {end} must be after 'start' {start}")
        if end is None and data.get("end_precision") not in (None, "day"):
            self.problem(where, "'end_precision' needs an 'end' date")
        enacted_by = data.get("enacted_by")
        if enacted_by is not None and not isinstance(enacted_by, str):
            self.problem(where, "'enacted_by' must be an event key")
            enacted_by = None
        return PeriodRecord(
            start_date=start,  # type: ignore[arg-type]  # None only after a reported problem: read_dataset then raises
            start_precision=self.precision(data, "start_precision", start, where),
            end_date=end,
            end_precision=self.precision(data, "end_precision", end, where),
            model_exception=self.text(data, "model_exception", where, required=False),
            in_force_before_start=self.boolean(data, "in_force_before_start", where),
            legal_model=None if varies else model,
            treatment_of_workers=treatments["workers"],
            treatment_of_clients=treatments["clients"],
            treatment_of_third_parties=treatments["third_parties"],
            activities=coded,
            confidence=self.choice(data, "confidence", where, Confidence.values, default="medium"),
            needs_review=self.boolean(data, "needs_review", where),
            notes=self.text(data, "notes", where, required=False),
            enacted_by=enacted_by,
            citations=self.citations(data, where),
            origin=where,
        )

    def jurisdiction(self, data: dict, where: str) -> tuple[JurisdictionRecord, list[EventRecord]]:
        slug = self.slug(data, "slug", where, max_length=150)
        iso_code = self.text(data, "iso_code", where, required=False)
        if iso_code and not re.match(ISO_CODE_PATTERN, iso_code):
            self.problem(where, f"'iso_code' {iso_code!r} is not an ISO 3166 code like 'SE' or 'US-NV'")
        parent = data.get("parent")
        if parent is not None and not isinstance(parent, str):
            self.problem(where, "'parent' must be a jurisdiction slug")
            parent = None
        record = JurisdictionRecord(
            slug=slug,
            name=self.text(data, "name", where, max_length=150),
            kind=self.choice(data, "kind", where, JurisdictionKind.values),
            iso_code=iso_code,
            parent_slug=parent,
            region=self.choice(data, "region", where, Region.values),
            subregion=self.text(data, "subregion", where, required=False, max_length=60),
            last_reviewed=self.date(data, "last_reviewed", where, required=False),
            notes=self.text(data, "notes", where, required=False),
            origin=where,
        )
        for key, kind in (("aliases", "alias"), ("former_names", "former")):
            for index, name in enumerate(self.items(data, key, where)):
                if not isinstance(name, str) or not name.strip() or len(name.strip()) > 150:
                    self.problem(f"{where}.{key}[{index}]", "expected a name (text of 1 to 150 characters)")
                elif name.strip() in record.aliases or name.strip() == record.name:
                    self.problem(f"{where}.{key}[{index}]", f"{name.strip()!r} is listed twice")
                else:
                    record.aliases[name.strip()] = kind
        for index, period in enumerate(self.items(data, "periods", where)):
            period_where = f"{where}.periods[{index}]"
            record.periods.append(self.period(self.mapping(period, period_where), period_where))
        events = []
        for index, event in enumerate(self.items(data, "events", where)):
            event_where = f"{where}.events[{index}]"
            events.append(self.event(self.mapping(event, event_where), event_where, slug))
        return record, events


def read_dataset(root: Path) -> Dataset:
    """Parse and check every ``*.yaml`` file under ``root``; raise DatasetError listing all problems."""
    problems: list[str] = []
    reader = _Reader(problems)
    dataset = Dataset()
    digest = hashlib.sha256()
    files = sorted(root.rglob("*.yaml"))
    if not files:
        raise DatasetError([f"{root}: no .yaml files found"])
    for path in files:
        name = str(path.relative_to(root))
        raw = path.read_bytes()
        digest.update(name.encode() + b"\0" + raw)
        try:
            content = yaml.safe_load(raw) or {}
        except yaml.YAMLError as error:
            problems.append(f"{name}: not valid YAML ({str(error).splitlines()[0]})")
            continue
        except ValueError as error:  # PyYAML raises this for impossible dates such as 1995-02-30
            problems.append(f"{name}: a date must be a real date written YYYY-MM-DD ({error})")
            continue
        _add_file(dataset, reader.mapping(content, name), name, reader)
    _check_references(dataset, reader)
    if problems:
        raise DatasetError(problems)
    dataset.digest = digest.hexdigest()
    return dataset


def _add_file(dataset: Dataset, content: dict[str, Any], name: str, reader: _Reader) -> None:
    """Add one file's sources, jurisdictions (with their events) and free-standing events."""
    unknown = set(content) - {"sources", "jurisdictions", "events"}
    if unknown:
        reader.problem(name, f"unknown top-level keys: {', '.join(sorted(unknown))}")
    for index, data in enumerate(reader.items(content, "sources", name)):
        where = f"{name}: sources[{index}]"
        source = reader.source(reader.mapping(data, where), where)
        existing = dataset.sources.get(source.key)
        if existing is None:
            dataset.sources[source.key] = source
        elif (existing.title, existing.url, existing.kind) != (source.title, source.url, source.kind):
            reader.problem(where, f"source '{source.key}' differs from its definition at {existing.origin}")
    for index, data in enumerate(reader.items(content, "jurisdictions", name)):
        where = f"{name}: jurisdictions[{index}]"
        record, events = reader.jurisdiction(reader.mapping(data, where), where)
        if record.slug in dataset.jurisdictions:
            reader.problem(
                where,
                f"jurisdiction '{record.slug}' is also defined at {dataset.jurisdictions[record.slug].origin}",
            )
        dataset.jurisdictions[record.slug] = record
        _add_events(dataset, events, reader)
    # Events that belong to no jurisdiction (international statements, rulings).
    for index, data in enumerate(reader.items(content, "events", name)):
        where = f"{name}: events[{index}]"
        _add_events(dataset, [reader.event(reader.mapping(data, where), where, None)], reader)


def _add_events(dataset: Dataset, events: list[EventRecord], reader: _Reader) -> None:
    for event in events:
        if event.key in dataset.events:
            reader.problem(event.origin, f"event '{event.key}' is also defined at {dataset.events[event.key].origin}")
        dataset.events[event.key] = event


def _check_references(dataset: Dataset, reader: _Reader) -> None:
    """Cross-record checks: references resolve, no duplicate URLs or ISO codes, no overlaps, no cycles."""
    urls: dict[str, str] = {}
    for source in dataset.sources.values():
        if source.url in urls:
            reader.problem(source.origin, f"URL already recorded as source '{urls[source.url]}'")
        urls[source.url] = source.key
    iso_codes: dict[str, str] = {}
    for record in dataset.jurisdictions.values():
        if record.iso_code:
            if record.iso_code in iso_codes:
                reader.problem(
                    record.origin, f"ISO code {record.iso_code} is also used by '{iso_codes[record.iso_code]}'"
                )
            iso_codes[record.iso_code] = record.slug
        _check_parent(record, dataset, reader)
        _check_periods(record, dataset, reader)
    _check_cycles(dataset, reader)
    for event in dataset.events.values():
        for citation in event.citations:
            if citation.source_key not in dataset.sources:
                reader.problem(event.origin, f"cites unknown source '{citation.source_key}'")


def _check_parent(record: JurisdictionRecord, dataset: Dataset, reader: _Reader) -> None:
    if record.parent_slug and record.parent_slug not in dataset.jurisdictions:
        reader.problem(record.origin, f"parent '{record.parent_slug}' is not in the dataset")
    if record.kind == "country" and record.parent_slug:
        reader.problem(record.origin, "a country cannot have a parent")


def _check_periods(record: JurisdictionRecord, dataset: Dataset, reader: _Reader) -> None:
    dated = sorted((p for p in record.periods if p.start_date), key=lambda p: p.start_date)
    for earlier, later in itertools.pairwise(dated):
        if in_force_on(earlier, later.start_date):  # sorted: earlier began first, so it overlaps
            reader.problem(later.origin, f"overlaps the period starting {earlier.start_date}")
        elif earlier.end_date == later.start_date and earlier.end_precision != later.start_precision:
            reader.problem(
                later.origin,
                f"'start_precision' {later.start_precision!r} differs from the 'end_precision' "
                f"{earlier.end_precision!r} of the period it follows (one date, one precision)",
            )
    for period in record.periods:
        for citation in period.citations:
            if citation.source_key not in dataset.sources:
                reader.problem(period.origin, f"cites unknown source '{citation.source_key}'")
        if period.enacted_by:
            event = dataset.events.get(period.enacted_by)
            if event is None:
                reader.problem(period.origin, f"'enacted_by' names unknown event '{period.enacted_by}'")
            elif event.jurisdiction_slug not in (None, record.slug):
                reader.problem(
                    period.origin, f"'enacted_by' event '{period.enacted_by}' belongs to '{event.jurisdiction_slug}'"
                )


def _check_cycles(dataset: Dataset, reader: _Reader) -> None:
    for record in dataset.jurisdictions.values():
        seen, node = {record.slug}, dataset.jurisdictions.get(record.parent_slug or "")
        while node is not None:
            if node.slug in seen:
                reader.problem(record.origin, "its parents form a cycle")
                break
            seen.add(node.slug)
            node = dataset.jurisdictions.get(node.parent_slug or "")

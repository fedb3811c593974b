"""The downloadable data: each export's fields (documented once), its rows, and the CSV and
JSON writers that stream them.

Every export is described by a list of :class:`Field`: the CSV header, the JSON keys, the
JSON Schema served at ``/api/schema.json``, the codebook and the README all come from it,
so they cannot drift apart. Rows are produced by generators that read the database in
chunks, and the writers stream them, so memory stays bounded whatever the size of the data.
"""

from __future__ import annotations

import datetime
import itertools
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db.models import Exists, F, FilteredRelation, OuterRef

from jurisdictions import spreadsheet
from jurisdictions.meta import concrete_field, field_label
from jurisdictions.models import (
    DatePrecision,
    EventKind,
    JurisdictionKind,
    PolicyEventSource,
    RegimePeriod,
    RegimePeriodSource,
    Region,
)
from jurisdictions.querysets import public_parent_slug, published_q
from jurisdictions.vocabulary import (
    CODED_ACTIVITY_FIELDS,
    VARIES,
    ActivityStatus,
    Confidence,
    LegalModelSlug,
    Requirement,
    Treatment,
)

# Bumped when a field is renamed or removed or its meaning changes (a new field is a minor
# version). Clients can check it in every JSON document.
SCHEMA_VERSION = "1.0"

# Rows read from the database at a time: bounds memory, and the queries per export grow by one
# for each chunk only.
CHUNK_SIZE = 1000

VARIES_LABEL = "Varies within (units coded separately)"
MODEL_LABELS = {**dict(LegalModelSlug.choices), VARIES: VARIES_LABEL}


@dataclass(frozen=True)
class Field:
    """One column of an export: its name, what it means, and the values it can take."""

    name: str
    description: str
    type: str = "string"  # string | date | boolean | integer | urls
    values: tuple[str, ...] = ()  # the allowed values, for a coded field
    nullable: bool = False

    @property
    def csv_note(self) -> str:
        return "space-separated URLs" if self.type == "urls" else ""


def _coded(name: str, description: str, choices, *, nullable: bool = False, extra: tuple[str, ...] = ()):
    """A coded field and the label field beside it."""
    return [
        Field(name, description, values=(*(value for value, _ in choices), *extra), nullable=nullable),
        Field(f"{name}_label", f"Readable name of `{name}`.", nullable=nullable),
    ]


MODEL_VALUES = (*LegalModelSlug.values, VARIES)
PLACE_FIELDS = [
    Field("jurisdiction", "Stable identifier (slug) of the jurisdiction, e.g. `new-zealand`."),
    Field("jurisdiction_name", "Common English name of the jurisdiction."),
    Field("iso_code", "ISO 3166-1 alpha-2 or ISO 3166-2 code; null where none exists.", nullable=True),
]
TREATMENT_FIELDS = [
    *_coded(
        "workers",
        "How the law treats sex workers; null for `varies` or without a regime.",
        Treatment.choices,
        nullable=True,
    ),
    *_coded(
        "clients",
        "How the law treats clients; null for `varies` or without a regime.",
        Treatment.choices,
        nullable=True,
    ),
    *_coded(
        "third_parties",
        "How the law treats third parties (brothel operators, landlords, drivers, "
        "advertisers); null for `varies` or without a regime.",
        Treatment.choices,
        nullable=True,
    ),
]

REGIME_SINCE_PRECISION = Field(
    "regime_since_precision",
    "How much of `regime_since` the sources establish: `day`; `month` (the date is the 1st: read "
    "'June 2020'); `year` (the date is 1 January: read '1995'). Null without a regime.",
    values=tuple(DatePrecision.values),
    nullable=True,
)
JURISDICTION_FIELDS = [
    Field("slug", "Stable identifier, e.g. `new-zealand`."),
    Field("name", "Common English name."),
    Field("iso_code", "ISO 3166-1 alpha-2 or ISO 3166-2 code; null where none exists.", nullable=True),
    *_coded("kind", "What sort of unit this is.", JurisdictionKind.choices),
    Field("parent", "Slug of the containing jurisdiction; null for a country.", nullable=True),
    *_coded("region", "UN M49 region.", Region.choices),
    Field("as_of", "The date whose law the row shows (the `as_of` parameter; today by default).", "date"),
    *_coded(
        "legal_model",
        "Legal model in force on `as_of`; `varies` where the units are coded "
        "separately; null where no regime is recorded for the date.",
        LegalModelSlug.choices,
        nullable=True,
        extra=(VARIES,),
    ),
    *TREATMENT_FIELDS,
    Field("regime_since", "First day of the regime in force.", "date", nullable=True),
    REGIME_SINCE_PRECISION,
    Field(
        "regime_began_earlier",
        "`true` when the regime was already in force on `regime_since`, the start "
        "of the atlas's coverage (1 January 1990): it began earlier. Null without a regime.",
        "boolean",
        nullable=True,
    ),
    *_coded(
        "confidence", "How firmly the cited sources establish the regime's coding.", Confidence.choices, nullable=True
    ),
    Field("last_reviewed", "When an editor last checked the jurisdiction's records.", "date", nullable=True),
    Field("sources", "URLs of the sources cited for the regime in force.", "urls"),
]

ACTIVITY_COLUMNS = [
    field_
    for name in CODED_ACTIVITY_FIELDS
    for field_ in _coded(
        name,
        f"{field_label(RegimePeriod, name)}: {concrete_field(RegimePeriod, name).help_text}",
        concrete_field(RegimePeriod, name).choices,
    )
]

PERIOD_FIELDS = [
    *PLACE_FIELDS,
    Field("start_date", "First day the regime applied (inclusive).", "date"),
    Field(
        "start_precision",
        "How much of `start_date` the sources establish: `day`, `month` (the date is the 1st) or `year` "
        "(the date is 1 January).",
        values=tuple(DatePrecision.values),
    ),
    Field(
        "began_earlier",
        "`true` when the regime began before `start_date`, the start of the atlas's coverage (1 January 1990).",
        "boolean",
    ),
    Field("end_date", "First day it no longer applied (exclusive); null while still in force.", "date", nullable=True),
    Field(
        "end_precision",
        "How much of `end_date` the sources establish, as `start_precision`; null while still in force.",
        values=tuple(DatePrecision.values),
        nullable=True,
    ),
    *_coded(
        "legal_model",
        "The legal model, or `varies` where the units are coded separately.",
        LegalModelSlug.choices,
        extra=(VARIES,),
    ),
    *TREATMENT_FIELDS,
    *ACTIVITY_COLUMNS,
    *_coded("confidence", "How firmly the cited sources establish this coding.", Confidence.choices),
    Field("needs_review", "`true` when something in the record is uncertain (see `notes`).", "boolean"),
    Field("enacted_by", "Slug of the event (usually a law coming into force) that began the period.", nullable=True),
    Field("notes", "Nuances and uncertainties, in plain language."),
    Field("sources", "URLs of the sources cited for the period.", "urls"),
]

EVENT_FIELDS = [
    Field("slug", "Stable identifier of the event."),
    Field("date", "The event's date; with month or year precision, the first day of the month or year.", "date"),
    *_coded("date_precision", "How much of the date the sources establish.", DatePrecision.choices),
    *_coded("kind", "What happened.", EventKind.choices),
    Field("title", "One-line summary."),
    Field("description", "What changed, in neutral terms."),
    Field("jurisdiction", "Slug of the jurisdiction; null for international events.", nullable=True),
    Field("jurisdiction_name", "Name of the jurisdiction; null for international events.", nullable=True),
    Field("iso_code", "ISO code of the jurisdiction; null where none exists.", nullable=True),
    *_coded("confidence", "How firmly the cited sources establish the event and its date.", Confidence.choices),
    Field("needs_review", "`true` when something in the record is uncertain (see `notes`).", "boolean"),
    Field("began_regime", "`true` when the event began a regime period (the law's model changed).", "boolean"),
    Field("notes", "What is uncertain, and why."),
    Field("sources", "URLs of the sources cited for the event.", "urls"),
]

PANEL_FIELDS = [
    *PLACE_FIELDS,
    *_coded("kind", "What sort of unit this is.", JurisdictionKind.choices),
    Field("parent", "Slug of the containing jurisdiction; null for a country.", nullable=True),
    *_coded("region", "UN M49 region.", Region.choices),
    Field("year", "The year.", "integer"),
    Field("as_of", "The date whose law the row shows: 31 December of `year` (the current year: today).", "date"),
    *_coded(
        "legal_model",
        "Legal model in force on `as_of`; `varies` where the units are coded "
        "separately; null where no regime is recorded for the date.",
        LegalModelSlug.choices,
        nullable=True,
        extra=(VARIES,),
    ),
    *TREATMENT_FIELDS,
    Field(
        "regime_since",
        "First day of the regime in force; with `jurisdiction` it identifies the row of the periods export.",
        "date",
        nullable=True,
    ),
    REGIME_SINCE_PRECISION,
    Field(
        "regime_began_earlier",
        "`true` when the regime began before 1990 (see `regime_since`).",
        "boolean",
        nullable=True,
    ),
    *_coded(
        "confidence", "How firmly the cited sources establish the regime's coding.", Confidence.choices, nullable=True
    ),
]


def _label(choices: dict, value):
    return choices.get(value) if value else None


TREATMENTS = dict(Treatment.choices)
CONFIDENCES = dict(Confidence.choices)
KINDS = dict(JurisdictionKind.choices)
REGIONS = dict(Region.choices)
ACTIVITY_LABELS = {**dict(ActivityStatus.choices), **dict(Requirement.choices)}


def _iso(date: datetime.date | None) -> str | None:
    return date.isoformat() if date else None


def _regime_values(*, model, workers, clients, third_parties) -> dict:
    return {
        "legal_model": model,
        "legal_model_label": _label(MODEL_LABELS, model),
        "workers": workers or None,
        "workers_label": _label(TREATMENTS, workers),
        "clients": clients or None,
        "clients_label": _label(TREATMENTS, clients),
        "third_parties": third_parties or None,
        "third_parties_label": _label(TREATMENTS, third_parties),
    }


def _chunks(iterable: Iterable, size: int = CHUNK_SIZE) -> Iterator[list]:
    iterator = iter(iterable)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def _source_urls(through, owner_field: str, owner_ids: list[int]) -> dict[int, list[str]]:
    urls = defaultdict(list)
    for owner_id, url in (
        through.objects.filter(**{f"{owner_field}__in": owner_ids})
        .order_by("source__url")
        .values_list(owner_field, "source__url")
    ):
        urls[owner_id].append(url)
    return urls


def jurisdiction_rows(jurisdictions, *, as_of: datetime.date) -> Iterator[dict]:
    """One row per jurisdiction (annotated ``with_regime``): one query per chunk, plus one for sources."""
    for chunk in _chunks(jurisdictions.select_related("parent").iterator(chunk_size=CHUNK_SIZE)):
        urls = _source_urls(
            RegimePeriodSource, "regime_period_id", [row.regime_period_id for row in chunk if row.regime_period_id]
        )
        for row in chunk:
            model = VARIES if row.regime_varies else row.regime_model_slug
            yield {
                "slug": row.slug,
                "name": row.name,
                "iso_code": row.iso_code or None,
                "kind": row.kind,
                "kind_label": KINDS.get(row.kind),
                "parent": row.public_parent.slug if row.public_parent else None,
                "region": row.region,
                "region_label": REGIONS.get(row.region),
                "as_of": as_of.isoformat(),
                **_regime_values(
                    model=model,
                    workers=row.regime_workers,
                    clients=row.regime_clients,
                    third_parties=row.regime_third_parties,
                ),
                "regime_since": _iso(row.regime_since),
                "regime_since_precision": row.regime_since_precision,
                "regime_began_earlier": row.regime_began_earlier,
                "confidence": row.regime_confidence,
                "confidence_label": _label(CONFIDENCES, row.regime_confidence),
                "last_reviewed": _iso(row.last_reviewed),
                "sources": urls.get(row.regime_period_id, []),
            }


def periods_for_export(periods):
    """What ``period_rows`` reads, in export order: by jurisdiction name, then oldest first."""
    return periods.select_related("jurisdiction", "legal_model", "enacted_by").order_by(
        "jurisdiction__name", "jurisdiction_id", "start_date"
    )


def period_rows(periods) -> Iterator[dict]:
    """One row per regime period of ``periods_for_export()`` (maybe sliced to a page)."""
    for chunk in _chunks(periods.iterator(chunk_size=CHUNK_SIZE)):
        urls = _source_urls(RegimePeriodSource, "regime_period_id", [period.pk for period in chunk])
        for period in chunk:
            place = period.jurisdiction
            row = {
                "jurisdiction": place.slug,
                "jurisdiction_name": place.name,
                "iso_code": place.iso_code or None,
                "start_date": period.start_date.isoformat(),
                "start_precision": period.start_precision,
                "began_earlier": period.in_force_before_start,
                "end_date": _iso(period.end_date),
                "end_precision": period.end_precision if period.end_date else None,
                **_regime_values(
                    model=period.model_slug,
                    workers=period.treatment_of_workers,
                    clients=period.treatment_of_clients,
                    third_parties=period.treatment_of_third_parties,
                ),
            }
            for name in CODED_ACTIVITY_FIELDS:
                value = getattr(period, name)
                row[name], row[f"{name}_label"] = value, ACTIVITY_LABELS.get(value)
            row.update(
                {
                    "confidence": period.confidence,
                    "confidence_label": CONFIDENCES.get(period.confidence),
                    "needs_review": period.needs_review,
                    "enacted_by": period.enacted_by.slug if period.enacted_by_id else None,
                    "notes": period.notes,
                    "sources": urls.get(period.pk, []),
                }
            )
            yield row


EVENT_KINDS = dict(EventKind.choices)
PRECISIONS = dict(DatePrecision.choices)


def events_for_export(events):
    """What ``event_rows`` reads: each event with its place and whether it began a regime."""
    return events.select_related("jurisdiction").annotate(
        began_regime=Exists(RegimePeriod.objects.public().filter(enacted_by=OuterRef("pk")))
    )


def event_rows(events) -> Iterator[dict]:
    """One row per policy event of ``events_for_export()`` (maybe sliced to a page), in its order."""
    for chunk in _chunks(events.iterator(chunk_size=CHUNK_SIZE)):
        urls = _source_urls(PolicyEventSource, "event_id", [event.pk for event in chunk])
        for event in chunk:
            place = event.jurisdiction
            yield {
                "slug": event.slug,
                "date": event.date.isoformat(),
                "date_precision": event.date_precision,
                "date_precision_label": PRECISIONS.get(event.date_precision),
                "kind": event.kind,
                "kind_label": EVENT_KINDS.get(event.kind),
                "title": event.title,
                "description": event.description,
                "jurisdiction": place.slug if place else None,
                "jurisdiction_name": place.name if place else None,
                "iso_code": (place.iso_code or None) if place else None,
                "confidence": event.confidence,
                "confidence_label": CONFIDENCES.get(event.confidence),
                "needs_review": event.needs_review,
                "began_regime": event.began_regime,
                "notes": event.notes,
                "sources": urls.get(event.pk, []),
            }


def panel_rows(jurisdictions, *, years: list[tuple[int, datetime.date]]) -> Iterator[dict]:
    """A country-year panel: one row per jurisdiction and year, the law on each year's date.

    ``years`` is [(year, date)]. One query streams every jurisdiction with its published periods
    (a LEFT JOIN, so jurisdictions without any period still get rows); memory holds one
    jurisdiction's periods at a time.
    """
    rows = (
        jurisdictions.annotate(period=FilteredRelation("regime_periods", condition=published_q("regime_periods__")))
        .annotate(parent_slug=public_parent_slug(), period_model=F("period__legal_model__slug"))
        .order_by("name", "pk", "period__start_date")
        .values_list(
            "pk",
            "slug",
            "name",
            "iso_code",
            "kind",
            "parent_slug",
            "region",
            "period_model",
            "period__varies_within",
            "period__start_date",
            "period__end_date",
            "period__in_force_before_start",
            "period__treatment_of_workers",
            "period__treatment_of_clients",
            "period__treatment_of_third_parties",
            "period__confidence",
            "period__start_precision",
        )
    )
    for _, group in itertools.groupby(rows.iterator(chunk_size=CHUNK_SIZE), key=lambda row: row[0]):
        rows_of_one = list(group)
        _, slug, name, iso_code, kind, parent, region = rows_of_one[0][:7]
        periods = [row[7:] for row in rows_of_one if row[9] is not None]
        for year, at in years:
            period = next((p for p in periods if p[2] <= at and (p[3] is None or p[3] > at)), None)
            model, varies, since, _until, earlier, workers, clients, third_parties, confidence, precision = (
                period or (None,) * 10
            )
            yield {
                "jurisdiction": slug,
                "jurisdiction_name": name,
                "iso_code": iso_code or None,
                "kind": kind,
                "kind_label": KINDS.get(kind),
                "parent": parent,
                "region": region,
                "region_label": REGIONS.get(region),
                "year": year,
                "as_of": at.isoformat(),
                **_regime_values(
                    model=VARIES if varies else model, workers=workers, clients=clients, third_parties=third_parties
                ),
                "regime_since": _iso(since),
                "regime_since_precision": precision,
                "regime_began_earlier": earlier,
                "confidence": confidence,
                "confidence_label": _label(CONFIDENCES, confidence),
            }


# --- Writers -----------------------------------------------------------------------------

BOM = "\ufeff"


class _Line:
    """A file-like object whose write() returns what was written (a CSV writer writes one line)."""

    def write(self, value: str) -> str:
        return value


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return " ".join(value)
    return value


def csv_lines(fields: list[Field], rows: Iterable[dict], *, bom: bool = True) -> Iterator[str]:
    """CSV lines: header, then one line per row; booleans as ``true``/``false``, null as empty,
    and text that a spreadsheet would run as a formula escaped (``jurisdictions.spreadsheet``).

    ``bom``: start with a UTF-8 byte-order mark, so spreadsheet programs read the file as UTF-8.
    """
    writer = spreadsheet.writer(_Line())
    names = [field_.name for field_ in fields]
    yield (BOM if bom else "") + writer.writerow(names)
    for row in rows:
        yield writer.writerow([_csv_value(row[name]) for name in names])


JSON_TAIL = "\n  ]\n}\n"


def json_head(envelope: dict) -> str:
    """The envelope's keys, then the opening of ``results``."""
    return json.dumps(envelope, indent=2, ensure_ascii=False)[:-2] + ',\n  "results": ['


def json_row(index: int, row: dict) -> str:
    return ("," if index else "") + "\n    " + json.dumps(row, ensure_ascii=False)


def json_chunks(envelope: dict, rows: Iterable[dict]) -> Iterator[str]:
    """``{...envelope, "results": [row, ...]}`` as a stream of text."""
    yield json_head(envelope)
    for index, row in enumerate(rows):
        yield json_row(index, row)
    yield JSON_TAIL

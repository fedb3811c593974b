"""The codebook: every export's fields, every coded value with its label, and the coding rules
of ``docs/DATA.md``, built from the code's own vocabulary so it cannot drift from the data."""

from __future__ import annotations

import datetime
import functools
import re
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from markdown_it import MarkdownIt

from jurisdictions.models import DatePrecision, EventKind, JurisdictionKind, LegalModel, Region
from jurisdictions.vocabulary import VARIES, ActivityStatus, Confidence, Requirement, Treatment

from . import exports


@dataclass(frozen=True)
class Value:
    value: str
    label: str
    description: str = ""


@dataclass(frozen=True)
class Vocabulary:
    name: str  # e.g. 'Legal models'
    fields: str  # the fields that take these values
    values: list[Value]


@dataclass(frozen=True)
class ExportDoc:
    title: str
    paths: str
    description: str
    fields: list[exports.Field]


@dataclass(frozen=True)
class Codebook:
    dataset_version: str
    schema_version: str
    generated: datetime.date
    exports: list[ExportDoc]
    vocabularies: list[Vocabulary]
    rules_markdown: str

    @property
    def rules_html(self) -> str:
        return render_markdown(self.rules_markdown)


def _values(choices) -> list[Value]:
    return [Value(value, label) for value, label in choices]


def vocabularies() -> list[Vocabulary]:
    """Every coded value the exports use; the legal models with their summaries (one query)."""
    models = [
        Value(model.slug, model.name, f"{model.summary} Also called: {model.academic_name}.")
        for model in LegalModel.objects.order_by("position")
    ]
    models.append(
        Value(
            VARIES,
            exports.VARIES_LABEL,
            "The jurisdiction's units make their own law; each is "
            "coded on its own (see `parent`). No treatments are coded.",
        )
    )
    return [
        Vocabulary("Legal models", "legal_model", models),
        Vocabulary("Treatment of each role", "workers, clients, third_parties", _values(Treatment.choices)),
        Vocabulary(
            "Legal status of an activity",
            "street_work, indoor_work_alone, working_together, brothels, advertising",
            _values(ActivityStatus.choices),
        ),
        Vocabulary("Duties imposed on sex workers", "registration, health_checks", _values(Requirement.choices)),
        Vocabulary("Confidence", "confidence", _values(Confidence.choices)),
        Vocabulary("Event kinds", "kind (events)", _values(EventKind.choices)),
        Vocabulary("Date precision", "date_precision", _values(DatePrecision.choices)),
        Vocabulary("Kinds of jurisdiction", "kind (jurisdictions, panel)", _values(JurisdictionKind.choices)),
        Vocabulary("Regions (UN M49)", "region", _values(Region.choices)),
    ]


EXPORTS = [
    ExportDoc(
        "Jurisdictions",
        "/jurisdictions/export.csv, /jurisdictions/export.json",
        "One row per jurisdiction with the law in force on a date (`as_of`).",
        exports.JURISDICTION_FIELDS,
    ),
    ExportDoc(
        "Regime periods",
        "/periods/export.csv, /periods/export.json",
        "Every published regime period: the full history of each jurisdiction.",
        exports.PERIOD_FIELDS,
    ),
    ExportDoc(
        "Policy events",
        "/events/export.csv, /events/export.json",
        "Every published policy event, oldest first.",
        exports.EVENT_FIELDS,
    ),
    ExportDoc(
        "Jurisdiction-year panel",
        "/jurisdictions/panel.csv, /jurisdictions/panel.json",
        "One row per jurisdiction and year: the law on 31 December (the current year: today).",
        exports.PANEL_FIELDS,
    ),
]


@functools.cache
def _rules(path: Path, mtime: float) -> str:
    """The 'Coding rules' section of docs/DATA.md (the whole file if it has no such section)."""
    text = path.read_text(encoding="utf-8")
    match = re.search(r"^## Coding rules\s*$(.*?)(?=^## |\Z)", text, flags=re.MULTILINE | re.DOTALL)
    return (match.group(1) if match else text).strip()


def coding_rules() -> str:
    path = Path(settings.BASE_DIR) / "docs" / "DATA.md"
    return _rules(path, path.stat().st_mtime)


_markdown = MarkdownIt("commonmark", {"html": False}).enable("table")


# Pure functions of the text, and the codebook renders the same few hundred texts on every
# request: each is converted once per process (bounded: any text may come through).
@functools.lru_cache(maxsize=64)
def render_markdown(text: str) -> str:
    """HTML from our own Markdown (raw HTML in it is escaped, not passed through)."""
    return _markdown.render(text)


@functools.lru_cache(maxsize=1024)
def render_inline(text: str) -> str:
    """One line of Markdown (code spans, emphasis) as HTML, raw HTML escaped."""
    return _markdown.renderInline(text)


def build_codebook(*, dataset_version: str, today: datetime.date) -> Codebook:
    return Codebook(
        dataset_version=dataset_version,
        schema_version=exports.SCHEMA_VERSION,
        generated=today,
        exports=EXPORTS,
        vocabularies=vocabularies(),
        rules_markdown=coding_rules(),
    )

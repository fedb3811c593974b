"""Readable change history and revision diffs for editors and reviewers (reads only).

The database triggers (django-pghistory) record every insert, update and delete of
the records with the user and page. These selectors turn those rows into what a
person reads: the record's name, who, when, and each changed field as old → new,
with names instead of ids. Bookkeeping (``updated_at``) is left out.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.paginator import Page, Paginator
from django.db import models
from django.urls import reverse
from django.utils.dateparse import parse_date
from pghistory.models import Events

from .models import (
    Jurisdiction,
    PolicyEvent,
    PolicyEventSource,
    RegimePeriod,
    RegimePeriodSource,
    Revision,
    Source,
)

TRACKED = (Jurisdiction, Source, PolicyEvent, RegimePeriod, RegimePeriodSource, PolicyEventSource)
# Citation rows are shown as changes to the record that cites.
CITATION_OWNERS = {RegimePeriodSource: "regime_period", PolicyEventSource: "event"}
HIDDEN_FIELDS = frozenset({"id", "updated_at"})
ACTIONS = {"insert": "created", "update": "changed", "delete": "deleted"}
PAGE_SIZE = 50


def history_url(record: models.Model) -> str:
    """The readable history of one record (its citations included)."""
    return f"{reverse('admin:history')}?record={record._meta.label_lower}:{record.pk}"


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: datetime.datetime
    action: str
    kind: str
    record: str
    record_url: str
    user: str
    changes: list[FieldChange] = field(default_factory=list)
    note: str = ""


class _Names:
    """Names for ids met in history rows, fetched in one query per related model."""

    def __init__(self):
        self.wanted: dict[type[models.Model], set] = {}
        self.found: dict[type[models.Model], dict] = {}

    def want(self, model, value) -> None:
        if value not in (None, ""):
            self.wanted.setdefault(model, set()).add(value)

    def fetch(self) -> None:
        for model, ids in self.wanted.items():
            if model is get_user_model():
                self.found[model] = {u.pk: u.get_username() for u in model.objects.filter(pk__in=ids)}
            elif model is RegimePeriod:
                rows = RegimePeriod.objects.filter(pk__in=ids).select_related("jurisdiction", "legal_model")
                self.found[model] = {row.pk: str(row) for row in rows}
            else:
                self.found[model] = {row.pk: str(row) for row in model._default_manager.filter(pk__in=ids)}

    def name(self, model, value) -> str:
        if value in (None, ""):
            return "—"
        return self.found.get(model, {}).get(value) or f"(deleted {model._meta.verbose_name} #{value})"


def _related(model_field):
    return model_field.related_model if model_field.is_relation and model_field.many_to_one else None


def format_value(model_field, value, names: _Names) -> str:
    """A stored value as a person reads it: choice labels, names for ids, yes/no, dates."""
    related = _related(model_field)
    if related is not None:
        return names.name(related, value)
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.DateField) and isinstance(value, str):
        parsed = parse_date(value[:10])
        return f"{parsed:%d %B %Y}".lstrip("0") if parsed else value
    return str(value)


def _model_fields(model) -> dict[str, models.Field]:
    return {f.attname: f for f in model._meta.concrete_fields if f.name not in HIDDEN_FIELDS}


RECORD_PATTERN = r"^jurisdictions\.(jurisdiction|source|policyevent|regimeperiod):[0-9]{1,18}$"


def _event_models() -> list:
    return [apps.get_model("jurisdictions", f"{model.__name__}History") for model in TRACKED]


def history_page(
    *, record: str = "", user_id: int | None = None, kind: str = "", page: int | str = 1
) -> tuple[Page, list[HistoryEntry]]:
    """One page of the change list, newest first, by record ('jurisdictions.regimeperiod:12'), user, kind.

    A record's history includes the rows that point at it: a period's citations, a
    jurisdiction's periods and events.
    """
    event_models = _event_models()
    if kind:
        event_models = [m for m in event_models if m.pgh_tracked_model._meta.label_lower == kind]
    if record:
        label, _, pk = record.partition(":")
        target = apps.get_model(label)
        event_models = [
            m for m in event_models if any(f.is_relation and f.related_model is target for f in m._meta.fields)
        ]
    if not event_models:
        events = Events.no_objects.all()
    else:
        events = Events.objects.across(*event_models)
        if record:
            events = events.references(target(pk=int(pk)))
    if user_id:
        events = events.filter(pgh_context__user=user_id)
    paginator = Paginator(events.order_by("-pgh_created_at", "-pgh_id"), PAGE_SIZE)
    result = paginator.get_page(page)
    return result, describe(list(result.object_list))


def record_label(record: str) -> str:
    """'Sweden: Nordic model (1999-01-01 – in force)' for 'jurisdictions.regimeperiod:12', or ''."""
    if not record:
        return ""
    label, _, pk = record.partition(":")
    found = apps.get_model(label).objects.filter(pk=int(pk)).first()
    return str(found) if found is not None else f"{label.split('.')[-1]} #{pk} (deleted)"


def user_name(user_id) -> str:
    """The username behind a history row's user id ('(a command)' when none)."""
    if not user_id:
        return "(no user: a command or script)"
    user = get_user_model().objects.filter(pk=user_id).first()
    return user.get_username() if user else f"(deleted account #{user_id})"


def _shown(event, fields: dict) -> dict[str, tuple]:
    """Field → (old, new) worth showing: set fields of a new row, changed fields of an update."""
    if event.pgh_label == "insert":
        data = event.pgh_data or {}
        return {name: (None, value) for name, value in data.items() if name in fields and value not in (None, "")}
    if event.pgh_label == "update":
        return {name: tuple(pair) for name, pair in (event.pgh_diff or {}).items() if name in fields}
    return {}


def _notes(context: dict) -> str:
    """Why a change happened, from the context the services add to the history."""
    notes = []
    if context.get("revision"):
        notes.append(f"approved revision {context['revision']}")
    if context.get("restored_version"):
        notes.append("restored an earlier version")
    if context.get("continuation"):
        continuation = dict(CONTINUATION_LABELS).get(context["continuation"], context["continuation"])
        notes.append(f"timeline: {continuation}")
    return "; ".join(notes)


@dataclass
class _Row:
    event: Any
    model: type[models.Model]
    fields: dict
    shown: dict
    record_model: type[models.Model]
    record_id: int | None

    @property
    def data(self) -> dict:
        return self.event.pgh_data or {}

    @property
    def context(self) -> dict:
        return self.event.pgh_context or {}


def _row(event, names: _Names) -> _Row:
    model = apps.get_model(event.pgh_obj_model)
    fields = _model_fields(model)
    shown = _shown(event, fields)
    for name, (old, new) in shown.items():
        related = _related(fields[name])
        if related is not None:
            names.want(related, old)
            names.want(related, new)
    data = event.pgh_data or {}
    owner = CITATION_OWNERS.get(model)
    if owner:
        record_model, record_id = model._meta.get_field(owner).related_model, data.get(f"{owner}_id")
        names.want(Source, data.get("source_id"))
    else:
        record_model, record_id = model, int(event.pgh_obj_id) if event.pgh_obj_id else None
    names.want(record_model, record_id)
    names.want(get_user_model(), (event.pgh_context or {}).get("user"))
    return _Row(event, model, fields, shown, record_model, record_id)


def _entry(row: _Row, names: _Names) -> HistoryEntry:
    created = row.event.pgh_label == "insert"
    changes = [
        FieldChange(
            str(field.verbose_name),
            "" if created else format_value(field, row.shown[name][0], names),
            format_value(field, row.shown[name][1], names),
        )
        for name, field in row.fields.items()  # in the model's order
        if name in row.shown and (row.model not in CITATION_OWNERS or name == "pinpoint")
    ]
    record = names.name(row.record_model, row.record_id)
    exists = not record.startswith("(deleted")
    if row.model in CITATION_OWNERS:
        verb = {"insert": "source added", "update": "source changed", "delete": "source removed"}
        action = (
            f"{verb.get(row.event.pgh_label, row.event.pgh_label)}: {names.name(Source, row.data.get('source_id'))}"
        )
    else:
        action = ACTIONS.get(row.event.pgh_label, row.event.pgh_label)
        if not exists:
            record = str(row.data.get("name") or row.data.get("title") or record)
    meta = row.record_model._meta
    url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[row.record_id]) if exists else ""
    user_id = row.context.get("user")
    return HistoryEntry(
        when=row.event.pgh_created_at,
        action=action,
        kind=str(meta.verbose_name),
        record=record,
        record_url=url,
        user=names.name(get_user_model(), user_id) if user_id else "(no user: a command or script)",
        changes=changes,
        note=_notes(row.context),
    )


def describe(events: list) -> list[HistoryEntry]:
    """History rows → entries people read (names fetched in one query per related model)."""
    names = _Names()
    rows = [_row(event, names) for event in events]
    names.fetch()
    return [_entry(row, names) for row in rows]


CONTINUATION_LABELS = (
    ("reopen", "the previous period was re-opened"),
    ("not_recorded", "left “not recorded” after it"),
)


@dataclass
class DiffRow:
    label: str
    published: str
    proposed: str
    changed_since: bool = False


def revision_diff(revision: Revision) -> list[DiffRow]:
    """Field by field: the published value now, the proposed value; flags fields changed since proposed."""
    model = revision.content_type.model_class()
    if model is None:
        return []
    record = model._default_manager.filter(pk=revision.object_id).first()
    names = _Names()
    fields = {f.name: f for f in model._meta.concrete_fields}
    current = {}
    for name, value in revision.changes.items():
        model_field = fields[name]
        now = getattr(record, model_field.attname) if record is not None else None
        current[name] = now.isoformat() if isinstance(now, datetime.date) else now
        related = _related(model_field)
        if related is not None:
            for candidate in (now, value, revision.base.get(name)):
                names.want(related, candidate)
    citation_ids = [c["source"] for c in (revision.citations or []) + (revision.base_citations or [])]
    now_citations = []
    if isinstance(record, (RegimePeriod, PolicyEvent)) and revision.citations is not None:
        now_citations = list(record.citations.order_by("pk").values_list("source_id", "pinpoint"))
    for source_id in citation_ids + [s for s, _ in now_citations]:
        names.want(Source, source_id)
    names.fetch()
    rows = [
        DiffRow(
            str(fields[name].verbose_name),
            format_value(fields[name], current[name], names),
            format_value(fields[name], value, names),
            current[name] != revision.base.get(name),
        )
        for name, value in revision.changes.items()
    ]
    if revision.citations is not None:

        def listing(citations):
            return "; ".join(names.name(Source, s) + (f" ({p})" if p else "") for s, p in citations) or "—"

        rows.append(
            DiffRow(
                "sources",
                listing(now_citations),
                listing([(c["source"], c.get("pinpoint", "")) for c in revision.citations]),
                {(s, p) for s, p in now_citations}
                != {(c["source"], c.get("pinpoint", "")) for c in revision.base_citations or []},
            )
        )
    if revision.end_replaced:
        rows.append(DiffRow("end the period in force", "—", "yes, on this period's start date"))
    return rows
